#!/usr/bin/env bash
# heapdiff's part of make bench: a series of 1,000 heap snapshots of a
# realistic size, written by a real Go process (tests/go/fixtures/leakseries
# with 5,000 allocation sites of distinct stacks 20+ frames deep: about
# 5,300 samples, 60 KB gzipped each), as ten nightly archives of 100.
# Reports wall time and peak RSS: one run over all of them, the same over
# 100 (memory must not grow with the snapshot count), the NDJSON road, the
# fan-out over the ten archives with xargs -P and the merge, and pair mode
# against go tool pprof -diff_base on two of them.
#
# Environment: BUILD, RUNS (best of, default 3), SNAPSHOTS (default 1000),
# SITES (default 5000).  Data is cached in $BUILD/bench/heapdiff.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
N=${SNAPSHOTS:-1000}
SITES=${SITES:-5000}
data=$BUILD/bench/heapdiff
mkdir -p "$data"

command -v go >/dev/null || { echo "heapdiff bench needs go on PATH (the profiles come from a Go process)" >&2; exit 1; }
export GOTOOLCHAIN=local CGO_ENABLED=0

series=$data/series-$N-$SITES
if [ ! -s "$series/night-10.tar.gz" ]; then
	echo "bench: writing $N heap snapshots of $SITES sites (once)..." >&2
	rm -rf "$series" && mkdir -p "$series/raw"
	(cd "$top/tests/go/fixtures/leakseries" && go build -o "$data/leakseries" .) || exit 1
	"$data/leakseries" -out "$series/raw" -n "$N" -gap 0 -sites "$SITES" || exit 1
	rm -f "$series"/raw/goroutine-*
	per=$(((N + 9) / 10))
	# shellcheck disable=SC2012 # the names are ours: heap-NN.pb.gz
	(cd "$series/raw" && ls heap-*.pb.gz | sort -V | split -l "$per" -d -a 2 - ../list.) || exit 1
	i=0
	for l in "$series"/list.*; do
		i=$((i + 1))
		(cd "$series/raw" && tar -cf - -T "$l") | gzip -1 >"$series/night-$(printf %02d $i).tar.gz" || exit 1
	done
	rm -rf "$series/raw" "$series"/list.*
fi

# A leg's output is kept, to be read back: keys, top trend, the merge.
leg_out=$data/out.ndjson leg_width=52

size=$(cat "$series"/night-*.tar.gz | wc -c)
samples=$("$bin/pprof2ndjson" --headers-only "$series/night-01.tar.gz" | head -n 1 | sed -n 's/.*"samples":\([0-9]*\).*/\1/p')
echo "heapdiff: $N heap snapshots, ~$samples samples each, $((size / 1048576)) MB in 10 archives"
leg "heapdiff --series, $N snapshots (10 archives)" "$bin/heapdiff" --series "$series"/night-*.tar.gz
all=$secs allrss=$rss
keys=$(sed -n '1s/.*"keys":\([0-9]*\).*/\1/p' "$data/out.ndjson")
top1=$(sed -n '2s/.*"fn":"\([^"]*\)".*"verdict":"\([a-z]*\)".*/\1 \2/p' "$data/out.ndjson")
leg "heapdiff --series, $((N / 10)) snapshots (1 archive)" "$bin/heapdiff" --series "$series/night-01.tar.gz"
tenth=$secs tenthrss=$rss
leg "pprof2ndjson --intern | heapdiff --series, $((N / 10))" \
	bash -c "'$bin/pprof2ndjson' --intern '$series/night-01.tar.gz' | '$bin/heapdiff' --series"
ndjson=$secs
leg "fan-out: xargs -P 4 heapdiff --partial, 10 archives" \
	bash -c "ls '$series'/night-*.tar.gz | xargs -P 4 -I{} sh -c '\"$bin/heapdiff\" --partial \"\$1\" > \"\$1.part\"' _ {}"
fan=$secs
leg "heapdiff --merge --series of the 10 partials" "$bin/heapdiff" --merge --series "$series"/night-*.tar.gz.part
merge=$secs mergerss=$rss
if cmp -s "$data/out.ndjson" <("$bin/heapdiff" --series "$series"/night-*.tar.gz); then same=identical; else same=DIFFERENT; fi
partsize=$(cat "$series"/night-*.tar.gz.part | wc -c)
rm -f "$series"/night-*.tar.gz.part

a=$(tar -tzf "$series/night-01.tar.gz" | sort -V | head -n 1)
b=$(tar -tzf "$series/night-01.tar.gz" | sort -V | tail -n 1)
tar -xzf "$series/night-01.tar.gz" -C "$data" "$a" "$b"
leg "heapdiff BASE NEW (pair, all sample types)" "$bin/heapdiff" "$data/$a" "$data/$b"
pair=$secs
leg "go tool pprof -top -diff_base BASE NEW" go tool pprof -top -nodecount=100000 -diff_base="$data/$a" "$data/$b"
gopair=$secs

awk -v n="$N" -v t="$all" 'BEGIN { if (t > 0) printf "  %d snapshots in %.2f s: %.0f snapshots/s\n", n, t, n / t }'
echo "  $keys keys; top trend: $top1"
echo "  peak RSS ${allrss} MB over $N snapshots vs ${tenthrss} MB over $((N / 10)): memory follows keys, not snapshots"
echo "  NDJSON road (pprof2ndjson --intern | heapdiff) on $((N / 10)): $(awk -v a="$ndjson" -v b="$tenth" 'BEGIN{ if (b > 0) printf "%.1fx", a / b }') the in-process decode"
echo "  fan-out $fan s + merge $merge s (RSS ${mergerss} MB, partials $((partsize / 1048576)) MB): merged output $same to one run"
echo "  pair mode $pair s vs go tool pprof -diff_base $gopair s"
