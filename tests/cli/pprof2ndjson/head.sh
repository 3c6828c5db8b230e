. "$TOP/tests/lib.sh"
test_sigpipe_ok pprof2ndjson "$FIX/go1.19/heap.pb.gz" "$FIX/go1.26/heap.pb.gz"
