# NDJSON that begins with a byte-order mark is read (the mark skipped).
{
	printf '\357\273\277'
	pprof2ndjson "$FIX/crowd/go1.26/goroutine.debug1.txt"
} | stackcluster --format=table --top=1
echo "exit ${PIPESTATUS[1]}"
