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

# Put the stack back in place of "stack_id", keeping the key order.
def unintern($stacks):
	to_entries
	| map(if .key == "stack_id" then
		($stacks[.value | tostring]) as $frames
		| if $frames == null then
			error("stack_id \(.value) is used before its stack record")
		  else {key: "stack", value: $frames} end
	      else . end)
	| from_entries;

foreach inputs as $r ({stacks: {}, out: null};
	if $r.kind == "stack" then
		.stacks[$r.id | tostring] = $r.frames | .out = null
	else
		.stacks as $s
		| .out = ($r
			| if has("stack_id") then unintern($s) else . end
			# goroutine ancestors carry stacks of their own
			| if (.ancestors | type) == "array" then
				.ancestors |= map(if has("stack_id")
					then unintern($s) else . end)
			  else . end)
	end;
	.out // empty)
