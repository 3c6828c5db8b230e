#!/usr/bin/env bash
# gcycle.sh - gcycle finds exactly the goroutines that tests/go/fixtures/
# waitgraph leaves waiting on each other or stuck, and nothing healthy:
#
#   trace/goX.Y     the committed trace of each Go version: the pair, the
#                   ring, both lock-order inversions (cycles), the orphan
#                   and the WaitGroup waiter with its two workers (stuck)
#   dump/goX.Y      the committed debug=2 dump: only what the argument words
#                   show (the ring where Go prints its arguments, the
#                   inversions), never a healthy goroutine
#   leak/go1.26     Go's goroutine leak profile of the same run: what it
#                   marks leaked is what the trace shows, except the
#                   inversion on package-level mutexes, which it cannot see
#   records/...     the same answer through trace2ndjson and pprof2ndjson
#                   records (flat and interned), and from "edge" records
#   fresh/goX.Y     all of it again on a run made just now, when the Go
#                   toolchain is on the machine
#
# Protocol and environment: see tests/run.sh.
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
fix=$top/tests/fixtures/gcycle

if ! command -v gcycle >/dev/null 2>&1; then
	echo "skip - gcycle (not built)"
	exit 0
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "skip - gcycle (no jq: run make deps)"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# result NAME DETAILS (tests/lib.sh)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

# One line per finding: kind, cause, and the functions of main its
# goroutines are blocked in, sorted.  Goroutine ids differ between runs;
# what each goroutine runs does not.
signature() {
	jq -r '
		def fn: [.stack[]?.fn | select(startswith("main."))][0] // "?";
		if .kind == "cycle" then
			"cycle \([.members[] | fn] | sort | join(","))"
		elif .kind == "stuck" then
			"stuck \(.cause) \(fn)"
		else empty end' | sort
}

want_trace='cycle main.inverter,main.inverter
cycle main.inverter,main.inverter
cycle main.pingA,main.pingB
cycle main.ringMember,main.ringMember,main.ringMember
stuck waits on stuck main.wgWaiter
stuck waker exited main.orphan
stuck waker exited main.wgWorker
stuck waker exited main.wgWorker'

# check_trace NAME TRACE: the findings, their evidence and chains.
check_trace() {
	local name=$1 t=$2 out=$tmp/trace.ndjson got d
	if ! gcycle "$t" >"$out" 2>"$tmp/err"; then
		result "$name: runs" "gcycle failed: $(cat "$tmp/err")"
		return
	fi
	got=$(signature <"$out")
	result "$name: exactly the leaks" "$(diff <(echo "$want_trace") <(echo "$got"))"
	d=$(jq -r '
		select(.kind == "cycle") |
		(if .evidence != "trace unblock" then "cycle \(.members[0].goid): evidence \(.evidence)" else empty end),
		(if ([.edges[] | .from] | unique | length) != .size then "cycle \(.members[0].goid): a member waits on nobody" else empty end),
		(.members[] | select((.since_ns | type) != "number" or .wait_ns <= 0) | "member \(.goid): no since_ns/wait_ns"),
		(if (.members[0].state | test("^(chan receive|sync.Mutex.Lock)$")) | not then "cycle state \(.members[0].state)" else empty end)
	' "$out")
	result "$name: cycles carry trace evidence" "$d"
	d=$(jq -r -s '
		(map(select(.kind == "stuck")) | map({key: (.goid | tostring), value: .}) | from_entries) as $s |
		.[] | select(.kind == "stuck") |
		(if .cause == "waker exited" then
			(if (.chain | length) != 1 or .chain[0].state != "exited" or .root != .chain[0].goid
			 then "stuck \(.goid): chain \(.chain)" else empty end)
		 else
			(if .chain[0].evidence != "trace creation" or $s[.chain[0].goid | tostring].cause != "waker exited"
			 then "stuck \(.goid): the waiter does not wait on a stuck worker: \(.chain)" else empty end)
		 end)
	' "$out")
	result "$name: stuck chains end at the exited waker" "$d"
	# Severity order: cycles first, then stuck, most severe first.
	d=$(jq -r -s '[.[] | [(if .kind == "cycle" then 0 else 1 end), -.severity]] as $k |
		if $k != ($k | sort) then "not in severity order: \($k)" else empty end' "$out")
	result "$name: severity order" "$d"
}

# check_dump NAME DUMP WANT: only what argument words prove.
check_dump() {
	local name=$1 f=$2 want=$3 got
	if ! got=$(gcycle "$f" 2>"$tmp/err" | signature); then
		result "$name" "gcycle failed: $(cat "$tmp/err")"
		return
	fi
	result "$name" "$(diff <(echo "$want") <(echo "$got"))"
}

# check_leak DIR: compare with Go's leak profile of the same run.
check_leak() {
	local name=$1 dir=$2 d
	if ! gcycle "$dir/waitgraph.trace" >"$tmp/t.ndjson" 2>"$tmp/err" ||
		! gcycle "$dir/goroutineleak.debug2.txt" >"$tmp/l.ndjson" 2>>"$tmp/err"; then
		result "$name: runs" "gcycle failed: $(cat "$tmp/err")"
		return
	fi
	# The same run: the same goroutine ids.
	d=$(jq -r -s --slurpfile l "$tmp/l.ndjson" '
		def ids: [.[] | if .kind == "cycle" then .members[].goid else .goid end] | sort;
		def leaked: [.[] | if .kind == "cycle" then .members[] else . end | select(.leaked) | .goid] | sort;
		(ids) as $trace | ($l | leaked) as $go |
		($trace - $go) as $only_trace | ($go - $trace) as $only_go |
		([.[] | select(.kind == "cycle") | select([.members[].goid] == $only_trace)
		   | .members[] | [.stack[].fn] | select(index("main.inverter"))] | length) as $inv |
		(if ($go | length) != 11 then "Go marked \($go | length) goroutines leaked, not 11: \($go)" else empty end),
		(if $only_go != [] then "only Go finds \($only_go)" else empty end),
		(if ($only_trace | length) != 2 or $inv != 2 then
			"only the trace should find the inversion on package-level mutexes, not \($only_trace)" else empty end)
	' "$tmp/t.ndjson")
	result "$name: same leaks as Go's leak profile but the package-level mutexes" "$d"
	check_dump "$name: gcycle on the leak profile" "$dir/goroutineleak.debug2.txt" 'cycle main.inverter,main.inverter
cycle main.inverter,main.inverter
cycle main.ringMember,main.ringMember,main.ringMember
stuck leaked main.orphan
stuck leaked main.pingA
stuck leaked main.pingB
stuck leaked main.wgWaiter
stuck leaked main.wgWorker
stuck leaked main.wgWorker'
}

# check_records NAME DIR: the same through records.
check_records() {
	local name=$1 dir=$2 a b
	a=$(gcycle "$dir/waitgraph.trace" | signature)
	if command -v trace2ndjson >/dev/null 2>&1; then
		b=$(trace2ndjson "$dir/waitgraph.trace" | gcycle | signature)
		result "$name: trace2ndjson | gcycle" "$(diff <(echo "$a") <(echo "$b"))"
		b=$(trace2ndjson --intern --events=StateTransition "$dir/waitgraph.trace" | gcycle | signature)
		result "$name: trace2ndjson --intern | gcycle" "$(diff <(echo "$a") <(echo "$b"))"
	fi
	if command -v pprof2ndjson >/dev/null 2>&1; then
		a=$(gcycle "$dir/waitgraph.dump.txt" | signature)
		b=$(pprof2ndjson "$dir/waitgraph.dump.txt" | gcycle | signature)
		result "$name: pprof2ndjson dump | gcycle" "$(diff <(echo "$a") <(echo "$b"))"
	fi
	# The graph's own edges, fed back, give the same cycles.
	a=$(gcycle "$dir/waitgraph.trace" | jq -c 'select(.kind == "cycle") | [.members[].goid]' | sort)
	b=$(gcycle --edges "$dir/waitgraph.trace" | jq -c 'select(.kind == "edge")' | gcycle |
		jq -c 'select(.kind == "cycle") | [.members[].goid]' | sort)
	result "$name: --edges fed back" "$(diff <(echo "$a") <(echo "$b"))"
}

for v in go1.26 go1.19; do
	[ -d "$fix/$v" ] || {
		echo "not ok - $v fixtures missing"
		continue
	}
	check_trace "trace/$v" "$fix/$v/waitgraph.trace"
	check_records "records/$v" "$fix/$v"
done
check_dump "dump/go1.26" "$fix/go1.26/waitgraph.dump.txt" 'cycle main.inverter,main.inverter
cycle main.inverter,main.inverter
cycle main.ringMember,main.ringMember,main.ringMember'
# Go 1.19 prints the ring's arguments as 0x0?: only the mutexes show.
check_dump "dump/go1.19" "$fix/go1.19/waitgraph.dump.txt" 'cycle main.inverter,main.inverter
cycle main.inverter,main.inverter'
check_leak "leak/go1.26" "$fix/go1.26"

# Edge records given by hand: a cycle, a goroutine stuck behind it, and a
# healthy waiter (one of its wakers can run).
printf '%s\n' \
	'{"kind":"edge","from":1,"to":2,"reason":"chan send"}' \
	'{"kind":"edge","from":2,"to":3}' \
	'{"kind":"edge","from":3,"to":1}' \
	'{"kind":"edge","from":4,"to":1}' \
	'{"kind":"edge","from":5,"to":1}' \
	'{"kind":"edge","from":5,"to":6}' >"$tmp/edges.ndjson"
got=$(gcycle "$tmp/edges.ndjson" | jq -c '[.kind, (.members // [] | map(.goid)), .goid, .cause, .severity]')
want='["cycle",[1,2,3],null,null,4]
["stuck",[],4,"waits on cycle",1]'
result "edges given: a cycle, one stuck behind it" "$(diff <(echo "$want") <(echo "$got"))"
result "edges given: --min-size" "$(gcycle --min-size=4 "$tmp/edges.ndjson" | jq -r .kind | tr '\n' ' ' | grep -v '^cycle $')"

# Fresh runs with the Go toolchains on the machine.
for go in go /usr/lib/go-1.19/bin/go; do
	command -v "$go" >/dev/null 2>&1 || {
		echo "skip - fresh/$go (no such Go)"
		continue
	}
	v=$("$go" env GOVERSION 2>/dev/null | sed -n 's/^\(go[0-9]*\.[0-9]*\).*/\1/p')
	if ! bash "$top/tests/go/gen-waitgraph.sh" "$go" "$tmp/fresh-$v" 2>"$tmp/gen.err"; then
		result "fresh/$v: run" "$(cat "$tmp/gen.err")"
		continue
	fi
	check_trace "fresh/$v" "$tmp/fresh-$v/waitgraph.trace"
	if [ -f "$tmp/fresh-$v/goroutineleak.debug2.txt" ]; then
		check_leak "fresh/$v" "$tmp/fresh-$v"
	fi
done
exit 0
