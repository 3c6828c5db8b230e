# gc-trend.jq - does the live heap after each GC keep rising, and what do
# the pauses cost?
#
# Reads "gc" records from any source: trace2ndjson --gc (an execution
# trace), pprof2ndjson on a GODEBUG=gctrace=1 log, or pprof2ndjson --gc on
# heap ?debug=1 profiles (MemStats: pauses and their times only).  Prints
# one JSON object per src:
#
#   source       "trace", "gctrace" or "memstats"
#   cycles       gc records read; span_s the time from the first to the last
#   longest      the $top cycles with the longest stop-the-world pauses:
#                {n, stw_us, at_s} (at_s: seconds after the first cycle)
#   growth       heap growth between cycles (heap at a cycle's start minus
#                the live heap the cycle before left): mean and max bytes,
#                and the allocation rate in MiB/s over the whole span
#   live         the live heap after GC (heap_end): first, last, min, max,
#                and slope_per_hour, the least-squares slope in bytes per
#                hour, with r2 its fit; rising is true when the slope is
#                positive and r2 >= 0.5: the leak signature
#   pause_vs_alloc  the correlation (Pearson r, -1 to 1) of each cycle's
#                pause with the heap growth before it: near 1, the pauses
#                come with the allocation bursts
#
# A figure the source cannot give is null (MemStats has no heap sizes).
#
#     pprof2ndjson app.log | jq -n -c -f gc-trend.jq
#     trace2ndjson --gc trace.out | jq -n -c -f gc-trend.jq --argjson top 5
#     pprof2ndjson --gc heap-*.txt | jq -n -c -f gc-trend.jq

def when: .time_ns // .start_ns // .end_time_ns;
def mean: if length == 0 then null else add / length end;
def r3: if . == null then null else (. * 1000 | round) / 1000 end;
# Least squares of y on x over [[x, y]...]: {slope, r2}, nulls when flat.
def fit:
	if length < 3 then {slope: null, r2: null} else
	length as $n
	| (map(.[0]) | add / $n) as $mx | (map(.[1]) | add / $n) as $my
	| (map((.[0] - $mx) * (.[1] - $my)) | add) as $sxy
	| (map((.[0] - $mx) * (.[0] - $mx)) | add) as $sxx
	| (map((.[1] - $my) * (.[1] - $my)) | add) as $syy
	| if $sxx == 0 then {slope: null, r2: null}
	  else {slope: ($sxy / $sxx),
	        r2: (if $syy == 0 then 0 else $sxy * $sxy / ($sxx * $syy) end)}
	  end end;
def pearson:
	if length < 3 then null else
	length as $n
	| (map(.[0]) | add / $n) as $mx | (map(.[1]) | add / $n) as $my
	| (map((.[0] - $mx) * (.[1] - $my)) | add) as $sxy
	| (map((.[0] - $mx) * (.[0] - $mx)) | add) as $sxx
	| (map((.[1] - $my) * (.[1] - $my)) | add) as $syy
	| if $sxx == 0 or $syy == 0 then null
	  else $sxy / (($sxx * $syy) | sqrt) end end;

($ARGS.named.top // 3) as $top
| reduce (inputs | select(.kind == "gc")) as $c ({order: [], by: {}};
	($c.src // "-") as $s
	| if .by[$s] == null then .order += [$s] else . end
	| .by[$s] += [$c])
| .by as $by
| .order[]
| . as $src
| $by[$src]
| map(select(when != null)) | sort_by(when) as $cs
| ($cs[0] | when) as $t0
| (($cs[-1] | when) - $t0) as $span
| [$cs[] | select(.heap_growth != null)] as $grown
| [$cs[] | select(.heap_end != null and (.partial | not))] as $lives
| ($lives | map([((when - $t0) / 3.6e12), .heap_end]) | fit) as $f
| {src: $src,
   source: ($cs[0].source // "trace"),
   cycles: ($cs | length),
   span_s: ($span / 1e9 | r3),
   longest: ($cs | sort_by(-(.stw_ns // 0), when) | .[:$top]
	| map({n, stw_us: ((.stw_ns // 0) / 1e3 | r3),
	       at_s: ((when - $t0) / 1e9 | r3)})),
   growth: (if ($grown | length) == 0 then null else
	{mean: ($grown | map(.heap_growth) | mean | floor),
	 max: ($grown | map(.heap_growth) | max),
	 mib_per_s: (if $span > 0
		then ($grown | map(.heap_growth) | add) / 1048576 / ($span / 1e9)
		     | r3
		else null end)} end),
   live: (if ($lives | length) == 0 then null else
	{first: $lives[0].heap_end, last: $lives[-1].heap_end,
	 min: ($lives | map(.heap_end) | min),
	 max: ($lives | map(.heap_end) | max),
	 slope_per_hour: ($f.slope | if . == null then null else floor end),
	 r2: ($f.r2 | r3),
	 rising: ($f.slope != null and $f.slope > 0 and $f.r2 >= 0.5)} end),
   pause_vs_alloc: ($grown | map([(.stw_ns // 0), .heap_growth]) | pearson
	| r3)}
