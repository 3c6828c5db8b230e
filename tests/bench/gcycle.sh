#!/usr/bin/env bash
# tests/bench/gcycle.sh - gcycle's speed (called by tests/bench/run.sh;
# runs alone too: BUILD=build bash tests/bench/gcycle.sh):
#
#   - the analysis on a synthetic wait-for graph of 1,000,000 goroutines
#     and 10,000,000 edges (tests/bench/wgraph-bench.c, linked with the
#     library), which must take seconds;
#   - gcycle straight on the 64 MB bench trace of tests/bench/trace.sh
#     against trace2ndjson decoding it to /dev/null: gcycle must take at
#     most 1.5 times as long;
#   - 1,000,000 edge records through the NDJSON reader.
#
# Each leg runs RUNS times (default 3); the best wall time and its peak RSS
# are reported.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
[ -x "$bin/gcycle" ] || { echo "bench: no $bin/gcycle (run make)" >&2; exit 1; }

# A leg's output is kept (the cycles found are counted), and CPU time is
# shown too: on a shared machine the wall clock says more about the
# neighbours than about the program.
leg_out=$data/leg.out leg_errlines=5 ratio_digits=2
leg_print() {
	printf '  %-44s %8.2f s (cpu %6.2f s) %7d MB\n' "$1" "$secs" "$cpu" "$rss"
}

# The synthetic graph.
cc=${CC:-cc}
# shellcheck disable=SC2046
"$cc" -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -iquote "$top/lib" -iquote "$BUILD/gen" \
	-o "$data/wgraph-bench" "$top/tests/bench/wgraph-bench.c" "$BUILD/libleakpipe.a" \
	$(pkg-config --libs jansson libarchive libprotobuf-c zlib 2>/dev/null) $(pkg-config --libs libcurl 2>/dev/null) -lm ||
	{ echo "bench: cannot build wgraph-bench" >&2; exit 1; }
echo "wait-for graph analysis (lib/waitgraph.c):"
leg "1,000,000 goroutines, 10,000,000 edges" "$data/wgraph-bench" 1000000 10000000 || exit 1
echo "  $(cat "$data/leg.out")"

# The 64 MB trace: written once by trace.sh's tool, kept in $data.
big=$data/trace-64m.trace
if [ ! -s "$big" ]; then
	if command -v go >/dev/null && { [ -x "$tools/bigtrace" ] || bash "$top/tests/go/build-tools.sh" "$tools"; }; then
		echo "bench: writing a 64 MB execution trace (once, about 8 s)..." >&2
		"$tools/bigtrace" -out "$big.tmp" -mb 64 && mv "$big.tmp" "$big" || exit 1
	else
		echo "bench: no $big and no go to write it: trace legs skipped" >&2
		big=
	fi
fi
if [ -n "$big" ]; then
	echo "gcycle on the execution trace: $(($(stat -c %s "$big") / 1048576)) MB"
	# To /dev/null indeed: leg keeps stdout in a file, 5 GB here.
	# shellcheck disable=SC2016 # $0 and $1 are the inner sh's
	leg "trace2ndjson > /dev/null" sh -c '"$0" "$1" >/dev/null' "$bin/trace2ndjson" "$big" || exit 1
	t2n=$secs
	leg "gcycle" "$bin/gcycle" "$big" || exit 1
	gc=$secs
	echo "  gcycle takes $(ratio "$gc" "$t2n") trace2ndjson's time (goal: at most 1.50x);" \
		"$(grep -c '"kind":"cycle"' "$data/leg.out") cycles, $(grep -c '"kind":"stuck"' "$data/leg.out") stuck"
fi

# Edge records through the NDJSON reader.
awk 'BEGIN { srand(7); for (i = 1; i <= 1000000; i++)
	printf "{\"kind\":\"edge\",\"from\":%d,\"to\":%d,\"reason\":\"chan receive\"}\n", int(rand() * 200000), int(rand() * 200000) }' \
	>"$data/edges.ndjson"
echo "edge records: 1,000,000 lines, $(($(stat -c %s "$data/edges.ndjson") / 1048576)) MB"
leg "gcycle edges.ndjson" "$bin/gcycle" "$data/edges.ndjson" || exit 1
rm -f "$data/edges.ndjson" "$data/leg.out"
