#!/usr/bin/env bash
# oddleaks.sh - leaks of kinds the other fixtures do not make, written just
# now by tests/go/fixtures/oddleaks with each Go on the machine, checked
# against Go's own readers and against what the program itself parks:
#
#   goX/pprof NAME      pprof2ndjson's canon of goroutine.pb.gz, heap.pb.gz
#                       and heap-base.pb.gz equals google/pprof's
#                       (tests/go/tools/pprofcanon): labels from pprof.Do,
#                       inlined frames, generic functions
#   goX/forms           debug=2, debug=1 and protobuf give the same stacks
#   goX/labels          debug=1's "# labels:" lines equal the protobuf's
#   goX/clusters        stackcluster finds exactly the parked groups
#                       (nil select, sync.Cond, deep inlined recursion,
#                       labelled) in each form, with their creators in the
#                       dump and the trace
#   goX/panicparse      stackcluster groups the dump as panicparse does
#   goX/trace           trace2ndjson equals golang.org/x/exp/trace's events
#                       (tests/go/tools/tracecanon), goroutine states too
#   goX/gcycle          gcycle on the trace: every parked goroutine stuck
#   goX/heapdiff        heapdiff --key=leaf of heap-base to heap equals
#                       `go tool pprof -top -diff_base` per function
#   goX/render-dot      render-dot --folded's stacks summed by leaf equal
#                       `go tool pprof -top`'s flat per function
#   goX/leak profile    with GOEXPERIMENT=goroutineleakprofile (Go 1.26):
#                       gcycle's leaked goroutines are those Go's leak
#                       detector marks, its profile read as pprof reads it
#
# Needs go on PATH (skips without it).  Protocol and environment: see
# tests/run.sh.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BUILD:-$top/build}
src=$top/tests/go/fixtures/oddleaks/main.go

for p in pprof2ndjson trace2ndjson stackcluster gcycle heapdiff render-dot; do
	if ! command -v $p >/dev/null 2>&1; then
		echo "skip - oddleaks (no $p in \$BUILD/bin: run make)"
		exit 0
	fi
done
for p in jq python3; do
	if ! command -v $p >/dev/null 2>&1; then
		echo "skip - oddleaks (no $p)"
		exit 0
	fi
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# result, go_tools, go_versions (tests/lib.sh)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

go_tools "oddleaks" || exit 0

# What oddleaks/main.go says it parks.
const() { sed -n "s/^[[:space:]]*$1[[:space:]]*= \([0-9]*\)$/\1/p" "$src"; }
line() { grep -n -- "$1" "$src" | head -n 1 | cut -d: -f1; }
nils=$(const nilSelects) conds=$(const condWaiters)
deeps=$(const deepLeaks) labelled=$(const labelled)
l_nil=$(line 'select { // the nil select')
l_cond=$(line 'cond.Wait() // the cond wait')
l_deep=$(line '<-hold // the deep receive')
l_lab=$(line '<-hold // the labelled receive')
c_nil=$(line "go nilSelect(never, nil) // spawnNil's go")
c_cond=$(line "go condWait() // spawnCond's go")
c_deep=$(line "go recurse(depth) // spawnDeep's go")
c_lab=$(line "go labelledWait() // spawnLabelled's go")
for v in nils conds deeps labelled l_nil l_cond l_deep l_lab c_nil c_cond c_deep c_lab; do
	if [ -z "${!v}" ]; then
		echo "not ok - oddleaks/main.go: cannot find '$v'"
		exit 0
	fi
done
# "count<TAB>signature", largest first, with and without the creator.
printf '%s\n' \
	"$labelled	main.labelledWait@main.go:$l_lab <- go main.spawnLabelled.func1@main.go:$c_lab" \
	"$nils	main.nilSelect@main.go:$l_nil <- go main.spawnNil@main.go:$c_nil" \
	"$conds	main.condWait@main.go:$l_cond <- go main.spawnCond@main.go:$c_cond" \
	"$deeps	main.bottom@main.go:$l_deep <- go main.spawnDeep@main.go:$c_deep" \
	>"$tmp/want-creator"
sed 's/ <- go .*//' "$tmp/want-creator" >"$tmp/want-plain"
parked=$((nils + conds + deeps + labelled))

diffs() { diff "$1" "$2" | sed -n 's/^[<>] //p' | head -n 8; }

# clusters FILE: "count<TAB>signature" of the clusters at oddleaks' sites.
clusters() {
	stackcluster "$1" 2>&1 | jq -r 'select(.kind == "cluster") |
		select(.site.fn | IN("main.nilSelect", "main.condWait",
			"main.bottom", "main.labelledWait")) |
		"\(.count)\t\(.signature)"'
}

# canon NAME FILE: pprof2ndjson's canon of FILE equals pprofcanon's.
canon() {
	local d
	if ! pprof2ndjson "$2" 2>"$tmp/err" | jq -r -f "$top/tests/canon.jq" >"$tmp/ours.canon"; then
		result "$1" "pprof2ndjson or jq failed: $(head -n 3 "$tmp/err")"
		return
	fi
	if ! "$tools/pprofcanon" "$2" >"$tmp/oracle.canon" 2>"$tmp/err"; then
		result "$1" "pprofcanon failed: $(head -n 3 "$tmp/err")"
		return
	fi
	d=$(diff -u --label pprof --label ours "$tmp/oracle.canon" "$tmp/ours.canon" | sed -n '3,22p')
	[ -s "$tmp/ours.canon" ] || d="no samples"
	result "$1 ($(wc -l <"$tmp/ours.canon") lines)" "$d"
}

# labels FILE: "count half leak" per labelled sample, sorted.
labels() {
	pprof2ndjson "$1" | jq -r 'select(.kind == "sample" and .labels != null) |
		"\(.values.goroutine) \(.labels.half) \(.labels.leak)"' | sort
}

# pprof_flat and ours_flat: tests/lib.sh

mapfile -t gos < <(go_versions)
for g in "${gos[@]}"; do
	v=$("$g" env GOVERSION 2>/dev/null | sed -n 's/^\(go[0-9]*\.[0-9]*\).*/\1/p')
	[ -n "$v" ] || v=unknown
	d=$tmp/$v
	mkdir -p "$d"
	if ! (cd "$top/tests/go/fixtures" &&
		GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 "$g" build -o "$d/oddleaks" ./oddleaks) >"$tmp/gen.log" 2>&1 ||
		! "$d/oddleaks" -out "$d" >>"$tmp/gen.log" 2>&1; then
		result "$v: build and run oddleaks with $g" "$(tail -n 5 "$tmp/gen.log")"
		continue
	fi

	for f in goroutine.pb.gz heap-base.pb.gz heap.pb.gz; do
		canon "$v/pprof $f" "$d/$f"
	done

	out=$(python3 "$top/tests/goroutines-agree.py" "$d" 2>&1) || true
	case $out in
	"$((parked))"" goroutines in 4 stacks, all three agree") result "$v/forms: $out" "" ;;
	*) result "$v/forms: debug=2, debug=1 and protobuf, $parked goroutines in 4 stacks" "$out" ;;
	esac

	labels "$d/goroutine.pb.gz" >"$tmp/lab-pb"
	labels "$d/goroutine.debug1.txt" >"$tmp/lab-d1"
	printf '%s\n' "$((labelled / 2)) 0 labelled" "$((labelled - labelled / 2)) 1 labelled" >"$tmp/lab-want"
	result "$v/labels: pprof.Do's labels in protobuf and debug=1" \
		"$(diffs "$tmp/lab-want" "$tmp/lab-pb")$(diffs "$tmp/lab-pb" "$tmp/lab-d1")"

	out=
	for f in goroutine.debug2.txt oddleaks.trace; do
		clusters "$d/$f" >"$tmp/got"
		out+=$(diffs "$tmp/want-creator" "$tmp/got")
	done
	for f in goroutine.debug1.txt goroutine.pb.gz; do
		clusters "$d/$f" >"$tmp/got"
		out+=$(diffs "$tmp/want-plain" "$tmp/got")
	done
	result "$v/clusters: the four parked groups in all four forms" "$out"

	if (cd "$top/tests/go/tools" && GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 \
		go build -o "$tmp/ppgroup" ./ppgroup) 2>"$tmp/build.err"; then
		"$tmp/ppgroup" -similar value "$d/goroutine.debug2.txt" | cut -f2 | sort >"$tmp/pp"
		stackcluster --state --depth=0 --trim=none --keep-recursion --members=1000000 \
			"$d/goroutine.debug2.txt" |
			jq -r 'select(.kind == "cluster") | .members | map(tostring) | join(",")' |
			sort >"$tmp/sc"
		out=$(diffs "$tmp/pp" "$tmp/sc")
		[ -s "$tmp/pp" ] || out="panicparse found no goroutines"
		result "$v/panicparse: the same groups ($(wc -l <"$tmp/pp") buckets)" "$out"
	else
		echo "skip - $v/panicparse (cannot build ppgroup: $(head -n 1 "$tmp/build.err"))"
	fi

	if ! (cd "$d" && "$tools/tracecanon" oddleaks.trace) >"$d/oracle.ndjson" 2>"$tmp/err"; then
		result "$v/trace: Go's reader reads it" "$(head -n 3 "$tmp/err")"
	elif ! (cd "$d" && trace2ndjson oddleaks.trace) >"$d/ours.ndjson" 2>"$tmp/err"; then
		result "$v/trace: trace2ndjson reads it" "$(head -n 3 "$tmp/err")"
	else
		ties=
		case $(head -c 16 "$d/oddleaks.trace" | tr -d '\0') in
		"go 1."[5-9]" trace" | "go 1.1"[0-9]" trace" | "go 1.2"[01]" trace") ties=--ties ;;
		esac
		out=
		if ! cmp -s "$d/oracle.ndjson" "$d/ours.ndjson"; then
			# shellcheck disable=SC2086 # $ties is one option or none
			out=$(python3 "$top/tests/tracecheck.py" diff $ties "$d/oracle.ndjson" "$d/ours.ndjson")
		fi
		result "$v/trace: the events of golang.org/x/exp/trace ($(wc -l <"$d/ours.ndjson") events${ties:+, ties in one order})" "$out"
		python3 "$top/tests/tracecheck.py" gstates "$d/oracle.ndjson" >"$tmp/gs.oracle"
		python3 "$top/tests/tracecheck.py" gstates "$d/ours.ndjson" >"$tmp/gs.ours"
		result "$v/trace: goroutine states" "$(diffs "$tmp/gs.oracle" "$tmp/gs.ours")"
	fi

	n=$(gcycle "$d/oddleaks.trace" | jq -r 'select(.kind == "stuck") |
		.stack[] | select(.fn | IN("main.nilSelect", "main.condWait",
			"main.bottom", "main.labelledWait")) | .fn' | wc -l)
	result "$v/gcycle: the $parked parked goroutines are stuck in the trace" \
		"$([ "$n" -eq "$parked" ] || echo "$n stuck at oddleaks' sites")"

	out=
	for idx in inuse_space alloc_objects; do
		pprof_flat "$d/heap-base.pb.gz" "$d/heap.pb.gz" "$idx" >"$tmp/pprof.txt"
		ours_flat "$d/heap-base.pb.gz" "$d/heap.pb.gz" "$idx" >"$tmp/ours.txt"
		grep -q "^main\.grow\[" "$tmp/pprof.txt" || out+="$idx: pprof shows no main.grow[...]"$'\n'
		out+=$(diff -u --label pprof --label heapdiff "$tmp/pprof.txt" "$tmp/ours.txt" | sed -n '3,$p')
	done
	result "$v/heapdiff: generic allocations per function equal pprof -diff_base" "$out"

	# render-dot --folded: each stack's leaf summed equals pprof's flat
	# per function (';' in a generic shape's name is ':' in folded form).
	render-dot --folded --value=alloc_objects "$d/heap.pb.gz" 2>/dev/null |
		awk '{ v = $NF; $NF = ""; sub(/ $/, ""); n = split($0, a, ";"); s[a[n]] += v }
		     END { for (k in s) if (s[k]) print k " " s[k] }' | LC_ALL=C sort >"$tmp/folded.txt"
	go tool pprof -top -nodecount=100000000 -nodefraction=0 -sample_index=alloc_objects \
		"$d/heap.pb.gz" 2>/dev/null |
		awk '/^ *flat  *flat%/ { on = 1; next }
		     on && NF >= 6 { v = $1; if (v + 0 != 0) {
			$1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); sub(/ \(inline\)$/, "");
			gsub(/;/, ":"); print $0 " " v } }' | LC_ALL=C sort >"$tmp/flat.txt"
	out=$(diff -u --label pprof --label render-dot "$tmp/flat.txt" "$tmp/folded.txt" | sed -n '3,$p')
	grep -q "^main\.grow\[" "$tmp/flat.txt" || out+="pprof shows no main.grow[...]"
	result "$v/render-dot: folded stacks' leaves equal pprof's flat ($(wc -l <"$tmp/flat.txt") functions)" "$out"

	# Go's own leak detector, where the toolchain has the experiment:
	# gcycle's leaked goroutines are the ones Go marks, the nil selects.
	gl=$d/gl
	mkdir -p "$gl"
	if ! (cd "$top/tests/go/fixtures" && GOEXPERIMENT=goroutineleakprofile \
		GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 "$g" build -o "$gl/oddleaks" ./oddleaks) >/dev/null 2>&1; then
		echo "skip - $v/leak profile (no GOEXPERIMENT=goroutineleakprofile)"
		continue
	fi
	if ! "$gl/oddleaks" -out "$gl" >"$tmp/gen.log" 2>&1 || [ ! -f "$gl/goroutineleak.debug2.txt" ]; then
		result "$v/leak profile: oddleaks writes it" "$(tail -n 5 "$tmp/gen.log")"
		continue
	fi
	canon "$v/pprof goroutineleak.pb.gz" "$gl/goroutineleak.pb.gz"
	sed -n 's/^goroutine \([0-9]*\) \[.*(leaked).*\]:$/\1/p' "$gl/goroutineleak.debug2.txt" | sort -n >"$tmp/go-leaked"
	gcycle "$gl/goroutineleak.debug2.txt" | jq -r 'select(.kind == "stuck" and .cause == "leaked") | .goid' |
		sort -n >"$tmp/ours-leaked"
	n=$("$tools/pprofcanon" "$gl/goroutineleak.pb.gz" | awk -F'\t' 'NR > 1 { s += $1 } END { print s + 0 }')
	out=$(diffs "$tmp/go-leaked" "$tmp/ours-leaked")
	[ "$(wc -l <"$tmp/go-leaked")" -eq "$nils" ] || out+="Go marks $(wc -l <"$tmp/go-leaked") leaked, not the $nils nil selects"$'\n'
	[ "$n" -eq "$nils" ] || out+="Go's leak profile counts $n, not $nils"
	result "$v/leak profile: gcycle's leaked goroutines are the $nils Go marks" "$out"
done
exit 0
