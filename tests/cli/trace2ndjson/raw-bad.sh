# --raw on cut or bad traces: the records before the damage, one error
# line with the byte offset, exit 65.  --raw does not go with the
# summaries or --events.
. "$TOP/tests/lib.sh"
head -c 3000 "$FIX/trace/go1.26/tracer.trace" > cut126.trace
head -c 3000 "$FIX/trace/go1.19/tracer.trace" > cut119.trace
# One batch (gen 1, m 1, time 1, 3 bytes): GoStart with a broken varint.
printf 'go 1.26 trace\0\0\0\1\1\1\1\3\20\1\377' > bad126.trace
for f in cut126.trace cut119.trace bad126.trace; do
	trace2ndjson --raw "$f" > out.ndjson
	echo "exit $?"
	wc -l < out.ndjson
	tail -n 1 out.ndjson
done
test_must_fail trace2ndjson --raw --gc cut126.trace
test_must_fail trace2ndjson --raw --events=Log cut126.trace
