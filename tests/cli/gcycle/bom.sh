# NDJSON that begins with a byte-order mark is read (the mark skipped).
{
	printf '\357\273\277'
	pprof2ndjson "$FIX/gcycle/go1.26/goroutineleak.debug2.txt"
} | gcycle | jq -r .kind | sort | uniq -c
echo "exit ${PIPESTATUS[1]}"
