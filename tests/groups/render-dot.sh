#!/usr/bin/env bash
# render-dot.sh - render-dot's graphs checked against go tool pprof and
# Graphviz, and its folded stacks against the profiles' totals.
#
#   graphviz/...  the real dot(1) renders every golden DOT output of
#                 tests/cli/render-dot and a fresh graph of every committed
#                 profile without a warning or an error
#   top/...       (go on PATH) every node's flat and cum equal
#                 `go tool pprof -top -cum` on the same profile, unpruned
#   pruned/...    (go on PATH) the default graph keeps the nodes and edges
#                 `go tool pprof -dot` keeps
#   ndjson/...    the graph from pprof2ndjson records (flat and interned)
#                 is the graph from the profile itself, byte for byte
#   folded/...    the folded stacks sum to the profile's total (computed
#                 with jq from pprof2ndjson), a heapdiff's to its totals
#
# Protocol and environment: see tests/run.sh.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
fix=$top/tests/fixtures
here=$top/tests/render-dot

for t in render-dot pprof2ndjson jq python3; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "skip - render-dot ($t missing: run make, make deps)"
		exit 0
	fi
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# result NAME DETAILS (tests/lib.sh)
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

profiles=$(cd "$fix" && ls go1.*/*.pb.gz)

# graphviz: dot renders it, and says nothing.
gv() {
	dot -Tsvg -o /dev/null "$1" 2>&1 || echo "dot exited $?"
}
if command -v dot >/dev/null 2>&1; then
	d=""
	n=0
	for g in "$top"/tests/cli/render-dot/*.stdout; do
		[ -f "$g" ] || continue
		head -c 7 "$g" | grep -q '^digraph' || continue
		n=$((n + 1))
		e=$(gv "$g")
		[ -z "$e" ] || d="$d$(basename "$g"): $e"$'\n'
	done
	[ "$n" -gt 0 ] || d="no golden DOT outputs found"
	result "graphviz: dot renders the $n golden outputs cleanly" "$d"
	d=""
	for p in $profiles; do
		render-dot "$fix/$p" >"$tmp/g.dot" 2>"$tmp/err" || d="$d$p: render-dot failed: $(cat "$tmp/err")"$'\n'
		e=$(gv "$tmp/g.dot")
		[ -z "$e" ] || d="$d$p: $e"$'\n'
		render-dot --nodecount=0 --nodefraction=0 "$fix/$p" >"$tmp/g.dot" 2>/dev/null
		e=$(gv "$tmp/g.dot")
		[ -z "$e" ] || d="$d$p (all nodes): $e"$'\n'
	done
	result "graphviz: dot renders the graph of every committed profile cleanly" "$d"
else
	echo "skip - graphviz (no dot: run make deps)"
fi

# top/ and pruned/: against go tool pprof (each Go on the machine).
gos=""
command -v go >/dev/null 2>&1 && gos="go"
[ -x /usr/lib/go-1.19/bin/go ] && gos="$gos /usr/lib/go-1.19/bin/go"
[ -n "$gos" ] || echo "skip - top, pruned (no go on PATH)"
for g in $gos; do
	gv_=$($g env GOVERSION 2>/dev/null || echo go)
	d=""
	dp=""
	for p in $profiles; do
		unit=$(pprof2ndjson --headers-only "$fix/$p" | jq -r '
			.default_sample_type as $d
			| (.sample_types[] | select(.type == $d) | .unit) // ""')
		case $unit in
		bytes) u=-unit=byte ;;
		nanoseconds) u=-unit=ns ;;
		*) u= ;;
		esac
		# shellcheck disable=SC2086
		if ! $g tool pprof -top -cum -nodecount=0 -nodefraction=0 $u \
			"$fix/$p" >"$tmp/top.txt" 2>"$tmp/err"; then
			d="$d$p: pprof failed: $(head -n 2 "$tmp/err")"$'\n'
			continue
		fi
		render-dot --nodecount=0 --nodefraction=0 --edgefraction=0 \
			"$fix/$p" >"$tmp/all.dot"
		e=$(python3 "$here/topcheck.py" "$tmp/all.dot" "$tmp/top.txt")
		[ -z "$e" ] || d="$d$p: $e"$'\n'
		# The unpruned graph draws every node pprof lists.
		nt=$(grep -cE '^ *-?[0-9]' "$tmp/top.txt")
		no=$(grep -cE '^f[0-9a-f]{16} \[' "$tmp/all.dot")
		[ "$nt" = "$no" ] || d="$d$p: $no nodes, pprof -top lists $nt"$'\n'
		if $g tool pprof -dot "$fix/$p" >"$tmp/p.dot" 2>/dev/null; then
			render-dot "$fix/$p" >"$tmp/m.dot"
			e=$(python3 "$here/dotcheck.py" "$tmp/m.dot" "$tmp/p.dot")
			[ -z "$e" ] || dp="$dp$p: $e"$'\n'
		fi
	done
	result "top/$gv_: every node's flat and cum equal go tool pprof -top -cum" "$d"
	result "pruned/$gv_: the default graph keeps pprof -dot's nodes and edges" "$dp"
done

# ndjson/: records in, the same graph out.
d=""
for p in $profiles; do
	render-dot "$fix/$p" >"$tmp/a.dot" 2>&1
	pprof2ndjson "$fix/$p" | render-dot >"$tmp/b.dot" 2>&1
	pprof2ndjson --intern "$fix/$p" | render-dot >"$tmp/c.dot" 2>&1
	# The legend names the input: stdin here, the file there.
	for x in b c; do
		if ! cmp -s "$tmp/a.dot" "$tmp/$x.dot"; then
			d="$d$p ($x): $(diff "$tmp/a.dot" "$tmp/$x.dot" | head -n 4)"$'\n'
		fi
	done
done
result "ndjson: the graph from records (flat, interned) is the graph from the profile" "$d"

# folded/: every stack once, summing to the total.
d=""
for p in $profiles go1.26/goroutine.debug2.txt go1.19/goroutine.debug2.txt \
	go1.26/heap.debug1.txt; do
	want=$(pprof2ndjson "$fix/$p" | jq -n '
		reduce inputs as $r ({t: null, s: 0};
			if $r.kind == "profile" then
				.t //= ($r.default_sample_type // $r.sample_types[-1].type)
			elif $r.kind == "sample" then .s += ($r.values[.t] | fabs)
			elif $r.kind == "goroutine" then .s += 1
			else . end) | .s')
	render-dot --folded "$fix/$p" >"$tmp/f.txt" 2>"$tmp/err"
	got=$(awk '{ s += ($NF < 0 ? -$NF : $NF) } END { printf "%d", s }' "$tmp/f.txt")
	[ "$want" = "$got" ] || d="$d$p: folded stacks sum to $got, the profile to $want"$'\n'
	bad=$(grep -cvE '^[^ ].* -?[0-9]+$' "$tmp/f.txt")
	[ "$bad" = 0 ] || d="$d$p: $bad lines not 'frame;...;leaf value'"$'\n'
done
result "folded: per-stack values sum to each profile's total" "$d"

a=$fix/go1.26/heap.1.pb.gz b=$fix/go1.26/heap.4.pb.gz
if command -v heapdiff >/dev/null 2>&1; then
	heapdiff "$a" "$b" >"$tmp/diff.ndjson"
	want=$(jq -r 'select(.kind == "heapdiff") | "\(.base.total) \(.new.total)"' "$tmp/diff.ndjson")
	got=$(render-dot --folded "$tmp/diff.ndjson" |
		awk '{ b += $(NF-1); n += $NF } END { printf "%d %d", b, n }')
	d=""
	[ "$want" = "$got" ] || d="folded base/new sums $got, heapdiff's totals $want"
	result "folded: a heapdiff's two columns sum to its base and new totals" "$d"
fi
