# --help and --version that cannot be written: a message, exit 74.
pprof2ndjson --help >/dev/full
echo "exit $?"
pprof2ndjson --version >/dev/full
echo "exit $?"
