# Every display of stackcluster(1)'s EXAMPLES, run as written on the crowd
# fixture: curl is a function that serves its Go 1.26 dump.
F=$FIX/crowd/go1.26
curl() { gzip -dc "$F/goroutine.debug2.txt.gz"; }
export -f curl
export F
cp "$F/crowd.trace" trace.out
gzip -dc "$F/goroutine.debug2.txt.gz" > today.txt
gzip -dc "$FIX/crowd/go1.19/goroutine.debug2.txt.gz" |
	awk 'NR > 150 && /^$/ { exit } { print }' > yesterday.txt
cp "$FIX/go1.26/heap.pb.gz" heap.pb.gz
awk '
/^\.Sh / { ex = ($0 == ".Sh EXAMPLES") }
ex && /^\.Bd -literal/ { n++; f = "ex-" n ".sh"; inb = 1; next }
inb && /^\.Ed/ { inb = 0; close(f); next }
inb { gsub(/\\e/, "\\"); gsub(/\\&/, ""); print > f }
' "$TOP/man/stackcluster.1"
for ex in ex-*.sh; do
	echo "== $ex"
	bash -o pipefail "$ex"
	echo "exit $?"
done
