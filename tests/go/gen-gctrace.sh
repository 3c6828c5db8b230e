#!/usr/bin/env bash
# gen-gctrace.sh - regenerate the gctrace fixtures: tests/go/fixtures/gcburst
# run under GODEBUG=gctrace=1 with runtime/trace on, by Go 1.26 (GO126,
# default go) and Go 1.19 (GO119, default /usr/lib/go-1.19/bin/go), into
# tests/fixtures/gctrace/goX.Y/:
#
#   gctrace.log        the process's standard error: the runtime's gctrace
#                      lines among the program's own log lines (Go 1.26 run:
#                      microsecond timestamps; Go 1.19 run: the log
#                      package's default, whole seconds)
#   gcburst.trace.gz   the execution trace of the same run, gzipped
#   heap.debug1.txt    a heap ?debug=1 profile written at the end (MemStats)
#   go-version.txt     `GO version`
set -u

die() {
	echo "gen-gctrace.sh: $*" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
unset GOEXPERIMENT GODEBUG

tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

run() {
	local go=$1 v out
	shift
	command -v "$go" >/dev/null 2>&1 || die "no Go toolchain '$go'"
	v=$("$go" env GOVERSION | sed -n 's/^\(go[0-9]*\.[0-9]*\).*/\1/p')
	[ -n "$v" ] || die "cannot read the version of '$go'"
	out=$top/tests/fixtures/gctrace/$v
	mkdir -p "$out" || die "cannot create '$out'"
	(cd "$here/fixtures/gcburst" && "$go" build -o "$tmp/gcburst-$v" .) ||
		die "building gcburst with '$go' failed"
	GODEBUG=gctrace=1 "$tmp/gcburst-$v" "$@" -trace "$tmp/trace-$v" \
		-heap "$out/heap.debug1.txt" 2>"$out/gctrace.log" ||
		die "gcburst ($v) failed"
	gzip -9n <"$tmp/trace-$v" >"$out/gcburst.trace.gz" || die "gzip failed"
	"$go" version >"$out/go-version.txt"
	echo "gen-gctrace.sh: $out ($(grep -c '^gc ' "$out/gctrace.log") cycles)" >&2
}

run "${GO126:-go}" -micro
run "${GO119:-/usr/lib/go-1.19/bin/go}"
