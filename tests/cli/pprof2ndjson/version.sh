pprof2ndjson --version
