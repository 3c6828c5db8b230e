# Run by its full path, misuse names the program, not the path.
"$(command -v pprof2ndjson)" --bogus </dev/null
echo "exit $?"
"$(command -v trace2ndjson)" --raw=x </dev/null
echo "exit $?"
