#!/usr/bin/env bash
# make bench: each leakpipe program against the equal-work Go reader on the
# same input, in one run, as a ratio, with peak memory.
#
# Inputs are real, written by the Go runtime on this machine (tests/go/tools
# bigheap and bigdump), and cached in $BUILD/bench.  Each leg runs RUNS
# times (default 3); the best wall time and its peak RSS are reported.
# Ratios are "how many times longer the other leg takes than ours".
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

command -v go >/dev/null || { echo "make bench needs go on PATH (the peers are Go programs)" >&2; exit 1; }
bash "$top/tests/go/build-tools.sh" "$tools" || exit 1

heap=$data/heap-262k.pb.gz
dump=$data/dump-200k.txt
if [ ! -s "$heap" ]; then
	echo "bench: writing a 262,144-sample heap profile (once)..." >&2
	"$tools/bigheap" -out "$heap" -samples 262144 || exit 1
fi
if [ ! -s "$dump" ]; then
	echo "bench: writing a dump of 200,000 goroutines (once)..." >&2
	"$tools/bigdump" -out "$dump" -goroutines 200000 || exit 1
fi

zsize=$(stat -c %s "$heap")
raw=$(gzip -dc "$heap" | wc -c)
samples=$("$bin/pprof2ndjson" --headers-only "$heap" | sed -n 's/.*"samples":\([0-9]*\).*/\1/p')
"$bin/pprof2ndjson" "$heap" >"$data/flat.ndjson"
flat=$(stat -c %s "$data/flat.ndjson")
echo "heap profile: $samples samples, $((zsize / 1024)) KiB gzip, $((raw / 1024)) KiB protobuf, $((flat / 1048576)) MB flat NDJSON"
leg "pprof2ndjson (flat)" "$bin/pprof2ndjson" "$heap"; ours=$secs oursrss=$rss
leg "pprof2ndjson --intern" "$bin/pprof2ndjson" --intern "$heap"; intern=$secs
leg "floor: pprof2ndjson --headers-only" "$bin/pprof2ndjson" --headers-only "$heap"; hdr=$secs
leg "floor: writing the output bytes (cat|cat)" bash -c "cat '$data/flat.ndjson' | cat"; wr=$secs
leg "go: google/pprof parse + JSON lines" "$tools/pprofjson" "$heap"; gojson=$secs gorss=$rss
leg "go tool pprof -raw" go tool pprof -raw "$heap"; raw_s=$secs
leg "go tool pprof -traces" go tool pprof -traces "$heap"; traces=$secs
go119=/usr/lib/go-1.19/bin/go
if [ -x "$go119" ]; then
	leg "go1.19 tool pprof -raw (older pprof)" "$go119" tool pprof -raw "$heap"; raw119=$secs
fi
# Interning pays when stacks repeat: across the snapshots of a series.
leg "pprof2ndjson, 2 snapshots (flat)" "$bin/pprof2ndjson" "$heap" "$heap"; two=$secs
leg "pprof2ndjson, 2 snapshots (--intern)" "$bin/pprof2ndjson" --intern "$heap" "$heap"; two_i=$secs
floor=$(awk -v a="$hdr" -v b="$wr" 'BEGIN{print a + b}')
echo "  ratios: go tool pprof -raw $(ratio "$raw_s" "$ours"), -traces $(ratio "$traces" "$ours"), equal-work Go $(ratio "$gojson" "$ours") (RSS ${gorss} MB vs ${oursrss} MB);"
[ -n "${raw119:-}" ] && echo "          go1.19's pprof -raw $(ratio "$raw119" "$ours")"
echo "          flat takes $(ratio "$ours" "$floor") the floor ($floor s: decode alone + moving the output bytes)"
echo "          --intern: $(ratio "$intern" "$ours") of flat's time on one profile (every stack distinct), $(ratio "$two_i" "$two") on two snapshots"

dsize=$(stat -c %s "$dump")
echo "goroutine dump: $((dsize / 1048576)) MB, $(grep -c '^goroutine ' "$dump") goroutines"
leg "pprof2ndjson" "$bin/pprof2ndjson" "$dump"; ours=$secs oursrss=$rss
leg "pprof2ndjson --intern" "$bin/pprof2ndjson" --intern "$dump"
leg "go: DataDog/gostackparse + JSON lines" "$tools/gostackjson" "$dump"; gsp=$secs gsprss=$rss
leg "go: maruel/panicparse + JSON lines" "$tools/panicjson" "$dump"; pp=$secs pprss=$rss
echo "  ratios: gostackparse $(ratio "$gsp" "$ours") (RSS ${gsprss} MB), panicparse $(ratio "$pp" "$ours") (RSS ${pprss} MB), ours RSS ${oursrss} MB;"
echo "          pprof2ndjson reads the dump at $(awk -v s="$dsize" -v t="$ours" 'BEGIN{ if (t > 0) printf "%.0f", s / t / 1048576; else print "inf" }') MB/s end to end"
BUILD=$BUILD RUNS=$RUNS bash "$top/tests/bench/trace.sh"
BUILD=$BUILD RUNS=$RUNS bash "$top/tests/bench/heapdiff.sh"
BUILD=$BUILD RUNS=$RUNS bash "$top/tests/bench/render-dot.sh"
BUILD=$BUILD RUNS=$RUNS bash "$top/tests/bench/records.sh"
BUILD=$BUILD RUNS=$RUNS bash "$top/tests/bench/stackcluster.sh"
BUILD=$BUILD RUNS=$RUNS bash "$top/tests/bench/gcycle.sh"
