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
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
RUNS=${RUNS:-3}
bin=$BUILD/bin
data=$BUILD/bench
heap=$data/heap-262k.pb.gz
[ -s "$heap" ] || { echo "render-dot bench: no $heap (tests/bench/run.sh writes it)" >&2; exit 1; }

# leg NAME CMD...: sets $secs (best wall), $cpu (its user+sys), $rss (MB).
leg() {
	local name=$1 best="" bestcpu="" bestrss="" i t u s r
	shift
	for ((i = 0; i < RUNS; i++)); do
		/usr/bin/time -f '%e %U %S %M' -o "$data/time.txt" "$@" >"$data/out.txt" 2>"$data/err.txt" ||
			{ echo "bench: '$name' failed:" >&2; cat "$data/err.txt" >&2; return 1; }
		read -r t u s r <"$data/time.txt"
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
			best=$t bestrss=$r bestcpu=$(awk -v a="$u" -v b="$s" 'BEGIN{print a + b}')
		fi
	done
	secs=$best cpu=$bestcpu rss=$((bestrss / 1024))
	printf '  %-44s %8.2f s %8.2f s cpu %6d MB\n' "$name" "$secs" "$cpu" "$rss"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.1fx", a / b; else print "inf" }'; }

echo "render-dot: call graph of the same heap profile"
leg "render-dot (from the profile)" "$bin/render-dot" "$heap"; ours=$secs ourcpu=$cpu
cp "$data/out.txt" "$data/ours.dot"
leg "go tool pprof -dot" go tool pprof -dot "$heap"; theirs=$secs theircpu=$cpu
cp "$data/out.txt" "$data/pprof.dot"
leg "render-dot --folded (from the profile)" "$bin/render-dot" --folded "$heap"
d=$(python3 "$top/tests/render-dot/dotcheck.py" "$data/ours.dot" "$data/pprof.dot")
[ -z "$d" ] && same="the same nodes and edges" || same="DIFFERENT graphs: $(echo "$d" | head -n 1)"
echo "  ratios: go tool pprof -dot takes $(ratio "$theirs" "$ours") our wall time, $(ratio "$theircpu" "$ourcpu") our CPU time; $same"
