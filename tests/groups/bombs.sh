#!/usr/bin/env bash
# bombs.sh - small inputs that decode to a lot keep memory bounded (issue 15).
#
# Each bomb is made at test time by tests/bombs.py (none is committed):
# a few megabytes of valid gzip at most.  Every program given it must exit
# 65 with one stderr line naming the limit, and peak RSS must stay under
# 1 GiB (measured by tests/peakrss.py, getrusage of the child).  Before
# the limits were tied to a memory budget these took 2-4 GB.
# Environment (set by tests/run.sh): TOP, BUILD; $BUILD/bin on PATH.
set -u

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bombs=$top/tests/bombs.py
rss=$top/tests/peakrss.py
max_kib=$((1 << 20))

if ! command -v pprof2ndjson >/dev/null 2>&1; then
	echo "skip - bombs (no programs in \$BUILD/bin: run make)"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "skip - bombs (no python3)"
	exit 0
fi
case ${BUILD:-} in
*san*)
	# Sanitizer shadow memory makes RSS meaningless.
	echo "skip - bombs (sanitizer build)"
	exit 0
	;;
esac
tmp=$(mktemp -d) || {
	echo "not ok - bombs: mktemp failed"
	exit 0
}
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 0

# bomb NAME PATTERN FILE PROG...: each PROG on FILE exits 65, one stderr
# line matching "^PROG: FILE: PATTERN", peak RSS under 1 GiB.
bomb() {
	local name=$1 pat=$2 file=$3 p line bad='' rc kib
	shift 3
	for p in "$@"; do
		python3 "$rss" "$p" "$file" >/dev/null 2>err
		line=$(tail -n 1 err)
		rc=$(echo "$line" | sed -n 's/^exit \(-*[0-9]*\) rss .*/\1/p')
		kib=$(echo "$line" | sed -n 's/.* rss \([0-9]*\)$/\1/p')
		sed '$d' err >msg
		if [ "$rc" != 65 ] || [ "$(wc -l <msg)" != 1 ] ||
			! grep -Eq "^$p: $file: $pat" msg ||
			[ "${kib:-0}" -ge $max_kib ]; then
			bad="$bad
  $p: exit $rc, peak RSS $((${kib:-0} >> 10)) MiB: $(head -c 300 msg)"
		fi
	done
	if [ -z "$bad" ]; then
		echo "ok - $name"
	else
		echo "not ok - $name$bad"
	fi
}

python3 "$bombs" string string.gz $((1500 << 20))
bomb "a profile with a 1.5 GiB string (1.5 MB gzipped)" \
	"larger than the 256 MiB limit for data held whole \(LEAKPIPE_MEMORY_MAX\)" \
	string.gz pprof2ndjson
python3 "$bombs" packed packed.gz $((200 << 20))
bomb "a profile with 200 million packed location ids (0.2 MB gzipped)" \
	"decoding needs more than 512 MiB, the limit for a [0-9]+-byte profile \(LEAKPIPE_MEMORY_MAX\)$" \
	packed.gz heapdiff
python3 "$bombs" trace1 trace1.gz $((1 << 30))
bomb "a legacy trace bad at byte 16, 1 GiB long (1 MB gzipped)" \
	"event at byte 16: unknown event type 0$" trace1.gz trace2ndjson
python3 "$bombs" trace2 trace2.gz $((600 << 20))
bomb "a Go 1.22 trace with one 600 MiB generation (0.7 MB gzipped)" \
	"generation at byte [0-9]+ is larger than the 256 MiB limit \(LEAKPIPE_MEMORY_MAX\)$" \
	trace2.gz trace2ndjson gcycle stackcluster
python3 "$bombs" ndjson ndjson.gz $((60 << 20))
bomb "an NDJSON line of 60 MiB (60 KB gzipped)" \
	"line 1: longer than the 16 MiB limit" ndjson.gz heapdiff

# A length over protobuf's 2 GiB limit is said so, not "corrupt protobuf".
printf '\062\000\062\200\200\200\200\020' >big.pb
pprof2ndjson big.pb >/dev/null 2>err
if [ $? = 65 ] && [ "$(cat err)" = "pprof2ndjson: big.pb: field 6 of profile 0 is 4294967296 bytes, over protobuf's 2 GiB limit (byte 2)" ]; then
	echo "ok - a 4 GiB string is over protobuf's limit"
else
	echo "not ok - a 4 GiB string is over protobuf's limit"
	sed 's/^/  /' err | head -c 600
fi
