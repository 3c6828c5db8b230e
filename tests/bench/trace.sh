#!/usr/bin/env bash
# tests/bench/trace.sh - trace2ndjson against the equal-work Go reader on a
# big real execution trace (called by tests/bench/run.sh; runs alone too:
# BUILD=build/x bash tests/bench/trace.sh).
#
# The input is written once by tests/go/tools/bigtrace (Go 1.26 format,
# about 64 MB, 8 generations) into $BUILD/bench/trace-64m.trace.  The peer
# is tests/go/tools/tracecanon: golang.org/x/exp/trace's ReadEvent loop
# printing the same records through a buffered hand-rolled writer.  A
# second pair times decoding and ordering alone: trace2ndjson --events=Sync
# (every event decoded, ordered and checked, only the Syncs written)
# against tests/go/tools/traceread, the ReadEvent loop with no output.
# Each leg runs RUNS times (default 3); the best wall time and that run's
# peak RSS are reported, with the least CPU time (user + system) of any
# run, and the ratio "how many times longer Go takes than ours".  On a
# shared machine the CPU times are the steadier figure.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

[ -x "$bin/trace2ndjson" ] || { echo "bench: no $bin/trace2ndjson (run make)" >&2; exit 1; }
command -v go >/dev/null || { echo "bench: the trace bench needs go on PATH (the peer is a Go program)" >&2; exit 1; }
[ -x "$tools/tracecanon" ] && [ -x "$tools/traceread" ] && [ -x "$tools/bigtrace" ] ||
	bash "$top/tests/go/build-tools.sh" "$tools" || exit 1

big=$data/trace-64m.trace
if [ ! -s "$big" ]; then
	echo "bench: writing a 64 MB execution trace (once, about 8 s)..." >&2
	"$tools/bigtrace" -out "$big.tmp" -mb 64 && mv "$big.tmp" "$big" || exit 1
fi

# Best wall time with that run's RSS, and the least CPU time of any run.
leg_cpu=min leg_errlines=5
leg_print() {
	printf '  %-44s %8.2f s %6.2f s cpu %7d MB\n' "$1" "$secs" "$cpu" "$rss"
}

size=$(stat -c %s "$big")
"$bin/trace2ndjson" "$big" >"$data/trace.ndjson" || { echo "bench: trace2ndjson failed on $big" >&2; exit 1; }
events=$(wc -l <"$data/trace.ndjson")
gens=$(grep -c '"ev":"Sync"' "$data/trace.ndjson")
out=$(stat -c %s "$data/trace.ndjson")
rm -f "$data/trace.ndjson"
echo "execution trace: $((size / 1048576)) MB (go 1.26 format), $events events, $((gens - 1)) generations, $((out / 1048576)) MB NDJSON"
leg "trace2ndjson --events=Sync (decode, order)" "$bin/trace2ndjson" --events=Sync "$big" || exit 1
dours=$secs dourscpu=$cpu doursrss=$rss
leg "go: x/exp/trace ReadEvent loop, no output" "$tools/traceread" "$big" || exit 1
dgo=$secs dgocpu=$cpu
echo "  ratio, decoding and ordering: Go $(ratio "$secs" "$dours") wall, $(ratio "$cpu" "$dourscpu") cpu"
leg "trace2ndjson" "$bin/trace2ndjson" "$big" || exit 1
ours=$secs ourscpu=$cpu oursrss=$rss
leg "go: x/exp/trace ReadEvent + JSON lines" "$tools/tracecanon" "$big" || exit 1
gosecs=$secs gocpu=$cpu gorss=$rss
echo "  ratio: equal-work Go $(ratio "$gosecs" "$ours") wall, $(ratio "$gocpu" "$ourscpu") cpu (RSS ${gorss} MB vs ${oursrss} MB);"
echo "         trace2ndjson reads the trace at $(awk -v s="$size" -v t="$ours" 'BEGIN{ if (t > 0) printf "%.0f", s / t / 1048576; else print "inf" }') MB/s, peak RSS ${oursrss} MB for a $((size / 1048576)) MB trace"
# The two ratios issue 10 sets targets for, on CPU time (steady on a
# shared machine), with the load they were taken under.
echo "  targets (cpu, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)):"
echo "    decode and order, trace2ndjson --events=Sync vs ReadEvent loop: $(ratio "$dgocpu" "$dourscpu") (target 5x; wall $(ratio "$dgo" "$dours"))"
echo "    full NDJSON, trace2ndjson vs tracecanon: $(ratio "$gocpu" "$ourscpu") (target 3x; wall $(ratio "$gosecs" "$ours"))"
echo "    peak RSS: ${doursrss} MB decoding, ${oursrss} MB writing"
