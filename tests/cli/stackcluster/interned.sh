# NDJSON in, flat or interned, gives what the evidence gives directly.
out=$PWD
cd "$FIX/crowd/go1.26" || exit 1
same() { jq -c 'del(.inputs)'; }
stackcluster goroutine.debug2.txt.gz | same > "$out/direct"
pprof2ndjson goroutine.debug2.txt.gz | stackcluster | same > "$out/flat"
pprof2ndjson --intern goroutine.debug2.txt.gz | stackcluster | same > "$out/interned"
cmp "$out/direct" "$out/flat" && cmp "$out/direct" "$out/interned" && echo "dump: same"
trace2ndjson --goroutines crowd.trace | stackcluster | same > "$out/t1"
stackcluster crowd.trace | same > "$out/t2"
cmp "$out/t1" "$out/t2" && echo "trace: same"
pprof2ndjson --intern goroutine.pb.gz | stackcluster | same > "$out/p1"
stackcluster goroutine.pb.gz | same > "$out/p2"
cmp "$out/p1" "$out/p2" && echo "profile: same"
# Trace events with stacks cluster too, by the goroutine they ran on.
trace2ndjson crowd.trace | stackcluster --no-creator --top=2 |
	jq -c 'select(.kind == "cluster") | [.site.fn, .members_count > 0]'
