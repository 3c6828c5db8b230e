#!/usr/bin/env bash
# tests/bench/records.sh - the typed record layer (lib/record.h) against the
# decoders alone, as whole-process ratios on the same input: reading a
# profile, a dump or a trace into typed records (tests/bench/recbench.c)
# against pprof2ndjson or trace2ndjson writing their records to
# /dev/null.  (NDJSON read back is measured by heapdiff.sh's
# "pprof2ndjson --intern | heapdiff --series" leg.)  Called by
# tests/bench/run.sh; runs alone too (inputs come from run.sh and
# trace.sh, cached in $BUILD/bench).
#
# Environment: BUILD, RUNS (best of, default 3).
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
rb=$BUILD/tests/recbench

mkdir -p "$BUILD/tests"
# shellcheck disable=SC2046 # pkg-config's flags are words
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -iquote "$top/lib" \
	-iquote "$BUILD/gen" $(pkg-config --cflags jansson) -o "$rb" \
	"$top/tests/bench/recbench.c" "$BUILD/libleakpipe.a" \
	$(pkg-config --libs jansson libarchive libprotobuf-c zlib libcurl) -lm || exit 1

# Wall time only; exit 1 passes, as it did here before lib.sh.
leg_ok=1 ratio_digits=2
leg_print() { printf '  %-52s %8.2f s\n' "$1" "$secs"; }

echo "records: typed records against the decoders alone (lower is better, goal <= 1.2x)"
for f in heap-262k.pb.gz dump-200k.txt; do
	[ -s "$data/$f" ] || { echo "  (no $f: run make bench first)"; continue; }
	leg "pprof2ndjson $f > /dev/null" "$bin/pprof2ndjson" "$data/$f"; dec=$secs
	leg "typed records of $f" "$rb" "$data/$f"; rec=$secs
	echo "  $f: records/decoder $(ratio "$rec" "$dec")"
	leg "typed records of $f, frames walked" "$rb" -w "$data/$f"; rec=$secs
	echo "  $f: records and frames/decoder $(ratio "$rec" "$dec")"
done
f=trace-64m.trace
if [ -s "$data/$f" ]; then
	leg "trace2ndjson $f > /dev/null" "$bin/trace2ndjson" "$data/$f"; dec=$secs
	leg "typed records of $f (events, lives, GC)" "$rb" "$data/$f"; rec=$secs
	echo "  $f: records/decoder $(ratio "$rec" "$dec")"
else
	echo "  (no $f: run make bench first)"
fi
