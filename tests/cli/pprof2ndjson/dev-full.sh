pprof2ndjson "$FIX/go1.19/heap.pb.gz" > /dev/full
