printf 'junk\n' > bad.txt
pprof2ndjson --strict bad.txt "$FIX/go1.19/heap.pb.gz" | wc -l
