# --values, --drop-runtime, --addresses, --headers-only on a Go 1.19 heap.
cp "$FIX/go1.19/heap.pb.gz" heap.pb.gz
pprof2ndjson --headers-only heap.pb.gz | jq -c '{kind, src, format, sample_types, default_sample_type, period, samples}'
pprof2ndjson --values=inuse_space,inuse_objects heap.pb.gz | jq -c 'select(.kind=="sample") | .values | keys' | sort -u
pprof2ndjson --addresses heap.pb.gz | jq -c 'select(.kind=="profile") | .mappings | length > 0'
pprof2ndjson --addresses heap.pb.gz | jq -c 'select(.kind=="sample") | [.stack[] | has("addr")] | all' | sort -u
echo "runtime frames: $(pprof2ndjson heap.pb.gz | jq -r 'select(.kind=="sample") | .stack[].fn' | grep -c '^runtime\.')"
echo "with --drop-runtime: $(pprof2ndjson --drop-runtime heap.pb.gz | jq -r 'select(.kind=="sample") | .stack[].fn' | grep -c '^runtime\.')"
