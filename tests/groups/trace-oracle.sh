#!/usr/bin/env bash
# trace-oracle.sh - trace2ndjson against Go's own trace reader.
#
# The oracle is tests/go/tools/tracecanon: golang.org/x/exp/trace's
# ReadEvent loop printing every event in trace2ndjson's record format.
# Both must agree line for line:
#   DIR/NAME            committed tests/fixtures/trace/DIR/NAME.trace vs its
#                       committed NAME.oracle.ndjson.gz (or .oracle.sha256)
#   synth/NAME: text    a hand-written trace, synth/NAME.test (Go's txtar
#                       text form), converts by tests/tracetxt2bin.py to the
#                       committed synth/NAME.trace that the line above reads
#   shared/PATH         $SHARED/testdata/go-trace/PATH vs the committed
#                       tests/fixtures/trace/oracle-shared/PATH.oracle.*
#   fresh-go1.X         a trace written just now by tests/go/fixtures/tracer
#                       with each Go on this machine vs tracecanon run now
# and, for the Go-written ones, "goroutine states": the same goroutine ids
# end in the same states (tests/tracecheck.py gstates).
# Legacy traces (Go <= 1.21) are compared in tracecheck.py's "ties" form:
# Go's reader puts legacy events of equal time stamps in a random order
# (it walks a map of Ps) and then adds 1 ns to each tie, so two runs of Go
# itself differ there.  Their .oracle.sha256 digests are of that form.
# Environment (set by tests/run.sh): TOP, BUILD, SHARED; $BUILD/bin on PATH.
set -u

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BUILD:-$top/build}
shared=${SHARED:-$top/../shared}
check=$top/tests/tracecheck.py
fix=$top/tests/fixtures/trace

if ! command -v trace2ndjson >/dev/null 2>&1; then
	echo "skip - trace-oracle (no trace2ndjson in \$BUILD/bin: run make)"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "skip - trace-oracle (no python3)"
	exit 0
fi
t2n=$(command -v trace2ndjson)

# go_tools, go_versions (tests/lib.sh)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

tmp=$(mktemp -d) || {
	echo "not ok - trace-oracle: mktemp failed"
	exit 0
}
trap 'rm -rf "$tmp"' EXIT

indent() {
	cut -c1-300 | sed 's/^/  /'
}

# A tracecanon built by an earlier run turns digest mismatches into diffs.
tools=
[ -x "$build/go-tools/tracecanon" ] && tools=$build/go-tools

# ours DIR PATH: run trace2ndjson PATH inside DIR (so that src is PATH) into
# $tmp/ours.ndjson; on failure print the reason as detail lines.
ours() {
	local rc
	(cd "$1" && "$t2n" "$2") >"$tmp/ours.ndjson" 2>"$tmp/ours.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "  trace2ndjson exited $rc:"
		head -n 3 "$tmp/ours.err" | indent
		return 1
	fi
}

# gstates NAME ORACLE OURS [MIN_WAITING]: the goroutine final states agree
# (and at least MIN_WAITING goroutines end Waiting: the tracer's leaks).
gstates() {
	local name="$1: goroutine states" n
	python3 "$check" gstates "$2" >"$tmp/gs.oracle" 2>&1
	python3 "$check" gstates "$3" >"$tmp/gs.ours" 2>&1
	if ! cmp -s "$tmp/gs.oracle" "$tmp/gs.ours"; then
		echo "not ok - $name"
		echo "  $(wc -l <"$tmp/gs.oracle") goroutines in the oracle, $(wc -l <"$tmp/gs.ours") in ours; first differences (ID STATE):"
		diff "$tmp/gs.oracle" "$tmp/gs.ours" | grep '^[<>]' | head -n 6 | indent
		return
	fi
	n=$(grep -c ' Waiting$' "$tmp/gs.ours")
	if [ -n "${4:-}" ] && [ "$n" -lt "$4" ]; then
		echo "not ok - $name"
		echo "  only $n goroutines end Waiting; the tracer leaves at least $4 blocked"
		return
	fi
	echo "ok - $name ($(wc -l <"$tmp/gs.ours") goroutines, $n end Waiting)"
}

# legacy TRACE: the trace is in a legacy format (Go 1.5-1.21).
legacy() {
	case $(head -c 16 "$1" | tr -d '\0') in
	"go 1."[5-9]" trace" | "go 1.1"[0-9]" trace" | "go 1.2"[01]" trace") return 0 ;;
	esac
	return 1
}

# compare NAME ORACLE TRACE [LIVE]: $tmp/ours.ndjson against ORACLE, which
# is a .oracle.ndjson.gz, a .oracle.sha256 ("SHA256 LINES") or a plain
# file; TRACE tells legacy from current.  LIVE: the shared pool path, for
# tracecanon when a digest differs.
compare() {
	local name=$1 oracle=$2 trace=$3 live=${4:-} want got ties=
	legacy "$trace" && ties=--ties
	case $oracle in
	*.sha256)
		want=$(cut -d' ' -f1 <"$oracle")
		if [ -n "$ties" ]; then
			got=$(python3 "$check" ties "$tmp/ours.ndjson" | sha256sum | cut -d' ' -f1)
		else
			got=$(sha256sum <"$tmp/ours.ndjson" | cut -d' ' -f1)
		fi
		if [ "$want" = "$got" ]; then
			echo "ok - $name"
			return
		fi
		echo "not ok - $name"
		echo "  digest differs: oracle $(cut -d' ' -f2 <"$oracle") lines, ours $(wc -l <"$tmp/ours.ndjson" | tr -d ' ')"
		if [ -n "$tools" ] && [ -n "$live" ] &&
			(cd "${live%%/go-trace/*}" && "$tools/tracecanon" "go-trace/${live#*/go-trace/}") >"$tmp/oracle.ndjson" 2>/dev/null; then
			python3 "$check" diff $ties "$tmp/oracle.ndjson" "$tmp/ours.ndjson" | indent
		else
			echo "  (for a diff: tests/go/build-tools.sh \$BUILD/go-tools, then rerun)"
		fi
		return
		;;
	*.gz) gzip -dc <"$oracle" >"$tmp/oracle.ndjson" ;;
	*) cp "$oracle" "$tmp/oracle.ndjson" ;;
	esac
	if cmp -s "$tmp/oracle.ndjson" "$tmp/ours.ndjson" ||
		{ [ -n "$ties" ] && python3 "$check" diff --ties "$tmp/oracle.ndjson" "$tmp/ours.ndjson" >/dev/null; }; then
		echo "ok - $name ($(wc -l <"$tmp/ours.ndjson" | tr -d ' ') events${ties:+, ties in one order})"
	else
		echo "not ok - $name"
		python3 "$check" diff $ties "$tmp/oracle.ndjson" "$tmp/ours.ndjson" | indent
	fi
}

# (a) committed fixtures, run from the top so that src is the relative path.
found=0
for f in "$fix"/*/*.trace; do
	[ -e "$f" ] || continue
	rel=${f#"$top"/}
	name=${rel#tests/fixtures/trace/}
	name=${name%.trace}
	oracle=
	for o in "${f%.trace}.oracle.ndjson.gz" "${f%.trace}.oracle.sha256"; do
		[ -f "$o" ] && oracle=$o
	done
	found=1
	if [ -z "$oracle" ]; then
		echo "not ok - $name"
		echo "  no committed oracle (regenerate: tests/go/gen-traces.sh --oracles-only)"
		continue
	fi
	if ! detail=$(ours "$top" "$rel"); then
		echo "not ok - $name"
		printf '%s\n' "$detail"
		continue
	fi
	compare "$name" "$oracle" "$f"
	case $oracle in
	*.gz)
		min=
		case $name in go1.*/tracer) min=12 ;; esac
		gstates "$name" "$oracle" "$tmp/ours.ndjson" $min
		;;
	esac
done
[ $found = 1 ] || echo "skip - trace fixtures (none committed under tests/fixtures/trace)"

for t in "$fix"/synth/*.test; do
	[ -e "$t" ] || continue
	name=synth/$(basename "$t" .test)
	if python3 "$top/tests/tracetxt2bin.py" "$t" "$tmp/synth.trace" 2>"$tmp/conv.err" &&
		cmp -s "$tmp/synth.trace" "${t%.test}.trace"; then
		echo "ok - $name: the .trace is tracetxt2bin.py's conversion of the .test"
	else
		echo "not ok - $name: the .trace is tracetxt2bin.py's conversion of the .test"
		indent <"$tmp/conv.err"
		echo "  (regenerate: tests/go/gen-traces.sh --oracles-only)"
	fi
done

# (b) the shared pool, run from $SHARED/testdata so that src is go-trace/PATH.
oshared=$fix/oracle-shared
if [ ! -d "$shared/testdata/go-trace" ]; then
	echo "skip - shared traces (no $shared/testdata/go-trace)"
else
	while IFS= read -r oracle; do
		rel=${oracle#"$oshared"/}
		rel=${rel%.oracle.sha256}
		rel=${rel%.oracle.ndjson.gz}
		if [ ! -f "$shared/testdata/go-trace/$rel" ]; then
			echo "skip - shared/$rel (not in $shared/testdata/go-trace)"
			continue
		fi
		if ! detail=$(ours "$shared/testdata" "go-trace/$rel"); then
			echo "not ok - shared/$rel"
			printf '%s\n' "$detail"
			continue
		fi
		compare "shared/$rel" "$oracle" "$shared/testdata/go-trace/$rel" "$shared/testdata/go-trace/$rel"
	done < <(find "$oshared" -type f -name '*.oracle.*' 2>/dev/null | LC_ALL=C sort)
fi

# (c) fresh traces from the Go toolchains on this machine.
go_tools "fresh traces" || exit 0

mapfile -t gos < <(go_versions)
for g in "${gos[@]}"; do
	v=$("$g" env GOVERSION 2>/dev/null | sed -n 's/^\(go[0-9]*\.[0-9]*\).*/\1/p')
	[ -n "$v" ] || v=unknown
	name=fresh-$v
	mkdir -p "$tmp/$name"
	if ! (cd "$top/tests/go/fixtures/tracer" &&
		GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 "$g" build -o "$tmp/$name/tracer" .) >"$tmp/gen.log" 2>&1 ||
		! "$tmp/$name/tracer" -o "$tmp/$name/tracer.trace" >>"$tmp/gen.log" 2>&1; then
		echo "not ok - $name: build and run tests/go/fixtures/tracer with $g"
		tail -n 5 "$tmp/gen.log" | indent
		continue
	fi
	if ! (cd "$tmp/$name" && "$tools/tracecanon" tracer.trace) >"$tmp/$name/oracle.ndjson" 2>"$tmp/gen.log"; then
		echo "not ok - $name: Go's reader rejects the tracer's trace"
		indent <"$tmp/gen.log"
		continue
	fi
	if ! detail=$(ours "$tmp/$name" tracer.trace); then
		echo "not ok - $name"
		printf '%s\n' "$detail"
		continue
	fi
	compare "$name" "$tmp/$name/oracle.ndjson" "$tmp/$name/tracer.trace"
	gstates "$name" "$tmp/$name/oracle.ndjson" "$tmp/ours.ndjson" 12
done
exit 0
