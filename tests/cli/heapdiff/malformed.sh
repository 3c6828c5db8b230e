# Bad records are reported with their line and skipped; the good ones
# still count; exit 65 at the end.  --strict stops at the first.
pprof2ndjson "$FIX/go1.26/heap.1.pb.gz" "$FIX/go1.26/heap.4.pb.gz" > good.ndjson
v='"values":{"inuse_space":1}'
{
	head -n 5 good.ndjson
	echo 'not json'
	echo '{"kind":"sample","src":"x",'"$v"',"stack":{}}'
	echo '{"kind":"sample","src":"x","values":{"inuse_space":"1"},"stack":[]}'
	echo '{"kind":"sample","src":"x",'"$v"',"stack":[7]}'
	echo '{"kind":"sample","src":"x",'"$v"',"stack":[{"fn":3}]}'
	echo '{"kind":"profile","src":"y","sample_types":5}'
	echo '{"kind":"sample","src":"z","stack":[]}'
	echo '{"kind":"sample","src":"z","stack_id":9}'
	echo '{"kind":"profile","src":"w","time_ns":"now","sample_types":[]}'
	tail -n +6 good.ndjson
} > bad.ndjson
heapdiff --top=2 bad.ndjson | cut -c1-120
echo "exit ${PIPESTATUS[0]}"
heapdiff --strict --top=2 bad.ndjson | cut -c1-120
echo "exit ${PIPESTATUS[0]}"
