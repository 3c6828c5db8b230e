# A Go 1.26 heap profile, straight from the file: pprof's defaults.
render-dot "$FIX/go1.26/heap.1.pb.gz"
