#!/usr/bin/env bash
# trace-pool.sh - trace2ndjson on every file of the shared trace pool
# ($SHARED/testdata/go-trace, see its INDEX.md), with the outcomes Go's own
# tests expect (spec go-execution-trace.md, section C):
#   tracetxt2bin             tests/tracetxt2bin.py turns the text tests into
#                            exactly the pool's binary conversions
#   legacy/NAME              every legacy *_good file (Go 1.5-1.21) decodes
#   stress_1_5_unordered     fails with "time stamps out of order"
#   tests/NAME               the 22 x/exp text tests, converted by
#                            tracetxt2bin.py: SUCCESS decodes, FAILURE exits
#                            65 with an error matching the test's regexp
#   sync/go123, sync/go125   TestTraceGenSync's Sync times and clocks
#   cmd-trace/go122          cmd/trace's go122.test, converted, decodes
#   wild                     every real-world trace decodes
#   fuzz/*                   fuzz corpora: exit 0 or 65, no signal or hang,
#                            valid records
#   corrupted                TestCorruptedInputs' byte strings are rejected
# Environment (set by tests/run.sh): TOP, BUILD, SHARED; $BUILD/bin on PATH.
# The verdicts are called through report, which shellcheck cannot follow.
# shellcheck disable=SC2317
set -u

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
shared=${SHARED:-$top/../shared}
pool=$shared/testdata/go-trace
check=$top/tests/tracecheck.py
txt2bin=$top/tests/tracetxt2bin.py

if [ ! -d "$pool" ]; then
	echo "skip - trace-pool (no $pool)"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "skip - trace-pool (no python3)"
	exit 0
fi
tmp=$(mktemp -d) || {
	echo "not ok - trace-pool: mktemp failed"
	exit 0
}
trap 'rm -rf "$tmp"' EXIT

indent() {
	cut -c1-300 | sed 's/^/  /'
}

# The converter first: it needs no trace2ndjson.
bad=
for t in "$pool"/golang-exp/tests/*.test; do
	b=$(basename "$t" .test)
	if ! python3 "$txt2bin" "$t" "$tmp/$b.trace" 2>"$tmp/conv.err"; then
		bad="$bad$b: $(head -n 1 "$tmp/conv.err")"$'\n'
	elif ! cmp -s "$tmp/$b.trace" "$pool/golang-exp/tests-binary/$b.trace"; then
		bad="$bad$b: $(cmp "$tmp/$b.trace" "$pool/golang-exp/tests-binary/$b.trace" 2>&1 | head -n 1)"$'\n'
	fi
done
if ! python3 "$txt2bin" "$pool/golang-go/cmd-trace-testdata/go122.test" "$tmp/go122.trace" 2>"$tmp/conv.err"; then
	bad="${bad}go122: $(head -n 1 "$tmp/conv.err")"$'\n'
elif ! cmp -s "$tmp/go122.trace" "$pool/golang-go/cmd-trace-testdata/go122.trace"; then
	bad="${bad}go122: $(cmp "$tmp/go122.trace" "$pool/golang-go/cmd-trace-testdata/go122.trace" 2>&1 | head -n 1)"$'\n'
fi
n=$(find "$pool"/golang-exp/tests -name '*.test' | wc -l)
if [ -z "$bad" ] && [ "$n" -eq 22 ]; then
	echo "ok - tracetxt2bin: the $n x/exp tests and cmd/trace's go122 give the pool's bytes"
else
	echo "not ok - tracetxt2bin: the x/exp tests ($n of 22 found) and cmd/trace's go122 give the pool's bytes"
	printf '%s' "$bad" | head -n 10 | indent
fi

if ! command -v trace2ndjson >/dev/null 2>&1; then
	echo "skip - trace-pool (no trace2ndjson in \$BUILD/bin: run make)"
	exit 0
fi

# run FILE: trace2ndjson FILE under a 10 s timeout; sets $rc, writes
# $tmp/out and $tmp/err.
run() {
	timeout 10 trace2ndjson "$1" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# verdict_ok: exit 0, nothing on stderr, valid records, a Sync first and last.
verdict_ok() {
	if [ "$rc" -ne 0 ]; then
		echo "  exit $rc:"
		head -n 2 "$tmp/err" | indent
		return 1
	fi
	if [ -s "$tmp/err" ]; then
		echo "  stderr is not empty:"
		head -n 2 "$tmp/err" | indent
		return 1
	fi
	python3 "$check" jsonl "$tmp/out" | indent
	[ "${PIPESTATUS[0]}" -eq 0 ] || return 1
	if ! head -n 1 "$tmp/out" | grep -q '"t":0,"ev":"Sync".*"n":1[,}]' ||
		! tail -n 1 "$tmp/out" | grep -q '"ev":"Sync"'; then
		echo "  the records do not start with Sync 1 at t 0 and end with a Sync"
		return 1
	fi
}

# verdict_fails REGEXP: exit 65, one stderr line "trace2ndjson: ..."
# matching REGEXP (Python syntax, searched), valid records before it.
verdict_fails() {
	if [ "$rc" -ne 65 ]; then
		echo "  exit $rc, want 65; stderr:"
		head -n 2 "$tmp/err" | indent
		return 1
	fi
	if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q '^trace2ndjson: ' "$tmp/err"; then
		echo "  want one stderr line 'trace2ndjson: SRC: ...', have:"
		head -n 3 "$tmp/err" | indent
		return 1
	fi
	if ! python3 -c 'import re, sys; sys.exit(0 if re.search(sys.argv[1], open(sys.argv[2]).read()) else 1)' "$1" "$tmp/err"; then
		echo "  the error does not match /$1/:"
		indent <"$tmp/err"
		return 1
	fi
	python3 "$check" jsonl "$tmp/out" | indent
	[ "${PIPESTATUS[0]}" -eq 0 ]
}

# report NAME VERDICT...: run a verdict and print the test line.
report() {
	local name=$1 detail
	shift
	if detail=$("$@"); then
		echo "ok - $name"
	else
		echo "not ok - $name"
		printf '%s\n' "$detail"
	fi
}

# Legacy *_good files of every version.
for f in "$pool"/golang-go/internal-trace-testdata/*_good "$pool"/golang-go/tracev1-testdata/*_good \
	"$pool"/gotraceui/legacy/*_good; do
	[ -e "$f" ] || continue
	run "$f"
	report "legacy/$(basename "$f") ($(head -c 16 "$f" | tr -d '\0'))" verdict_ok
done
f=$pool/golang-go/internal-trace-testdata/stress_1_5_unordered
if [ -f "$f" ]; then
	run "$f"
	report "legacy/stress_1_5_unordered fails: time stamps out of order" verdict_fails 'time stamps out of order'
fi

# The x/exp text tests, through our converter.
for t in "$pool"/golang-exp/tests/*.test; do
	b=$(basename "$t" .test)
	expect=$(python3 "$txt2bin" --expect "$t")
	if ! python3 "$txt2bin" "$t" "$tmp/t.trace" 2>"$tmp/conv.err"; then
		echo "not ok - tests/$b"
		indent <"$tmp/conv.err"
		continue
	fi
	run "$tmp/t.trace"
	case $expect in
	SUCCESS) report "tests/$b: SUCCESS" verdict_ok ;;
	FAILURE\ *)
		re=$(python3 -c 'import ast, sys; print(ast.literal_eval(sys.argv[1][len("FAILURE "):]))' "$expect")
		report "tests/$b: $expect" verdict_fails "$re"
		;;
	*) echo "not ok - tests/$b: unknown expectation '$expect'" ;;
	esac
done

# TestTraceGenSync: Sync times and clock snapshots.  Go's test states
# absolute times (ns): go123-sync 10 40 60 63; go125-sync 9 38 58 83 with
# snapshots (trace time, mono, wall) (10, 99, ...:09.000000123),
# (40, 199, ...:10.000000123), (60, 299, ...:11.000000123), none on the
# last.  Our t is relative to the first Sync, so subtract 10 and 9.
syncs() {
	local b=$1 want=$2
	if ! python3 "$txt2bin" "$pool/golang-exp/tests/$b.test" "$tmp/s.trace"; then
		echo "  tracetxt2bin.py failed"
		return 1
	fi
	run "$tmp/s.trace"
	verdict_ok || return 1
	python3 "$check" syncs "$tmp/out" >"$tmp/syncs"
	if [ "$(cat "$tmp/syncs")" != "$want" ]; then
		echo "  want (N T CLOCK_T MONO WALL):"
		printf '%s\n' "$want" | indent
		echo "  have:"
		indent <"$tmp/syncs"
		return 1
	fi
}
report "sync/go123: Sync t 0 30 50 53, no clock" syncs go123-sync "1 0
2 30
3 50
4 53"
report "sync/go125: Sync t 0 29 49 74, clocks 1/99, 31/199, 51/299" syncs go125-sync \
	"1 0 1 99 2025-02-28T15:04:09.000000123Z
2 29 31 199 2025-02-28T15:04:10.000000123Z
3 49 51 299 2025-02-28T15:04:11.000000123Z
4 74"

# cmd/trace's text trace of a real program.
if python3 "$txt2bin" "$pool/golang-go/cmd-trace-testdata/go122.test" "$tmp/go122.trace" 2>"$tmp/conv.err"; then
	run "$tmp/go122.trace"
	report "cmd-trace/go122.test decodes" verdict_ok
else
	echo "not ok - cmd-trace/go122.test decodes"
	indent <"$tmp/conv.err"
fi

# Real-world traces.
bad="" n=0
while IFS= read -r f; do
	n=$((n + 1))
	run "$f"
	if ! detail=$(verdict_ok); then
		bad="$bad${f#"$pool"/}"$'\n'"$detail"$'\n'
	fi
done < <(find "$pool/wild" -type f | LC_ALL=C sort)
if [ -z "$bad" ]; then
	echo "ok - wild: all $n real-world traces decode"
else
	echo "not ok - wild: all $n real-world traces decode"
	printf '%s' "$bad" | head -n 12 | indent
fi

# Fuzz corpora: no crash, no hang, clean errors, valid records.
fuzz() {
	local dir=$1 f bad="" n=0 ok=0
	for f in "$dir"/*.bin; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		run "$f"
		case $rc in
		0) ok=$((ok + 1)) ;;
		65)
			if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q '^trace2ndjson: ' "$tmp/err"; then
				bad="$bad$(basename "$f"): not one 'trace2ndjson: ' line on stderr"$'\n'
				continue
			fi
			;;
		124)
			bad="$bad$(basename "$f"): still running after 10 s"$'\n'
			continue
			;;
		*)
			bad="$bad$(basename "$f"): exit $rc: $(head -n 1 "$tmp/err")"$'\n'
			continue
			;;
		esac
		python3 "$check" jsonl "$tmp/out" >/dev/null ||
			bad="$bad$(basename "$f"): invalid records"$'\n'
	done
	if [ -z "$bad" ] && [ $n -gt 0 ]; then
		echo "$n inputs, $ok decoded, $((n - ok)) rejected cleanly" >"$tmp/fuzz.sum"
		return 0
	fi
	echo "  $n inputs:"
	printf '%s' "$bad" | head -n 8 | indent
	return 1
}
for d in golang-exp/fuzz/FuzzReader-decoded gotraceui/fuzz/FuzzLoadTrace-decoded; do
	if detail=$(fuzz "$pool/$d"); then
		echo "ok - fuzz/$d: $(cat "$tmp/fuzz.sum" 2>/dev/null)"
	else
		echo "not ok - fuzz/$d"
		printf '%s\n' "$detail"
	fi
done

# --events=KINDS tells the decoder which kinds it may skip building: the
# records must be the full output's records of those kinds, and a broken
# trace must fail the same way (the skipped events are still checked).
# Over every trace here: the converted x/exp tests (failures too), the
# real-world traces and the fuzz corpora.
events_same() {
	local f=$1 k re full_rc
	timeout 10 trace2ndjson "$f" >"$tmp/full" 2>"$tmp/full.err"
	full_rc=$?
	for k in Sync StateTransition Range Log,Metric Task,Region,Label; do
		re='"t":-?[0-9]+,"ev":"('$(printf '%s' "$k" | sed 's/Range/Range(Begin|Active|End)/; s/Task/Task(Begin|End)/; s/Region/Region(Begin|End)/; s/,/|/g')')"'
		timeout 10 trace2ndjson --events="$k" "$f" >"$tmp/ev" 2>"$tmp/ev.err"
		rc=$?
		grep -E "$re" "$tmp/full" >"$tmp/want"
		if [ $rc -ne $full_rc ] || ! cmp -s "$tmp/ev" "$tmp/want" ||
			! cmp -s "$tmp/ev.err" "$tmp/full.err"; then
			echo "  ${f#"$pool"/} --events=$k: exit $rc (full: $full_rc), $(wc -l <"$tmp/ev") records (want $(wc -l <"$tmp/want"))"
			return 1
		fi
	done
}
bad="" n=0
for t in "$pool"/golang-exp/tests/*.test; do
	python3 "$txt2bin" "$t" "$tmp/$(basename "$t" .test).trace" 2>/dev/null
done
# Two traces broken only in their tables: a GoSyscallBegin with a stack
# and a GoBlock with a reason string that the generation does not have.
for bad_id in "GoSyscallBegin dt=1 p_seq=1 stack=5" "GoBlock dt=1 reason_string=3 stack=0"; do
	name=bad-${bad_id%% *}
	printf '%s\n' "Trace Go1.22" "EventBatch gen=1 m=0 time=0 size=13" \
		"ProcStatus dt=1 p=0 pstatus=1" "GoStatus dt=1 g=1 m=0 gstatus=2" "$bad_id" \
		"EventBatch gen=1 m=18446744073709551615 time=0 size=5" "Frequency freq=15625000" \
		"EventBatch gen=1 m=18446744073709551615 time=0 size=1" "Stacks" \
		"EventBatch gen=1 m=18446744073709551615 time=0 size=1" "Strings" >"$tmp/$name.txt"
	python3 "$txt2bin" "$tmp/$name.txt" "$tmp/$name.trace" || bad="$bad$name: tracetxt2bin.py failed"$'\n'
	timeout 10 trace2ndjson "$tmp/$name.trace" >/dev/null 2>"$tmp/err"
	rc=$?
	grep -q "found invalid $(case $name in *Block) echo string ;; *) echo stack ;; esac) ID" "$tmp/err" && [ $rc -eq 65 ] ||
		bad="$bad$name: exit $rc, want 65 and an invalid ID: $(head -n 1 "$tmp/err")"$'\n'
done
while IFS= read -r f; do
	n=$((n + 1))
	detail=$(events_same "$f") || bad="$bad$detail"$'\n'
done < <(find "$tmp" -maxdepth 1 -name '*.trace' | LC_ALL=C sort
	find "$pool/wild" "$pool"/golang-exp/fuzz/FuzzReader-decoded "$pool"/gotraceui/fuzz/FuzzLoadTrace-decoded -type f | LC_ALL=C sort)
if [ -z "$bad" ] && [ $n -gt 40 ]; then
	echo "ok - events: --events gives the full output's records of its kinds and the same error, on all $n traces"
else
	echo "not ok - events: --events gives the full output's records of its kinds and the same error ($n traces)"
	printf '%s' "$bad" | head -n 12 | indent
fi

# TestCorruptedInputs (Go <= 1.22 parser_test.go), bare and after a valid
# go 1.5 header: each must be rejected with exit 65.
bad="" n=0
for i in 0 1 2 3 4 5 6 7; do
	n=$((n + 1))
	python3 -c 'import sys
bodies = [b"gotrace\x00\x020", b"gotrace\x00Q00\x020", b"gotrace\x00T00\x020", b"gotrace\x00\xc3\x0200"]
i = int(sys.argv[1])
sys.stdout.buffer.write((b"go 1.5 trace\x00\x00\x00\x00" if i >= 4 else b"") + bodies[i % 4])' "$i" >"$tmp/c.trace"
	run "$tmp/c.trace"
	if [ $rc -ne 65 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
		bad="$bad$(od -An -c "$tmp/c.trace" | tr -s ' ' | head -n 1): exit $rc: $(head -n 1 "$tmp/err")"$'\n'
	fi
done
if [ -z "$bad" ]; then
	echo "ok - corrupted: the $n inputs of Go's TestCorruptedInputs exit 65 with one error line"
else
	echo "not ok - corrupted: the $n inputs of Go's TestCorruptedInputs exit 65 with one error line"
	printf '%s' "$bad" | indent
fi
exit 0
