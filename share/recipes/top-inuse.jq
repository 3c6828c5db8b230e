# top-inuse.jq - which functions hold the most live heap memory?
#
# Groups the samples of heap (or allocs) profiles by their leaf frame
# outside the Go runtime -- the user function that asked for the memory,
# not runtime.mallocgc or runtime.growslice -- sums inuse_space and
# inuse_objects, and prints the biggest first as tab-separated columns:
#
#     bytes   percent   objects   function
#
# Reads flat or interned (--intern) records.  With several profiles in
# the stream the sums run over all of them; pick one with --arg src NAME.
# Show more or fewer lines with --argjson top N (default 20).
#
#     pprof2ndjson heap.pb.gz | jq -n -r -f top-inuse.jq
#     curl -s localhost:6060/debug/pprof/heap | pprof2ndjson --intern |
#         jq -n -r --argjson top 5 -f top-inuse.jq

# Frames of package runtime and its internal packages (as --drop-runtime).
def is_runtime:
	(.fn // "") | test("^(runtime\\.|runtime/internal/|internal/runtime/)");

# The user function a stack leads to: its first non-runtime frame, or
# the leaf itself when the stack is all runtime.
def site:
	(map(select(is_runtime | not)) | .[0] // null) as $f
	| if $f then $f.fn
	  elif length > 0 then .[0].fn
	  else "(no stack)" end;

($ARGS.named.top // 20) as $top
| ($ARGS.named.src // null) as $src
| reduce inputs as $r ({stacks: {}, sites: {}};
	if $r.kind == "stack" then
		.stacks[$r.id | tostring] = $r.frames
	elif $r.kind == "sample" and ($r.values | has("inuse_space"))
	     and ($src == null or $r.src == $src) then
		(($r.stack // .stacks[$r.stack_id | tostring] // []) | site) as $k
		| .sites[$k].bytes += $r.values.inuse_space
		| .sites[$k].objects += ($r.values.inuse_objects // 0)
	else . end)
| .sites
| ([.[].bytes] | add // 0) as $total
| to_entries
| sort_by(-.value.bytes, .key)
| .[:$top][]
| [.value.bytes,
   (if $total > 0 then (.value.bytes * 1000 / $total | floor) / 10
    else 0 end),
   .value.objects,
   .key]
| @tsv
