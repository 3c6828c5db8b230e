pprof2ndjson --no-such-option
