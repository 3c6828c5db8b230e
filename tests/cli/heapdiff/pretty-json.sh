# A pretty-printed JSON document is not NDJSON: a few of its lines are
# told, the rest counted in one line, and the good records around it kept.
pprof2ndjson "$FIX/go1.26/heap.1.pb.gz" | head -n 1 | jq . >pretty.json
echo "$(wc -l <pretty.json) lines"
{
	pprof2ndjson "$FIX/go1.26/heap.1.pb.gz"
	cat pretty.json
	pprof2ndjson "$FIX/go1.26/heap.4.pb.gz"
} >mixed.ndjson
heapdiff --top=1 mixed.ndjson | jq -c '[.kind, .snapshots // .delta]'
echo "exit ${PIPESTATUS[0]}"
