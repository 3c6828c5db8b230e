#!/usr/bin/env bash
# heapdiff.sh - heapdiff on real series written by a Go process that leaks
# at a known rate (tests/go/fixtures/leakseries: main.leak keeps 64 KiB more
# at every snapshot, main.leakWorker 2 more goroutines; main.churn and
# main.churnWorker come and go, main.spike holds 4 MiB once, main.warmup
# grows once).
#
#   fixture/...  the committed series (tests/fixtures/heapdiff), always
#   oracle/...   pair mode against `go tool pprof -diff_base` (flat per
#                function, total) on the committed series, when go is on PATH
#   fresh-goX/... the same on a series written just now by each Go
#                toolchain on the machine (go on PATH, Debian's go 1.19)
#
# Protocol and environment: see tests/run.sh.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
fix=$top/tests/fixtures/heapdiff/leakseries.tar.xz

if ! command -v heapdiff >/dev/null 2>&1; then
	echo "skip - heapdiff (not built)"
	exit 0
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "skip - heapdiff (no jq: run make deps)"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# result NAME DETAILS (tests/lib.sh)
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

# verdicts NAME ARCHIVE: what the process did is what heapdiff finds.
verdicts() {
	local name=$1 a=$2 out=$tmp/v.ndjson d
	if ! heapdiff --series --value=inuse_space "$a" >"$out" 2>"$tmp/err"; then
		result "$name: heap series" "heapdiff failed: $(cat "$tmp/err")"
		return
	fi
	d=$(jq -r -s '
		(.[0]) as $h | [.[] | select(.kind == "trend")] as $t
		| ($t | map(select(.fn == "main.leak")) | first) as $leak
		| (if $h.snapshots != 48 or $h.order != "time" then
			"header: \($h.snapshots) snapshots, order \($h.order)" else empty end),
		  (if $t[0].fn != "main.leak" or $t[0].verdict != "suspect" then
			"top trend is \($t[0].fn) (\($t[0].verdict)), not main.leak" else empty end),
		  (if $leak.growth != 47 * 65536 or $leak.up != 47 or $leak.down != 0 then
			"main.leak grew \($leak.growth) (\($leak.up) up, \($leak.down) down), not 47 x 64 KiB" else empty end),
		  (if ([$leak.series | . as $s | range(1; length) | $s[.] - $s[. - 1]] | unique) != [65536] then
			"main.leak does not grow by 64 KiB at every snapshot" else empty end),
		  ($t[] | select(.verdict == "suspect" and
			(.fn == "main.churn" or .fn == "main.spike" or .fn == "main.warmup"))
			| "\(.fn) is a suspect"),
		  ($t | to_entries | map(select(.value.fn == "main.spike")) | .[]
			| select(.key < ($t | map(.verdict == "suspect") | index(false)))
			| "main.spike ranks among the suspects")
		' "$out")
	result "$name: heap series: main.leak is the top suspect, the churn is not" "$d"

	if ! heapdiff --series --value=goroutine "$a" >"$out" 2>"$tmp/err"; then
		result "$name: goroutine series" "heapdiff failed: $(cat "$tmp/err")"
		return
	fi
	d=$(jq -r -s '
		[.[] | select(.kind == "trend")] as $t
		| (if $t[0].fn != "main.leakWorker" or $t[0].verdict != "suspect"
			or $t[0].growth != 94 then
			"top trend: \($t[0].fn) \($t[0].verdict) +\($t[0].growth), want main.leakWorker suspect +94" else empty end),
		  ($t[] | select(.fn == "main.churnWorker" and .verdict == "suspect")
			| "main.churnWorker is a suspect")
		' "$out")
	result "$name: goroutine series: main.leakWorker grows by 2 a snapshot" "$d"

	# Pair mode, first and last snapshot given as files.
	rm -rf "$tmp/x" && mkdir -p "$tmp/x" && tar -C "$tmp/x" -xf "$a"
	d=$(heapdiff "$tmp"/x/leakseries/heap-01.pb "$tmp"/x/leakseries/heap-48.pb 2>&1 |
		jq -r -s '(.[0]) as $h | (.[1]) as $top
		| (if $h.mode != "diff" or ($h.base.src | endswith("heap-01.pb") | not) then
			"header: \($h.mode) base \($h.base.src)" else empty end),
		  (if $top.fn != "main.leak" or $top.delta != 47 * 65536 or $top.values.inuse_objects.delta != 47 * 16 then
			"top diff: \($top.fn) \($top.delta) bytes \($top.values.inuse_objects.delta) objects" else empty end),
		  (if $h.delta != $h.new.total - $h.base.total then "header delta is not new - base" else empty end)' 2>&1)
	result "$name: pair mode: main.leak grew 47 x 64 KiB in 752 objects" "$d"
}

# pprof_flat and ours_flat: tests/lib.sh

# oracle NAME DIR: pair mode equals pprof -diff_base on DIR's series.
oracle() {
	local name=$1 dir=$2 idx kind d
	for kind in heap:inuse_space heap:alloc_objects goroutine:goroutine; do
		idx=${kind#*:}
		kind=${kind%%:*}
		pprof_flat "$dir/$kind-01.pb" "$dir/$kind-48.pb" "$idx" >"$tmp/pprof.txt"
		ours_flat "$dir/$kind-01.pb" "$dir/$kind-48.pb" "$idx" >"$tmp/ours.txt"
		if [ ! -s "$tmp/pprof.txt" ]; then
			result "$name: $kind $idx equals pprof -diff_base" "go tool pprof printed nothing"
			continue
		fi
		d=$(diff -u --label pprof --label heapdiff "$tmp/pprof.txt" "$tmp/ours.txt" | sed -n '3,$p')
		result "$name: $kind $idx equals pprof -diff_base ($(wc -l <"$tmp/pprof.txt") functions)" "$d"
	done
}

if [ ! -f "$fix" ]; then
	echo "not ok - fixture: $fix is missing (tests/go/fixtures/leakseries/gen.sh)"
	exit 0
fi
verdicts "fixture/$(cut -d' ' -f3 "${fix%/*}/go-version.txt")" "$fix"

# Evidence decoded in process, flat records and interned records agree.
heapdiff --series --value=inuse_space "$fix" >"$tmp/direct" 2>&1
pprof2ndjson "$fix" | heapdiff --series --value=inuse_space >"$tmp/flat" 2>&1
pprof2ndjson --intern "$fix" | heapdiff --series --value=inuse_space >"$tmp/intern" 2>&1
d=
cmp -s "$tmp/direct" "$tmp/flat" || d+="flat NDJSON differs: $(diff "$tmp/direct" "$tmp/flat" | head -n 3)"$'\n'
cmp -s "$tmp/direct" "$tmp/intern" || d+="interned NDJSON differs: $(diff "$tmp/direct" "$tmp/intern" | head -n 3)"
result "fixture: the archive, its flat records and its interned records give one result" "$d"

# Merged partials over separate archives == one run over all of them,
# fanned out with xargs -P as the README shows; and merging merges.
rm -rf "$tmp/x" && mkdir -p "$tmp/x" "$tmp/parts" && tar -C "$tmp/x" -xf "$fix"
(cd "$tmp/x/leakseries" && tar -cf "$tmp/night-1.tar" heap-0*.pb heap-1*.pb &&
	tar -cf "$tmp/night-2.tar" heap-2*.pb heap-3*.pb &&
	tar -czf "$tmp/night-3.tar.gz" heap-4*.pb)
heapdiff --series "$tmp"/night-*.tar* >"$tmp/single" 2>&1
# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
printf '%s\n' "$tmp"/night-*.tar* |
	xargs -P 3 -I{} sh -c 'heapdiff --partial "$1" >"$2/$(basename "$1").part"' _ {} "$tmp/parts"
heapdiff --merge --series "$tmp"/parts/*.part >"$tmp/merged" 2>&1
d=
[ "$(jq -r 'select(.kind == "heapdiff") | .snapshots' "$tmp/single")" = 48 ] ||
	d+="the single run saw $(head -c 200 "$tmp/single")"$'\n'
cmp -s "$tmp/single" "$tmp/merged" || d+="merged differs: $(diff "$tmp/single" "$tmp/merged" | head -n 4)"$'\n'
heapdiff --merge --partial "$tmp/parts/night-1.tar.part" "$tmp/parts/night-3.tar.gz.part" >"$tmp/p13" &&
	heapdiff --merge --series "$tmp/parts/night-2.tar.part" "$tmp/p13" >"$tmp/tree" 2>&1
cmp -s "$tmp/single" "$tmp/tree" || d+="a merge of merges differs: $(diff "$tmp/single" "$tmp/tree" | head -n 4)"$'\n'
# (jq on both sides: it rounds the 19-digit time_ns alike.)
heapdiff --merge "$tmp"/parts/*.part | jq -c . >"$tmp/mpair" 2>&1
heapdiff --value=inuse_space "$tmp"/night-*.tar* | jq -c 'del(.values)' >"$tmp/spair" 2>&1
cmp -s "$tmp/spair" "$tmp/mpair" || d+="pair mode over merged partials differs: $(diff "$tmp/spair" "$tmp/mpair" | head -n 4)"
result "fixture: merged partials of three archives == one run over them" "${d%$'\n'}"

# Without profile times the order is the stream's, and says so.
pprof2ndjson "$tmp/night-2.tar" "$tmp/night-1.tar" | jq -c 'del(.time_ns)' |
	heapdiff --series >"$tmp/stream" 2>&1
d=$(jq -r 'select(.kind == "heapdiff") | select(.order != "stream" or
	(.first.src | endswith("heap-20.pb") | not)) | "order \(.order), first \(.first.src)"' "$tmp/stream" 2>&1)
result "fixture: no profile times: stream order, said so" "$d"

# The README's Makefile rule and share/examples/heapdiff.crontab, run for
# real on the series: the rule over leak/TIME/heap.pb.gz snapshots, the
# cron entries over two days of tarballs (cron's \% undone).
mkdir -p "$tmp/mk" && (
	cd "$tmp/mk" || exit 1
	for i in 01 02 03 04 05; do
		mkdir -p "leak/2026112${i#0}T000000"
		gzip -nc <"$tmp/x/leakseries/heap-$i.pb" >"leak/2026112${i#0}T000000/heap.pb.gz"
	done
	awk '/^## heapdiff/ { on = 1 } on && /^```make$/ { inb = 1; next }
		inb && /^```$/ { exit } inb { print }' "$top/README.md" >rules.mk
	make -s -f rules.mk leak-suspects
) >"$tmp/mk.out" 2>&1
d=$(grep -qx "$((4 * 65536))	main.leak" "$tmp/mk.out" || { echo "no 'main.leak' suspect:"; cat "$tmp/mk.out"; })
result "README: the Makefile rule finds main.leak" "$d"
mkdir -p "$tmp/cron" && (
	P=$tmp/cron
	cd "$tmp/x/leakseries" || exit 1
	tar -czf "$P/$(date -d '2 days ago' +%F).tar.gz" heap-0*.pb heap-1*.pb goroutine-0*.pb
	tar -czf "$P/$(date -d yesterday +%F).tar.gz" heap-2*.pb heap-3*.pb heap-4*.pb
	grep -E '^[0-9*@]' "$top/share/examples/heapdiff.crontab" |
		sed -E 's/^(@[a-z]+|([^ ]+ +){5}) *//; s/\\%/%/g' >"$tmp/cron.sh"
	export P
	# The first entry made yesterday's partial; make the day before's too.
	d=$(date -d '2 days ago' +%F)
	heapdiff --partial --value=inuse_space "$P/$d.tar.gz" >"$P/$d.part"
	bash -e "$tmp/cron.sh"
) >"$tmp/cron.out" 2>&1
d=
if ! grep -q '^leak suspect: main.leak ' "$tmp/cron.out" ||
	grep -q 'main.churn ' "$tmp/cron.out"; then
	d=$(cat "$tmp/cron.out")
fi
result "share/examples/heapdiff.crontab: 30 days of partials name main.leak" "$d"

if ! command -v go >/dev/null 2>&1; then
	echo "skip - oracle and fresh series (no go on PATH)"
	exit 0
fi
oracle "oracle/fixture" "$tmp/x/leakseries"

gos=(go)
[ -x /usr/lib/go-1.19/bin/go ] && gos+=(/usr/lib/go-1.19/bin/go)
for g in "${gos[@]}"; do
	v=$("$g" env GOVERSION 2>/dev/null | sed -n 's/^\(go[0-9]*\.[0-9]*\).*/\1/p')
	[ -n "$v" ] || v=unknown
	if ! "$top/tests/go/fixtures/leakseries/gen.sh" "$g" "$tmp/fresh-$v/series.tar.xz" >"$tmp/gen.log" 2>&1; then
		result "fresh-$v: gen.sh $g" "$(tail -n 5 "$tmp/gen.log")"
		continue
	fi
	verdicts "fresh-$v" "$tmp/fresh-$v/series.tar.xz"
	mkdir -p "$tmp/fresh-$v/x" && tar -C "$tmp/fresh-$v/x" -xf "$tmp/fresh-$v/series.tar.xz"
	oracle "fresh-$v" "$tmp/fresh-$v/x/leakseries"
done
