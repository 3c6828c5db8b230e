# Bad records are reported with their line and skipped; the good ones
# still count; exit 65 at the end.  --strict stops at the first.
pprof2ndjson "$FIX/crowd/go1.26/goroutine.debug2.txt.gz" > good.ndjson
{
	head -n 3 good.ndjson
	echo 'not json'
	echo '[1,2]'
	echo '{"kind":"goroutine","id":1,"stack":{}}'
	echo '{"kind":"goroutine","id":2,"stack":[7]}'
	echo '{"kind":"goroutine","id":3,"stack_id":9}'
	echo '{"kind":"goroutine","id":4,"stack_id":"x"}'
	echo '{"kind":"stack","id":"one","frames":[]}'
	echo '{"kind":"sample","values":{"goroutine":2},"stack":[{"fn":"main.x"}]}'
	tail -n +4 good.ndjson
} > bad.ndjson
stackcluster --format=table bad.ndjson
echo "exit $?"
stackcluster --strict --format=table bad.ndjson
echo "exit $?"
printf 'some text\n' > notes.txt
: > empty.txt
stackcluster --format=table notes.txt empty.txt "$FIX/crowd/go1.19/goroutine.debug1.txt"
echo "exit $?"
