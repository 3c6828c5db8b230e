# Nothing decoded (one missing file): no --values complaint on top of 66.
pprof2ndjson --values=nope missing.pb.gz
