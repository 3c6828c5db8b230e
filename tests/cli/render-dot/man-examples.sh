# Every display of render-dot(1)'s EXAMPLES, run as written on committed
# fixtures, under the file names the examples use; the pictures are
# checked to be SVG and PNG.
cp "$FIX/go1.26/heap.pb.gz" heap.pb.gz
cp "$FIX/go1.26/goroutine.debug2.txt" goroutines.txt
tar -xf "$FIX/heapdiff/leakseries.tar.xz"
tar -czf nightly.tar.gz leakseries
awk '
/^\.Sh / { ex = ($0 == ".Sh EXAMPLES") }
ex && /^\.Bd -literal/ { n++; f = "ex-" n ".sh"; inb = 1; next }
inb && /^\.Ed/ { inb = 0; close(f); next }
inb { gsub(/\\e/, "\\"); gsub(/\\&/, ""); print > f }
' "$TOP/man/render-dot.1"
for ex in ex-*.sh; do
	echo "== $ex"
	bash -o pipefail "$ex"
	echo "exit $?"
done
for f in heap.svg leaks.svg; do
	printf '%s: ' "$f"
	grep -c '^<svg' "$f"
done
printf 'waits.png: '
head -c 4 waits.png | od -An -c | tr -s ' '
