# Every display of heapdiff(1)'s EXAMPLES, run as written on the committed
# series, under the file names the examples use.
tar -xf "$FIX/heapdiff/leakseries.tar.xz"
gzip -nc < leakseries/heap-01.pb > heap-01.pb.gz
gzip -nc < leakseries/heap-48.pb > heap-48.pb.gz
tar -czf nightly.tar.gz leakseries
mkdir archive
(cd leakseries && tar -czf ../archive/night-1.tar.gz heap-0* heap-1* goroutine-0* &&
	tar -czf ../archive/night-2.tar.gz heap-2* heap-3* heap-4*)
awk '
/^\.Sh / { ex = ($0 == ".Sh EXAMPLES") }
ex && /^\.Bd -literal/ { n++; f = "ex-" n ".sh"; inb = 1; next }
inb && /^\.Ed/ { inb = 0; close(f); next }
inb { gsub(/\\e/, "\\"); gsub(/\\&/, ""); print > f }
' "$TOP/man/heapdiff.1"
for ex in ex-*.sh; do
	echo "== $ex"
	bash -o pipefail "$ex"
	echo "exit $?"
done
