# trace-blocked.jq - which goroutines were stuck when the trace ended?
#
# Reads the "goroutine" records of trace2ndjson --goroutines and keeps
# those still alive and waiting at the end of the trace.  Groups them by
# wait reason and by the user function they wait in -- the innermost
# frame outside the Go runtime and the standard library (package main, or
# a package whose path starts with a domain), else the innermost frame
# outside the runtime -- and prints tab-separated lines, longest wait
# first:
#
#     goroutines   longest wait (s)   reason   function
#
# Only waits of at least --argjson seconds N (default 0) count.  The same
# group growing from one trace to the next is a goroutine leak.  Works on
# the goroutines of a dump too (pprof2ndjson), where Go gives a wait only
# from one minute up.  Reads flat or interned records.
#
#     trace2ndjson --goroutines trace.out | jq -n -r -f trace-blocked.jq
#     curl -s 'localhost:6060/debug/pprof/trace?seconds=5' |
#         trace2ndjson --goroutines | jq -n -r --argjson seconds 1 -f trace-blocked.jq

def is_runtime:
	(.fn // "") | test("^(runtime\\.|runtime/internal/|internal/runtime/)");
# The package of a frame's function: "main", "sync", "github.com/a/b".
def pkg: (.fn // "") | capture("^(?<p>(.*/)?[^./]*)").p;
def is_user: pkg | . == "main" or (split("/")[0] | contains("."));
def site:
	if length == 0 then "(runtime)"
	else (map(select(is_user)) + map(select(is_runtime | not)) + .)[0].fn
	end;

(($ARGS.named.seconds // 0) * 1e9) as $min
| reduce inputs as $r ({stacks: {}, groups: {}};
	if $r.kind == "stack" then
		.stacks[$r.id | tostring] = $r.frames
	elif $r.kind == "goroutine" and $r.alive != false
	     and $r.wait_ns != null and $r.wait_ns >= $min then
		(($r.stack // .stacks[($r.stack_id // 0) | tostring])
		 | if . == null then "(no stack)" else site end) as $fn
		| ([$r.state, $fn] | tojson) as $k
		| .groups[$k].n += 1
		| .groups[$k].max = ([.groups[$k].max // 0, $r.wait_ns] | max)
	else . end)
| .groups
| to_entries
| map((.key | fromjson) as [$state, $fn] | [.value.n, .value.max, $state, $fn])
| sort_by(-.[1], .[2], .[3])[]
| [.[0], ((.[1] / 1e6 | floor) / 1000), .[2], .[3]]
| @tsv
