printf "" | pprof2ndjson
