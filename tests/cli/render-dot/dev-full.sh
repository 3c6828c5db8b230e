render-dot "$FIX/go1.26/allocs.pb.gz" >/dev/full
