# NDJSON that begins with a byte-order mark is read (the mark skipped).
{
	printf '\357\273\277'
	pprof2ndjson "$FIX/go1.26/heap.1.pb.gz"
	pprof2ndjson "$FIX/go1.26/heap.4.pb.gz"
} | heapdiff --top=1 >out
echo "exit $? records $(wc -l <out)"
