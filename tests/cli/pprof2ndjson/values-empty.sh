pprof2ndjson --values= "$FIX/go1.19/heap.pb.gz"
