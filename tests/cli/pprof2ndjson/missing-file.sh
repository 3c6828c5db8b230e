pprof2ndjson no-such-file.pb.gz
