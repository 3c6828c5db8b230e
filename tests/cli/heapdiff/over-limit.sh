# A line over the 16 MiB limit is reported and skipped; what follows it
# still counts.
{
	echo '{"kind":"note"}'
	head -c 70000000 /dev/zero | tr '\0' 'a'
	echo
	pprof2ndjson "$FIX/go1.26/heap.1.pb.gz" "$FIX/go1.26/heap.4.pb.gz"
} | heapdiff --top=1 | cut -c1-80
echo "exit ${PIPESTATUS[1]}"
