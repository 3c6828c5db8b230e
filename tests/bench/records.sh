#!/usr/bin/env bash
# tests/bench/records.sh - the typed record layer (lib/record.h) against the
# decoders alone, as whole-process ratios on the same input: reading a
# profile, a dump or a trace into typed records (tests/bench/recbench.c)
# against pprof2ndjson or trace2ndjson writing their records to
# /dev/null; and NDJSON read back (flat and interned) against heapdiff
# over the same NDJSON.  Called by tests/bench/run.sh; runs alone too
# (inputs come from run.sh and trace.sh, cached in $BUILD/bench).
#
# Environment: BUILD, RUNS (best of, default 3).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
RUNS=${RUNS:-3}
bin=$BUILD/bin
data=$BUILD/bench
rb=$BUILD/tests/recbench

mkdir -p "$BUILD/tests"
# shellcheck disable=SC2046 # pkg-config's flags are words
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -iquote "$top/lib" \
	-iquote "$BUILD/gen" $(pkg-config --cflags jansson) -o "$rb" \
	"$top/tests/bench/recbench.c" "$BUILD/libleakpipe.a" \
	$(pkg-config --libs jansson libarchive libprotobuf-c zlib libcurl) -lm || exit 1

leg() {
	local name=$1 best="" i t
	shift
	for ((i = 0; i < RUNS; i++)); do
		/usr/bin/time -f '%e' -o "$data/time.txt" "$@" >/dev/null 2>"$data/err.txt"
		[ $? -le 1 ] || { echo "bench: '$name' failed:" >&2; cat "$data/err.txt" >&2; return 1; }
		read -r t <"$data/time.txt"
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
			best=$t
		fi
	done
	secs=$best
	printf '  %-52s %8.2f s\n' "$name" "$secs"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2fx", a / b; else print "inf" }'; }

echo "records: typed records against the decoders alone (lower is better, goal <= 1.2x)"
for f in heap-262k.pb.gz dump-200k.txt; do
	[ -s "$data/$f" ] || { echo "  (no $f: run make bench first)"; continue; }
	leg "pprof2ndjson $f > /dev/null" "$bin/pprof2ndjson" "$data/$f"; dec=$secs
	leg "typed records of $f" "$rb" "$data/$f"; rec=$secs
	echo "  $f: records/decoder $(ratio "$rec" "$dec")"
done
f=trace-64m.trace
if [ -s "$data/$f" ]; then
	leg "trace2ndjson $f > /dev/null" "$bin/trace2ndjson" "$data/$f"; dec=$secs
	leg "typed records of $f (events, lives, GC)" "$rb" "$data/$f"; rec=$secs
	echo "  $f: records/decoder $(ratio "$rec" "$dec")"
else
	echo "  (no $f: run make bench first)"
fi
