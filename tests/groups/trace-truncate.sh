#!/usr/bin/env bash
# trace-truncate.sh - trace2ndjson on cut copies of the committed traces.
#
# tests/fixtures/trace/go1.26/tracer.trace is cut at 20 offsets (ten batch
# boundaries inside a generation, ten pseudo-random offsets; never at a
# generation boundary, where the cut trace is complete), esbuild.trace at
# 10 and the legacy go1.19 trace at 5 random offsets.  Every cut must
#   - exit 65 with one stderr line "trace2ndjson: SRC: ..." naming a byte
#     offset ("byte N" or "offset N"), within 10 s, without a signal;
#   - write on stdout only lines of the full trace's output, in order from
#     its first line (the events before the damage), and then at most one
#     closing Sync (as Go's reader does: the next N, no clock);
#     (Stricter than Go: Go's reader ends cleanly, exit 0, when the cut
#     leaves a generation with only its sync/string/stack sections, e.g.
#     the go1.26 cut at byte 70, and its messages name no offset.)
#   - where tests/go/tools/tracecanon was built into $BUILD/go-tools (by
#     trace-oracle.sh), give exactly the lines Go's reader gives.
# Environment (set by tests/run.sh): TOP, BUILD; $BUILD/bin on PATH.
set -u

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BUILD:-$top/build}
check=$top/tests/tracecheck.py
fix=$top/tests/fixtures/trace

if ! command -v trace2ndjson >/dev/null 2>&1; then
	echo "skip - trace-truncate (no trace2ndjson in \$BUILD/bin: run make)"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "skip - trace-truncate (no python3)"
	exit 0
fi
tmp=$(mktemp -d) || {
	echo "not ok - trace-truncate: mktemp failed"
	exit 0
}
trap 'rm -rf "$tmp"' EXIT
canon=
[ -x "$build/go-tools/tracecanon" ] && canon=$build/go-tools/tracecanon

indent() {
	cut -c1-300 | sed 's/^/  /'
}

# offsets FILE NBATCH NRANDOM: cut points, one a line.  Batch boundaries
# come from tracecheck.py boundaries (Go 1.22+ traces only); random ones
# avoid the generation boundaries and the header.
offsets() {
	python3 - "$check" "$@" <<'EOF'
import random, subprocess, sys
check, path, nb, nr = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
size = len(open(path, "rb").read())
gens, batches = {16, size}, []
if nb:
    out = subprocess.run([sys.executable, check, "boundaries", path], capture_output=True, text=True, check=True).stdout
    for line in out.split("\n"):
        if line:
            off, kind = line.split()
            (gens.add if kind == "generation" else batches.append)(int(off))
    batches = [b for b in batches if b not in gens]
    step = max(1, len(batches) // nb)
    batches = batches[::step][:nb]
rnd = random.Random(size)
cuts = set(batches)
while len(cuts) < len(batches) + nr:
    off = rnd.randrange(17, size)
    if off not in gens:
        cuts.add(off)
for off in sorted(cuts):
    print(off)
EOF
}

# cuts NAME FILE NBATCH NRANDOM: run the cuts, print three test lines.
cuts() {
	local name=$1 file=$2 off rc n=0 bad1="" bad2="" bad3="" ncanon=0
	# Every run reads $tmp/t.trace as t.trace, so that src is the same.
	cp "$file" "$tmp/t.trace" || return
	if ! (cd "$tmp" && trace2ndjson t.trace) >"$tmp/full" 2>"$tmp/err"; then
		echo "not ok - $name: the uncut trace decodes"
		head -n 2 "$tmp/err" | indent
		return
	fi
	if ! offsets "$file" "$3" "$4" >"$tmp/offsets" 2>"$tmp/err"; then
		echo "not ok - $name: find cut points"
		head -n 3 "$tmp/err" | indent
		return
	fi
	while IFS= read -r off; do
		n=$((n + 1))
		head -c "$off" "$file" >"$tmp/t.trace"
		# (The braces keep the shell's own "Segmentation fault" note quiet.)
		{ (cd "$tmp" && timeout 10 trace2ndjson t.trace) >"$tmp/out" 2>"$tmp/err"; } 2>/dev/null
		rc=$?
		if [ $rc -ne 65 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] ||
			! grep -q '^trace2ndjson: ' "$tmp/err" ||
			! grep -Eqi '(byte|offset) [0-9]+' "$tmp/err"; then
			bad1="${bad1}cut at $off: exit $rc: $(head -n 2 "$tmp/err" | tr '\n' '|')"$'\n'
		fi
		if ! python3 "$check" prefix "$tmp/full" "$tmp/out" >"$tmp/why"; then
			bad2="${bad2}cut at $off: $(tr '\n' ' ' <"$tmp/why")"$'\n'
		fi
		if [ -n "$canon" ]; then
			ncanon=$((ncanon + 1))
			"$canon" -src t.trace "$tmp/t.trace" >"$tmp/canon" 2>/dev/null
			if ! cmp -s "$tmp/canon" "$tmp/out"; then
				bad3="${bad3}cut at $off: $(python3 "$check" diff "$tmp/canon" "$tmp/out" | tr '\n' ' ')"$'\n'
			fi
		fi
	done <"$tmp/offsets"
	if [ -z "$bad1" ]; then
		echo "ok - $name: $n cuts exit 65 with one error line naming a byte offset"
	else
		echo "not ok - $name: $n cuts exit 65 with one error line naming a byte offset"
		printf '%s' "$bad1" | head -n 5 | indent
	fi
	if [ -z "$bad2" ]; then
		echo "ok - $name: each cut's records are the whole trace's first ones (+ a closing Sync)"
	else
		echo "not ok - $name: each cut's records are the whole trace's first ones (+ a closing Sync)"
		printf '%s' "$bad2" | head -n 5 | indent
	fi
	if [ -z "$canon" ]; then
		echo "skip - $name: cuts against Go's reader (no \$BUILD/go-tools/tracecanon; trace-oracle builds it)"
	elif [ -z "$bad3" ]; then
		echo "ok - $name: $ncanon cuts give exactly Go's reader's records"
	else
		echo "not ok - $name: $ncanon cuts give exactly Go's reader's records"
		printf '%s' "$bad3" | head -n 5 | indent
	fi
}

found=0
if [ -f "$fix/go1.26/tracer.trace" ]; then
	found=1
	cuts go1.26/tracer "$fix/go1.26/tracer.trace" 10 10
fi
if [ -f "$fix/esbuild/esbuild.trace" ]; then
	found=1
	cuts esbuild/esbuild "$fix/esbuild/esbuild.trace" 5 5
fi
if [ -f "$fix/go1.19/tracer.trace" ]; then
	found=1
	cuts go1.19/tracer "$fix/go1.19/tracer.trace" 0 5
fi
[ $found = 1 ] || echo "skip - trace-truncate (no traces under tests/fixtures/trace)"
exit 0
