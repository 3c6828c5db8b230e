# Bad records are reported with their line and skipped; the good ones
# still count; exit 65 at the end.  --strict stops at the first.
{
	echo '{"kind":"edge","from":1,"to":2}'
	echo 'not json'
	echo '[1,2]'
	echo '{"kind":"edge","from":"3","to":1}'
	echo '{"from":2,"to":1}'
	echo '{"kind":"event","ev":"StateTransition","resource":"goroutine","id":5,"from":"Sideways","to":"Waiting"}'
	echo '{"kind":"goroutine","src":"d","state":"chan receive"}'
	echo '{"kind":"goroutine","src":"d","id":7,"state":"chan receive","stack_id":4}'
	echo '{"kind":"edge","from":2,"to":1}'
} > bad.ndjson
gcycle bad.ndjson | jq -c '[.kind, [.members[]?.goid]]'
echo "exit ${PIPESTATUS[0]}"
gcycle --strict bad.ndjson | jq -c '[.kind, [.members[]?.goid]]'
echo "exit ${PIPESTATUS[0]}"
