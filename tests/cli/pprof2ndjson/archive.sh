# Every member of a tar.gz and a zip, in archive order, each its own src;
# members that are not profiles are reported and skipped; exit 65.
mkdir a && cp "$FIX"/go1.19/heap.pb.gz "$FIX"/go1.19/goroutine.pb.gz "$FIX"/go1.19/goroutine.debug2.txt a/ &&
printf 'junk\n' > a/notes.txt && printf '' > a/empty.pb &&
tar -czf nightly.tar.gz a/heap.pb.gz a/notes.txt a/goroutine.pb.gz a/empty.pb a/goroutine.debug2.txt &&
(cd a && zip -q ../nightly.zip heap.pb.gz goroutine.pb.gz) || exit 1
pprof2ndjson nightly.tar.gz nightly.zip > out.ndjson
echo "exit $?"
jq -r '[.kind, .src] | @tsv' out.ndjson | uniq -c
