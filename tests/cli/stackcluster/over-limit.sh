# A line over the 16 MiB limit (here 70 MB) is reported and skipped;
# what follows it still counts.
{
	echo '{"kind":"note"}'
	head -c 70000000 /dev/zero | tr '\0' 'a'
	echo
	pprof2ndjson "$FIX/crowd/go1.26/goroutine.debug1.txt"
} | stackcluster --format=table --top=1
echo "exit ${PIPESTATUS[1]}"
