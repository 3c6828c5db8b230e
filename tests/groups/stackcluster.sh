#!/usr/bin/env bash
# stackcluster.sh - stackcluster on a known population of goroutines
# (tests/go/fixtures/crowd: 300 blocked at one send site through three
# call paths, recursion depths and arguments, created by spawnSenders; 7 at
# the same site created by spawnLate; 12 on a mutex; 3 healthy in a
# select; each group its own creator), as Go writes it in every form.
#
#   fixture-goX/...  the committed outputs of Go 1.26 and Go 1.19
#   fresh-goX/...    the same written just now by each Go on the machine
#   panicparse/...   grouping compared with github.com/maruel/panicparse/v2
#                    on the shared goroutine dumps, when go is on PATH
#
# The expected clusters come from crowd/main.go itself: its constants give
# the counts, its marked lines the sites and creators.
#
# Protocol and environment: see tests/run.sh.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
src=$top/tests/go/fixtures/crowd/main.go

if ! command -v stackcluster >/dev/null 2>&1; then
	echo "skip - stackcluster (not built)"
	exit 0
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "skip - stackcluster (no jq: run make deps)"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# result NAME DETAILS (tests/lib.sh)
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

# What crowd/main.go says it parks.
const() { sed -n "s/^[[:space:]]*$1[[:space:]]*= \([0-9]*\)$/\1/p" "$src"; }
line() { grep -n -- "$1" "$src" | head -n 1 | cut -d: -f1; }
senders=$(const senders) late=$(const late)
lockers=$(const lockers) healthy=$(const healthy)
send=$(line 'ch <- v // the blocking site')
lock=$(line 'mu.Lock() // the blocking site')
sel=$(line 'select {')
c_send=$(line 'go sender(i, ')
c_late=$(line 'go viaA(make(chan int)')
c_lock=$(line 'go locker(i)')
c_beat=$(line 'go heartbeat(i)')
for v in senders late lockers healthy send lock sel c_send c_late c_lock c_beat; do
	if [ -z "${!v}" ]; then
		echo "not ok - crowd/main.go: cannot find '$v'"
		exit 0
	fi
done

# The clusters expected with a creator in the key (dumps, traces)...
printf '%s\n' \
	"$senders	main.deliver@main.go:$send <- go main.spawnSenders@main.go:$c_send" \
	"$lockers	main.locker@main.go:$lock <- go main.spawnLockers@main.go:$c_lock" \
	"$late	main.deliver@main.go:$send <- go main.spawnLate@main.go:$c_late" \
	"$healthy	main.heartbeat@main.go:$sel <- go main.spawnHealthy@main.go:$c_beat" \
	>"$tmp/want-creator"
# ... and without one (debug=1 and pprof goroutine profiles carry none).
printf '%s\n' \
	"$((senders + late))	main.deliver@main.go:$send" \
	"$lockers	main.locker@main.go:$lock" \
	"$healthy	main.heartbeat@main.go:$sel" >"$tmp/want-plain"

# clusters FILE [OPTION...]: "count<TAB>signature" of the clusters whose
# site is one of crowd's parking functions, in output order.
clusters() {
	local f=$1
	shift
	stackcluster "$@" "$f" |
		jq -r 'select(.kind == "cluster") |
			select(.site.fn | IN("main.deliver", "main.locker", "main.heartbeat")) |
			"\(.count)\t\(.signature)"'
}
# ids FILE [OPTION...]: "id count" of the same clusters, sorted.
ids() {
	local f=$1
	shift
	stackcluster "$@" "$f" |
		jq -r 'select(.kind == "cluster") |
			select(.site.fn | IN("main.deliver", "main.locker", "main.heartbeat")) |
			"\(.id) \(.count)"' | sort
}
diffs() { diff "$1" "$2" | sed -n 's/^[<>] //p' | head -n 8; }

# check NAME DIR: the four forms of one population in DIR.
check() {
	local name=$1 dir=$2 f out
	f=$dir/goroutine.debug2.txt.gz
	clusters "$f" >"$tmp/got"
	result "$name/debug=2: exactly the known clusters and counts" \
		"$(diffs "$tmp/want-creator" "$tmp/got")"
	clusters "$dir/crowd.trace" >"$tmp/got"
	result "$name/trace: exactly the known clusters and counts" \
		"$(diffs "$tmp/want-creator" "$tmp/got")"
	ids "$f" >"$tmp/a"
	ids "$dir/crowd.trace" >"$tmp/b"
	result "$name: debug=2 and trace --goroutines give the same cluster ids" \
		"$(diffs "$tmp/a" "$tmp/b")"
	out=
	for g in goroutine.debug1.txt goroutine.pb.gz; do
		clusters "$dir/$g" >"$tmp/got"
		out+=$(diffs "$tmp/want-plain" "$tmp/got")
	done
	result "$name/debug=1 and pprof: the known clusters, creators merged" "$out"
	out=
	ids "$f" --no-creator >"$tmp/a"
	for g in goroutine.debug1.txt goroutine.pb.gz crowd.trace; do
		ids "$dir/$g" --no-creator >"$tmp/b"
		out+=$(diffs "$tmp/a" "$tmp/b")
	done
	result "$name: --no-creator, all four forms give the same ids" "$out"
	# Through NDJSON, flat and interned, in one stream: a dump's and a
	# trace's goroutines of one cause are one cluster.
	out=$( (gzip -dc "$f" | pprof2ndjson --intern
		trace2ndjson --goroutines "$dir/crowd.trace") |
		stackcluster | jq -r 'select(.kind == "cluster") |
			select(.site.fn == "main.deliver") | .count' | sort -n | tr '\n' ' ')
	result "$name: NDJSON from both decoders, one stream, counts add up" \
		"$([ "$out" = "$((2 * late)) $((2 * senders)) " ] || echo "got '$out'")"
	# More depth tells the three call paths apart.
	out=$(stackcluster --depth=2 --lines=none --no-creator "$f" |
		jq -r 'select(.kind == "cluster" and .site.fn == "main.deliver") |
			"\(.count) \(.signature)"' | sort)
	want=$(printf '%s\n' "$((senders / 3 + late)) main.deliver;main.viaA" \
		"$((senders / 3)) main.deliver;main.viaB2" \
		"$((senders / 3)) main.deliver;main.walk" | sort)
	result "$name: --depth=2 splits the three call paths" \
		"$([ "$out" = "$want" ] || printf 'got:\n%s\nwant:\n%s' "$out" "$want")"
}

for v in go1.26 go1.19; do
	check "fixture-$v" "$top/tests/fixtures/crowd/$v"
done

# Ids hold across Go versions: the same source, the same causes.
ids "$top/tests/fixtures/crowd/go1.26/goroutine.debug2.txt.gz" >"$tmp/a"
ids "$top/tests/fixtures/crowd/go1.19/goroutine.debug2.txt.gz" >"$tmp/b"
result "fixture: Go 1.26 and Go 1.19 dumps give the same ids" "$(diffs "$tmp/a" "$tmp/b")"

# Fresh populations, written now by each toolchain.
gos=()
command -v go >/dev/null 2>&1 && gos+=(go)
[ -x /usr/lib/go-1.19/bin/go ] && gos+=(/usr/lib/go-1.19/bin/go)
if [ ${#gos[@]} -eq 0 ]; then
	echo "skip - fresh (no Go toolchain)"
else
	for g in "${gos[@]}"; do
		if ! CROWD_OUT=$tmp/fresh bash "$top/tests/go/gen-crowd.sh" "$g" 2>"$tmp/gen.err"; then
			result "fresh: gen-crowd.sh $g" "$(cat "$tmp/gen.err")"
			continue
		fi
	done
	for d in "$tmp"/fresh/go*; do
		[ -d "$d" ] && check "fresh-$(basename "$d")" "$d"
	done
fi

# panicparse: its buckets are one per state, creator and whole stack (and
# argument values); stackcluster with the same key must find the very same
# groups of goroutine ids on every dump both read.
dumps=${SHARED:-$top/../shared}/testdata/goroutine-dumps
if ! command -v go >/dev/null 2>&1; then
	echo "skip - panicparse (no go on PATH)"
elif [ ! -d "$dumps" ]; then
	echo "skip - panicparse (no \$SHARED/testdata/goroutine-dumps)"
elif ! (cd "$top/tests/go/tools" && GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 \
	go build -o "$tmp/ppgroup" ./ppgroup) 2>"$tmp/build.err"; then
	echo "skip - panicparse (cannot build tests/go/tools/ppgroup: $(head -n 1 "$tmp/build.err"))"
else
	gzip -dc "$top/tests/fixtures/crowd/go1.26/goroutine.debug2.txt.gz" >"$tmp/crowd.txt"
	same=0 out=
	for f in "$tmp/crowd.txt" $(find "$dumps" -type f -name '*.txt' | sort); do
		grep -q '^goroutine [0-9]' "$f" || continue
		"$tmp/ppgroup" -similar value "$f" 2>/dev/null | cut -f2 | sort >"$tmp/pp"
		# panicparse gives up on a dump with a line it does not know;
		# stackcluster reports the line and groups the rest.
		[ -s "$tmp/pp" ] || continue
		stackcluster --state --depth=0 --trim=none --keep-recursion \
			--members=1000000 "$f" 2>/dev/null |
			jq -r 'select(.kind == "cluster") | .members | map(tostring) | join(",")' |
			sort >"$tmp/sc"
		case $f in
		*/runtime-stack__runtime-stack.txt)
			# Program output glued to the first header
			# ("...stacksgoroutine 1 [running]:"): panicparse does
			# not see goroutine 1, stackcluster does.
			awk '!($0 == "1" && !gone++)' "$tmp/sc" >"$tmp/sc2" &&
				mv "$tmp/sc2" "$tmp/sc" ;;
		esac
		if cmp -s "$tmp/pp" "$tmp/sc"; then
			same=$((same + 1))
		else
			out+="${f#"$dumps"/}: $(diffs "$tmp/pp" "$tmp/sc" | tr '\n' ' ')"$'\n'
		fi
	done
	result "panicparse: the same groups as its AnyValue buckets ($same dumps)" "$out"
fi
