pprof2ndjson --help
