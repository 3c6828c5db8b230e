# resolve-interned.jq - turn the interned form back into flat records.
#
# pprof2ndjson --intern (and every leakpipe program between programs)
# writes each distinct stack once, as {"kind":"stack","id":N,"frames":[...]},
# and gives samples and goroutines "stack_id":N instead of a "stack"
# array.  This recipe drops the stack records and puts each stack back in
# place of its stack_id, at the same position among the keys, so the
# result is what the program writes without --intern.  Other records pass
# through unchanged.  Run it with -n, so that it sees the stack records in
# order, and -c, so that it writes one record per line.
#
#     pprof2ndjson --intern heap.pb.gz | jq -n -c -f resolve-interned.jq
#     pprof2ndjson --intern g.txt | jq -n -c -f resolve-interned.jq | jq -s 'length'

foreach inputs as $r ({stacks: {}, out: null};
	if $r.kind == "stack" then
		.stacks[$r.id | tostring] = $r.frames | .out = null
	elif $r | has("stack_id") then
		.stacks[$r.stack_id | tostring] as $frames
		| if $frames == null then
			error("stack_id \($r.stack_id) is used before its stack record")
		  else . end
		| .out = ($r | to_entries
			| map(if .key == "stack_id"
			      then {key: "stack", value: $frames} else . end)
			| from_entries)
	else .out = $r end;
	.out // empty)
