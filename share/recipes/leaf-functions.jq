# leaf-functions.jq - which functions are at the top of the stacks?
#
# For every record with a stack (samples of any profile, goroutines of a
# dump) takes the leaf frame, stack[0], and adds up how much lands on
# each leaf function.  A sample weighs its value of the profile's default
# sample type (inuse_space for heap, delay for block and mutex, goroutine
# for goroutine profiles) or of the type named with --arg type NAME; a
# goroutine from a dump weighs 1.  Prints tab-separated lines, heaviest
# first:
#
#     weight   records   function
#
# Mix only one kind of profile in a stream; weights of different types do
# not add up to anything.  Reads flat or interned (--intern) records.
#
#     pprof2ndjson block.pb.gz | jq -n -r -f leaf-functions.jq
#     pprof2ndjson heap.pb.gz | jq -n -r --arg type alloc_space -f leaf-functions.jq

($ARGS.named.type // null) as $type
| reduce inputs as $r ({stacks: {}, deflt: {}, leaves: {}};
	if $r.kind == "stack" then
		.stacks[$r.id | tostring] = $r.frames
	elif $r.kind == "profile" then
		.deflt[$r.src // "-"] = $r.default_sample_type
	elif $r.kind == "sample" or $r.kind == "goroutine" then
		(($r.stack // .stacks[($r.stack_id // 0) | tostring] // [])[0].fn
		 // "(no stack)") as $fn
		| (if $r.kind == "goroutine" then 1
		   else ($type // .deflt[$r.src // "-"]) as $t
		   | if $t != null and ($r.values | has($t)) then $r.values[$t]
		     else ($r.values | to_entries | .[0].value // 0) end
		   end) as $w
		| .leaves[$fn].weight += $w
		| .leaves[$fn].records += 1
	else . end)
| .leaves
| to_entries
| sort_by(-.value.weight, .key)[]
| [.value.weight, .value.records, .key]
| @tsv
