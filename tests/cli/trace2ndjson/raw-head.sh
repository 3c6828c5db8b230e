# --raw: the first wire events of a current-format (Go 1.26) and a legacy
# (Go 1.19) trace, in file order, with the spec's argument names.
cp "$FIX/trace/go1.26/tracer.trace" go126.trace
cp "$FIX/trace/go1.19/tracer.trace" go119.trace
trace2ndjson --raw go126.trace | head -n 40
trace2ndjson --raw go119.trace | head -n 40
# A Stack with its frames (ids) and a String with its data, each format.
for f in go126.trace go119.trace; do
	trace2ndjson --raw "$f" | grep -m 1 '"ev":"Stack"'
	trace2ndjson --raw "$f" | grep -m 1 '"ev":"String"'
done
trace2ndjson --raw go119.trace | grep -m 1 '"ev":"UserLog"'
