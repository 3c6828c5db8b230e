#!/usr/bin/env bash
# render-dot's part of make bench: the call graph of the bench's large heap
# profile (262,144 samples, every stack distinct, written by tests/go/tools
# bigheap; run.sh makes it), straight from the profile, against
# `go tool pprof -dot` on the same file, and folded stacks.  (The NDJSON
# road is left out: with every stack distinct, it is jansson parsing half a
# gigabyte, 30 CPU seconds here.)  Best of RUNS wall seconds, with user+system CPU seconds (on a
# shared machine CPU time is the steadier figure), and peak RSS.
# The two graphs must keep the same nodes and edges (tests/render-dot/
# dotcheck.py), or the comparison means nothing.
#
# Environment: BUILD, RUNS (best of, default 3).
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
heap=$data/heap-262k.pb.gz
[ -s "$heap" ] || { echo "render-dot bench: no $heap (tests/bench/run.sh writes it)" >&2; exit 1; }

# Each graph is kept, to be compared with the other.
leg_out=$data/out.txt
leg_print() {
	printf '  %-44s %8.2f s %8.2f s cpu %6d MB\n' "$1" "$secs" "$cpu" "$rss"
}

echo "render-dot: call graph of the same heap profile"
leg "render-dot (from the profile)" "$bin/render-dot" "$heap"; ours=$secs ourcpu=$cpu
cp "$data/out.txt" "$data/ours.dot"
leg "go tool pprof -dot" go tool pprof -dot "$heap"; theirs=$secs theircpu=$cpu
cp "$data/out.txt" "$data/pprof.dot"
leg "render-dot --folded (from the profile)" "$bin/render-dot" --folded "$heap"
d=$(python3 "$top/tests/render-dot/dotcheck.py" "$data/ours.dot" "$data/pprof.dot")
[ -z "$d" ] && same="the same nodes and edges" || same="DIFFERENT graphs: $(echo "$d" | head -n 1)"
echo "  ratios: go tool pprof -dot takes $(ratio "$theirs" "$ours") our wall time, $(ratio "$theircpu" "$ourcpu") our CPU time; $same"
