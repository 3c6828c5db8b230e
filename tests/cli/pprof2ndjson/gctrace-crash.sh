# A crash log of a service run with GODEBUG=gctrace=1: its gctrace lines,
# then the panic's goroutine dump.  Both are read: the dump and its
# goroutines, then one gc record per cycle before the crash.
{
	grep -v '^gc 2[01] ' "$FIX/gctrace/go1.26/gctrace.log"
	cat "$FIX/go1.26/panic-single.txt"
} >crash.log
pprof2ndjson crash.log >out.ndjson
echo "exit $?"
jq -r .kind out.ndjson | uniq -c
jq -c 'select(.kind == "dump") | {reason}' out.ndjson
jq -c 'select(.kind == "gc") | [.n, .heap_end / 1048576, .time_error_ns != null]' out.ndjson | sed -n '1p;$p'
