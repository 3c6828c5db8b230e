#!/usr/bin/env bash
# gen-fixtures.sh [GO] [OUTDIR] - build tests/go/fixtures/leaky with the Go
# toolchain GO (default: go on PATH) and write every profile and dump it
# produces into OUTDIR (default: tests/fixtures/goX.Y for that toolchain).
#
# Files written (see tests/go/fixtures/leaky/main.go for what they contain):
#   heap.pb.gz heap.debug1.txt allocs.pb.gz allocs.debug1.txt
#   goroutine.pb.gz goroutine.debug1.txt goroutine.debug2.txt
#   threadcreate.pb.gz threadcreate.debug1.txt block.pb.gz block.debug1.txt
#   mutex.pb.gz mutex.debug1.txt cpu.pb.gz heap.1.pb.gz ... heap.4.pb.gz
#   goroutineleak.pb.gz goroutineleak.debug1.txt goroutineleak.debug2.txt
#     (only when GO accepts GOEXPERIMENT=goroutineleakprofile, Go 1.26+)
#   panic-single.txt panic-all.txt panic-system.txt panic-crash.txt
#     (stderr of a process that panics under that GOTRACEBACK setting)
#   sigquit.txt (stderr of a process killed with SIGQUIT)
#   go-version.txt (`GO version`)
#
# Environment: LEAKY_HOLD (a Go duration, default 0s) keeps everything
# parked that much longer before writing; 61s or more makes the dumps show
# ", N minutes" on the wait lines.
set -u

die() {
	echo "gen-fixtures.sh: $*" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
go=${1:-go}
command -v "$go" >/dev/null 2>&1 || die "no Go toolchain '$go'"
hold=${LEAKY_HOLD:-0s}

# Never let a newer go command download another toolchain.
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
unset GOEXPERIMENT GOTRACEBACK GODEBUG

full=$("$go" env GOVERSION) || die "'$go env GOVERSION' failed"
short=$(printf '%s\n' "$full" | sed -n 's/^\(go[0-9]*\.[0-9]*\).*/\1/p')
[ -n "$short" ] || die "cannot read the version of '$go' ('$full')"
out=${2:-$top/tests/fixtures/$short}
mkdir -p "$out" || die "cannot create '$out'"
out=$(cd "$out" && pwd)

tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

(cd "$here/fixtures" && "$go" build -o "$tmp/leaky" ./leaky) ||
	die "building leaky with '$go' failed"
"$go" version >"$out/go-version.txt"

# The profiles, all written by one process at one moment.
"$tmp/leaky" -out "$out" -hold "$hold" || die "leaky -out failed"
rm -f "$out"/goroutineleak.*

# The goroutine leak profile needs a toolchain built with the experiment;
# older ones reject the GOEXPERIMENT value, and then there is none.
if (cd "$here/fixtures" &&
	GOEXPERIMENT=goroutineleakprofile "$go" build -o "$tmp/leaky-gl" ./leaky) 2>/dev/null; then
	"$tmp/leaky-gl" -out "$tmp/gl" -hold "$hold" -cpu 10ms ||
		die "leaky -out with the goroutineleakprofile experiment failed"
	for f in "$tmp"/gl/goroutineleak.*; do
		[ -e "$f" ] && cp "$f" "$out/"
	done
fi

# Panics under each traceback level.  The process is meant to die; crash
# also raises SIGABRT, so keep it from writing a core file.
for tb in single all system crash; do
	# The outer braces swallow the shell's own "Aborted" notice.
	{
		(
			ulimit -c 0
			GOTRACEBACK=$tb exec "$tmp/leaky" -panic -hold "$hold"
		) 2>"$out/panic-$tb.txt"
		rc=$?
	} 2>/dev/null
	[ "$rc" -ne 0 ] || die "leaky -panic under GOTRACEBACK=$tb exited 0"
	grep -q '^panic: ' "$out/panic-$tb.txt" ||
		die "no panic in panic-$tb.txt"
done

# A SIGQUIT dump: wait until everything is parked, then send the signal.
"$tmp/leaky" -sigquit -ready "$tmp/ready" -hold "$hold" 2>"$out/sigquit.txt" &
pid=$!
i=0
while [ ! -e "$tmp/ready" ]; do
	i=$((i + 1))
	if [ "$i" -gt 1200 ] || ! kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null
		die "leaky -sigquit never got ready"
	fi
	sleep 0.1
done
kill -QUIT "$pid"
wait "$pid"
grep -q '^SIGQUIT' "$out/sigquit.txt" || die "no SIGQUIT dump in sigquit.txt"
exit 0
