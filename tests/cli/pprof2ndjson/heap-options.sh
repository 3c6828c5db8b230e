# --values, --drop-runtime, --addresses, --headers-only on a Go 1.19 heap.
f=$FIX/go1.19/heap.pb.gz
pprof2ndjson --headers-only "$f" | jq -c '{kind, format, sample_types, default_sample_type, period, samples}'
pprof2ndjson --values=inuse_space,inuse_objects "$f" | jq -c 'select(.kind=="sample") | .values | keys' | sort -u
pprof2ndjson --addresses "$f" | jq -c 'select(.kind=="profile") | .mappings | length > 0'
pprof2ndjson --addresses "$f" | jq -c 'select(.kind=="sample") | [.stack[] | has("addr")] | all' | sort -u
pprof2ndjson --drop-runtime "$f" | jq -r 'select(.kind=="sample") | .stack[].fn' | grep -c '^runtime\.'
