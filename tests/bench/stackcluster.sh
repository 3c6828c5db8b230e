#!/usr/bin/env bash
# stackcluster's part of make bench: a dump of 1,000,000 goroutines (five
# copies of the real 200,000-goroutine dump run.sh has bigdump write: Go
# caps one process's dump far below that, and the copies keep every byte
# the runtime wrote), clustered by default and with the whole stack as the
# key, against pprof2ndjson decoding the same dump (the budget: at most
# 1.5x its time), the 200,000-goroutine dump (time must grow linearly),
# and panicparse's grouping (stack.Aggregate) on its first 20,000 (it
# takes minutes on the 200,000), once.
#
# Environment: BUILD, RUNS (best of, default 3).  Data is cached in
# $BUILD/bench.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
dump=$data/dump-200k.txt
big=$data/dump-1m.txt

if [ ! -s "$dump" ]; then
	[ -x "$tools/bigdump" ] || bash "$top/tests/go/build-tools.sh" "$tools" || exit 1
	echo "bench: writing a dump of 200,000 goroutines (once)..." >&2
	"$tools/bigdump" -out "$dump" -goroutines 200000 || exit 1
fi
if [ ! -s "$big" ]; then
	cat "$dump" "$dump" "$dump" "$dump" "$dump" >"$big" || exit 1
fi
small20=$data/dump-20k.txt
if [ ! -s "$small20" ]; then
	# Goroutines are paragraphs: the first 20,000 of them.
	awk 'BEGIN { RS = ""; ORS = "\n\n" } NR <= 20000' "$dump" >"$small20" || exit 1
fi

ratio_digits=2

echo "stackcluster: $(($(stat -c %s "$big") / 1048576)) MB dump, 1,000,000 goroutines"
leg "pprof2ndjson (decode, 1M)" "$bin/pprof2ndjson" "$big"; dec=$secs
leg "stackcluster (1M)" "$bin/stackcluster" "$big"; sc=$secs
leg "stackcluster --depth=0 --state (1M)" "$bin/stackcluster" --depth=0 --state "$big"; deep=$secs
leg "stackcluster (200k)" "$bin/stackcluster" "$dump"; small=$secs
if [ -x "$tools/ppgroup" ]; then
	leg "stackcluster (20k)" "$bin/stackcluster" "$small20"; sc20=$secs
	RUNS=1 leg "go: panicparse Aggregate (20k)" "$tools/ppgroup" -count "$small20"; pp=$secs
fi
echo "  stackcluster takes $(ratio "$sc" "$dec") of pprof2ndjson's decode (budget 1.50x)," \
	"$(ratio "$deep" "$dec") with the whole stack as key;"
echo "  1M/200k: $(ratio "$sc" "$small") (5.00x is linear)"
[ -n "${pp:-}" ] && echo "  panicparse's grouping of the 20k: $(ratio "$pp" "$sc20") stackcluster's time"
awk -v a="$sc" -v b="$dec" 'BEGIN{ exit !(a <= 1.5 * b) }' ||
	{ echo "bench: stackcluster is over its budget" >&2; exit 1; }
