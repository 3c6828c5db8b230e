# Every member of a tar.gz, in archive order, each its own src; members
# that are not profiles are reported and skipped.
mkdir a && cp "$FIX"/go1.19/heap.pb.gz "$FIX"/go1.19/goroutine.pb.gz a/ &&
printf 'junk\n' > a/notes.txt && printf '' > a/empty.pb &&
tar -czf nightly.tar.gz a/heap.pb.gz a/notes.txt a/goroutine.pb.gz a/empty.pb &&
(cd a && zip -q ../nightly.zip heap.pb.gz goroutine.pb.gz) || exit 1
pprof2ndjson nightly.tar.gz nightly.zip | jq -r 'select(.kind=="profile") | [.src, .format, .samples] | @tsv'
