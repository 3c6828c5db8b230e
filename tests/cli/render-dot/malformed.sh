# Bad records are reported with their line and skipped; the good ones
# still count; exit 65 at the end.  --strict stops at the first.
pprof2ndjson "$FIX/go1.26/heap.pb.gz" > good.ndjson
v='"values":{"inuse_space":1}'
{
	head -n 3 good.ndjson
	echo 'not json'
	echo '{"kind":"sample","src":"'"$FIX"'/go1.26/heap.pb.gz",'"$v"',"stack":{}}'
	echo '{"kind":"sample","src":"'"$FIX"'/go1.26/heap.pb.gz","values":{"inuse_space":"1"},"stack":[]}'
	echo '{"kind":"sample","src":"'"$FIX"'/go1.26/heap.pb.gz",'"$v"',"stack":[7]}'
	echo '{"kind":"sample","src":"'"$FIX"'/go1.26/heap.pb.gz",'"$v"',"stack":[{"fn":3}]}'
	echo '{"kind":"sample","src":"'"$FIX"'/go1.26/heap.pb.gz","stack":[]}'
	tail -n +4 good.ndjson
} > bad.ndjson
render-dot --folded bad.ndjson | wc -l
echo "exit ${PIPESTATUS[0]}"
render-dot --strict --folded bad.ndjson | wc -l
echo "exit ${PIPESTATUS[0]}"
