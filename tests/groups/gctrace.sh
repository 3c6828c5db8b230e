#!/usr/bin/env bash
# gctrace.sh - one run of tests/go/fixtures/gcburst seen three ways must
# tell one story (tests/fixtures/gctrace/goX.Y, written by
# tests/go/gen-gctrace.sh with Go 1.26 and Go 1.19):
#
# 1. Over the traced window (the cycles after "trace start after gc N" up
#    to "trace stop after gc M" in the log), the gc records pprof2ndjson
#    makes of the gctrace log and those trace2ndjson --gc makes of the
#    trace are the same cycles: as many, and cycle by cycle the same heap
#    at the start and live heap at the end within the log's precision
#    (whole MiB, truncated), and the same start to within a few ms once
#    the two clocks' origins are lined up.
# 2. The MemStats of the heap profile written at the end remember the same
#    cycles: every cycle of the log, each ending where the log's
#    timestamps put it, to within the error the record states.
# 3. gc-trend.jq finds the leak (the live heap rising) in all three
#    sources... but MemStats, which has no heap sizes.
# 4. When go is on PATH: a fresh run of gcburst with each Go at hand agrees
#    the same way.
# Protocol and environment: see tests/run.sh.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bindir=${BUILD:-$top/build}/bin
fix=$top/tests/fixtures/gctrace
recipes=$top/share/recipes

if ! command -v jq >/dev/null 2>&1; then
	echo "skip - gctrace (jq not installed)"
	exit 0
fi
if [ ! -x "$bindir/pprof2ndjson" ] || [ ! -x "$bindir/trace2ndjson" ]; then
	echo "skip - gctrace (programs not built)"
	exit 0
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/leakpipe-gctrace.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT

# agree NAME DIR: the checks above on DIR's gctrace.log, gcburst.trace.gz
# and heap.debug1.txt.
agree() {
	local name=$1 dir=$2 first last out
	first=$(sed -n 's/.*gcburst: trace start after gc \([0-9]*\)$/\1/p' "$dir/gctrace.log")
	last=$(sed -n 's/.*gcburst: trace stop after gc \([0-9]*\)$/\1/p' "$dir/gctrace.log")
	if [ -z "$first" ] || [ -z "$last" ]; then
		echo "not ok - $name: the log marks the traced window"
		return
	fi
	if ! "$bindir/pprof2ndjson" "$dir/gctrace.log" >"$scratch/g" 2>"$scratch/err" ||
		! "$bindir/trace2ndjson" --gc "$dir/gcburst.trace.gz" >"$scratch/t" 2>>"$scratch/err" ||
		! "$bindir/pprof2ndjson" --gc "$dir/heap.debug1.txt" >"$scratch/m" 2>>"$scratch/err" ||
		[ -s "$scratch/err" ]; then
		echo "not ok - $name: decodes"
		sed 's/^/    /' "$scratch/err"
		return
	fi
	out=$(jq -n -r --argjson a "$first" --argjson b "$last" \
		--slurpfile g "$scratch/g" --slurpfile t "$scratch/t" '
		def mib: . / 1048576 | floor;
		($g | map(select(.n > $a and .n <= $b))) as $gw
		| ($t | map(select(.end_ns != null))) as $tw
		| if ($gw | length) != ($tw | length) or ($gw | length) == 0 then
			"cycles: gctrace \($gw | length), trace \($tw | length)"
		  else
			[range(0; $gw | length) as $i | $gw[$i] as $x | $tw[$i] as $y
			 | select(($y.partial | not) and
			     (($x.heap_start | mib) != ($y.heap_start | mib) or
			      ($x.heap_end | mib) != ($y.heap_end | mib)))
			 | "gc \($x.n): heap \($x.heap_start | mib)->\($x.heap_end | mib) MiB in the log, \($y.heap_start | mib)->\($y.heap_end | mib) in the trace"]
			+ ([range(0; $gw | length) as $i | $tw[$i].start_ns - $gw[$i].start_ns]
			   | if max - min > 3e6 then
				["start offsets spread \((max - min) / 1e6) ms"]
			     else [] end)
			| join("; ")
		  end')
	if [ -z "$out" ]; then
		echo "ok - $name: log and trace agree on $((last - first)) cycles and their heaps"
	else
		echo "not ok - $name: log and trace agree on cycles and heaps"
		echo "    $out"
	fi
	# The log's error bound holds when the runtime printed each line at
	# once; on a loaded machine it prints a few milliseconds late, which
	# puts every end as much later (pprof2ndjson(1)): so each end may be
	# up to 10 ms late, never early, and the ends keep their spacing.
	out=$(jq -n -r --slurpfile g "$scratch/g" --slurpfile m "$scratch/m" '
		($m | map(select(.kind == "gc")) | map({key: (.n | tostring), value: .}) | from_entries) as $by
		| [$g[] | . as $x | $by[$x.n | tostring] as $y
		   | if $y == null then "gc \($x.n): not in MemStats"
		     elif $x.time_error_ns == null then "gc \($x.n): no time from the log"
		     else ($x.end_time_ns - $y.end_time_ns) as $d
			| if $d < -($x.time_error_ns + 2e6) or $d > $x.time_error_ns + 12e6 then
				"gc \($x.n): ends \($d / 1e6) ms from MemStats (error \($x.time_error_ns / 1e6) ms)"
			  else {d: $d} end
		     end] as $r
		| ($r | map(strings)) + ($r | map(objects.d) | if length > 1 and max - min > 2e6
			then ["ends spread \((max - min) / 1e6) ms from MemStats"] else [] end)
		| join("; ")')
	if [ -z "$out" ]; then
		echo "ok - $name: MemStats' pause ends are where the log's timestamps put them"
	else
		echo "not ok - $name: MemStats' pause ends are where the log's timestamps put them"
		echo "    $out"
	fi
	out=$(for f in g t m; do
		jq -n -c -f "$recipes/gc-trend.jq" "$scratch/$f" | jq -r '[.source, .live.rising] | @tsv'
	done | tr '\t\n' ':,')
	if [ "$out" = "gctrace:true,trace:true,memstats:," ]; then
		echo "ok - $name: gc-trend.jq sees the live heap rise in the log and the trace"
	else
		echo "not ok - $name: gc-trend.jq sees the live heap rise in the log and the trace"
		echo "    $out"
	fi
}

for d in "$fix"/go*; do
	[ -d "$d" ] && agree "fixture $(basename "$d")" "$d"
done

# 4. Fresh runs.
for go in "${GO126:-go}" "${GO119:-/usr/lib/go-1.19/bin/go}"; do
	if ! command -v "$go" >/dev/null 2>&1; then
		echo "skip - fresh gcburst run ($go not installed)"
		continue
	fi
	v=$("$go" env GOVERSION 2>/dev/null | sed -n 's/^\(go[0-9]*\.[0-9]*\).*/\1/p')
	d=$scratch/run-$v
	mkdir -p "$d"
	if ! (cd "$top/tests/go/fixtures/gcburst" && GOTOOLCHAIN=local GOFLAGS=-mod=mod \
		CGO_ENABLED=0 "$go" build -o "$d/gcburst" .) 2>"$d/build.err"; then
		echo "not ok - fresh gcburst run ($v): builds"
		sed 's/^/    /' "$d/build.err"
		continue
	fi
	(cd "$d" && GODEBUG=gctrace=1 ./gcburst -micro -trace trace -heap heap.debug1.txt \
		2>gctrace.log && gzip -n trace && mv trace.gz gcburst.trace.gz)
	agree "fresh $v run" "$d"
done
