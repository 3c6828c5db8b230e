# A line over the 16 MiB limit (here 70 MB) is reported and skipped; the
# dump's records after it still make their cycles.
{
	echo '{"kind":"note"}'
	head -c 70000000 /dev/zero | tr '\0' 'a'
	echo
	pprof2ndjson "$FIX/gcycle/go1.26/goroutineleak.debug2.txt"
} | gcycle | jq -r '.kind' | sort | uniq -c
echo "exit ${PIPESTATUS[1]}"
