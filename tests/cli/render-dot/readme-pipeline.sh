# The README's first pipeline, taken from the README and run as written on
# the bundled sample night: it ends in an SVG with the leak suspects.
mkdir nightly
cp "$TOP/share/samples/nightly.tar.gz" nightly/
line=$(grep -m 1 '| render-dot | dot -Tsvg > leaks.svg' "$TOP/README.md")
bash -o pipefail -c "$line"
echo "exit $?"
grep -c '^<svg' leaks.svg
grep -c 'LEAK SUSPECT' leaks.svg
