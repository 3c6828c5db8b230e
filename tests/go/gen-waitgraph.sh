#!/usr/bin/env bash
# gen-waitgraph.sh [GO] [OUTDIR] - run tests/go/fixtures/waitgraph built by
# the Go toolchain GO (default: go on PATH) and write what one run of it
# records into OUTDIR (default: tests/fixtures/gcycle/goX.Y):
#
#   waitgraph.trace         the execution trace (runtime/trace) of the run
#   waitgraph.dump.txt      goroutine?debug=2 at its end
#   goroutineleak.debug2.txt Go's goroutine leak profile (debug=2) at its
#                           end, only when GO builds with
#                           GOEXPERIMENT=goroutineleakprofile (Go 1.26+);
#                           then the whole run is of that build
#   go-version.txt          `GO version`
#
# tests/groups/gcycle.sh reads them; tests/go/fixtures/waitgraph/main.go
# says which goroutines end up waiting on each other or stuck.
set -u

die() {
	echo "gen-waitgraph.sh: $*" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
go=${1:-go}
command -v "$go" >/dev/null 2>&1 || die "no Go toolchain '$go'"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
unset GOEXPERIMENT GOTRACEBACK GODEBUG

full=$("$go" env GOVERSION) || die "'$go env GOVERSION' failed"
short=$(printf '%s\n' "$full" | sed -n 's/^\(go[0-9]*\.[0-9]*\).*/\1/p')
[ -n "$short" ] || die "cannot read the version of '$go' ('$full')"
out=${2:-$top/tests/fixtures/gcycle/$short}
mkdir -p "$out" || die "cannot create '$out'"
out=$(cd "$out" && pwd)

tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# With the leak profile when the toolchain has the experiment.
if (cd "$here/fixtures" &&
	GOEXPERIMENT=goroutineleakprofile "$go" build -o "$tmp/waitgraph" ./waitgraph) 2>/dev/null; then
	leak=1
else
	(cd "$here/fixtures" && "$go" build -o "$tmp/waitgraph" ./waitgraph) ||
		die "building waitgraph with '$go' failed"
	leak=0
fi
rm -f "$out/goroutineleak.debug2.txt"
if [ "$leak" = 1 ]; then
	"$tmp/waitgraph" -trace "$out/waitgraph.trace" -dump "$out/waitgraph.dump.txt" \
		-leak "$out/goroutineleak.debug2.txt" || die "waitgraph failed"
else
	"$tmp/waitgraph" -trace "$out/waitgraph.trace" -dump "$out/waitgraph.dump.txt" ||
		die "waitgraph failed"
fi
"$go" version >"$out/go-version.txt"
echo "gen-waitgraph.sh: $out ($(du -sk "$out" | cut -f1) KB)" >&2
