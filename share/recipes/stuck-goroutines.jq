# stuck-goroutines.jq - which goroutines have been blocked for a long time?
#
# Picks the goroutine records whose wait_ns is at least the threshold, in
# minutes, passed with --argjson minutes N (default 10), and writes one
# compact object per goroutine: where it comes from, its id and state,
# how many minutes it has waited, the function it is blocked in (the first
# frame outside the Go runtime) and the function that started it.
#
# Go prints a wait time only for goroutines blocked a minute or more, and
# only in whole minutes, so --argjson minutes 0 lists just those.
#
#     pprof2ndjson goroutines.txt |
#         jq -n -c --argjson minutes 30 -f stuck-goroutines.jq
#     pprof2ndjson --intern dumps.tar.gz |
#         jq -n -c -f stuck-goroutines.jq | jq -s 'group_by(.fn)[] | {fn: .[0].fn, n: length}'

def is_runtime:
	(.fn // "") | test("^(runtime\\.|runtime/internal/|internal/runtime/)");

($ARGS.named.minutes // 10) as $min
| foreach inputs as $r ({stacks: {}, out: null};
	if $r.kind == "stack" then
		.stacks[$r.id | tostring] = $r.frames | .out = null
	elif $r.kind == "goroutine" and $r.wait_ns != null
	     and $r.wait_ns >= $min * 60000000000 then
		($r.stack // .stacks[$r.stack_id | tostring] // []) as $st
		| .out = {
			src: $r.src,
			id: $r.id,
			state: $r.state,
			minutes: ($r.wait_ns / 60000000000 | floor),
			fn: ((($st | map(select(is_runtime | not)))[0]
			      // $st[0] // {}).fn),
			created_by: $r.created_by.fn
		  }
	else .out = null end;
	.out // empty)
