# gzip recognised by content on a pipe; "-" is stdin, and is named "-" in
# messages as in records.
cat "$FIX/go1.19/goroutine.pb.gz" | pprof2ndjson - | jq -c 'select(.kind=="profile") | {src, sample_types}'
printf 'x' | pprof2ndjson -
