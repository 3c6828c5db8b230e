#!/usr/bin/env bash
# build-tools.sh OUTDIR - build leakpipe's Go test instruments into OUTDIR:
#
#   pprofcanon   the differential oracle (canonical form of a profile)
#   pprofjson    bench peer of pprof2ndjson for profiles (google/pprof)
#   gostackjson  bench peer for goroutine dumps (DataDog/gostackparse)
#   panicjson    bench peer for goroutine dumps (maruel/panicparse)
#   ppgroup      panicparse's grouping (Aggregate), stackcluster's peer
#   bigheap      writes a large real heap profile
#   bigdump      writes a large real goroutine dump
#   tracecanon   oracle and bench peer of trace2ndjson (golang.org/x/exp/trace)
#   traceread    bench peer of trace2ndjson --events=Sync: the ReadEvent loop alone
#   bigtrace     writes a large real execution trace
#
# Needs a Go toolchain new enough for tests/go/tools/go.mod (GO, default go
# on PATH) and, unless the module cache already holds them, the Go module
# proxy.  Exit status: 0 built, 2 no usable Go, 3 modules not downloadable,
# 1 anything else.
set -u

die() {
	code=$1
	shift
	echo "build-tools.sh: $*" >&2
	exit "$code"
}

[ $# -eq 1 ] || die 1 "usage: build-tools.sh OUTDIR"
here=$(cd "$(dirname "$0")" && pwd)
go=${GO:-go}
command -v "$go" >/dev/null 2>&1 || die 2 "no Go toolchain ('$go' is not on PATH)"
mkdir -p "$1" || die 1 "cannot create '$1'"
out=$(cd "$1" && pwd)

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
unset GOEXPERIMENT
cd "$here/tools" || die 1 "no tests/go/tools"

want=$(sed -n 's/^go \([0-9][0-9.]*\).*/\1/p' go.mod)
have=$("$go" env GOVERSION 2>/dev/null | sed -n 's/^go\([0-9][0-9.]*\).*/\1/p')
[ -n "$have" ] || die 2 "cannot tell the version of '$go'"
older=$(printf '%s\n%s\n' "$want" "$have" | sort -t. -k1,1n -k2,2n -k3,3n | head -n 1)
[ "$older" = "$want" ] || die 2 "'$go' is go$have; tests/go/tools needs go$want or newer"

if ! log=$("$go" mod download 2>&1); then
	printf '%s\n' "$log" | sed 's/^/  /' >&2
	die 3 "cannot download the tools' Go modules (is the module proxy reachable?)"
fi
if ! log=$("$go" build -o "$out/" ./pprofcanon ./pprofjson ./gostackjson ./panicjson ./ppgroup ./bigheap ./bigdump ./tracecanon ./traceread ./bigtrace 2>&1); then
	printf '%s\n' "$log" | sed 's/^/  /' >&2
	die 1 "building the tools failed"
fi
exit 0
