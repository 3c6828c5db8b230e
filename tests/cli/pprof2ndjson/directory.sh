mkdir d; pprof2ndjson d
