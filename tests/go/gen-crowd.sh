#!/usr/bin/env bash
# gen-crowd.sh [GO ...] - run tests/go/fixtures/crowd under each Go
# toolchain (default: go, and Debian's /usr/lib/go-1.19/bin/go) and commit
# its output into tests/fixtures/crowd/goX.Y:
#
#   goroutine.pb.gz        the goroutine profile, debug=0
#   goroutine.debug1.txt   the same, debug=1 (stacks with counts)
#   goroutine.debug2.txt.gz  the same, debug=2 (tracebacks), gzipped
#   crowd.trace            an execution trace over the goroutines' lives
#   go-version.txt         `GO version`
#
# The population is fixed by crowd/main.go; stackcluster's tests check that
# every form of it groups into exactly those clusters.  CROWD_OUT, when
# set, is written instead of tests/fixtures/crowd (the tests' fresh leg).
set -u

die() {
	echo "gen-crowd.sh: $*" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
[ $# -gt 0 ] || set -- go /usr/lib/go-1.19/bin/go
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
unset GOEXPERIMENT GOTRACEBACK GODEBUG

tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

for go in "$@"; do
	command -v "$go" >/dev/null 2>&1 || die "no Go toolchain '$go'"
	v=$("$go" env GOVERSION | sed -n 's/^\(go[0-9]*\.[0-9]*\).*/\1/p')
	[ -n "$v" ] || die "cannot read the version of '$go'"
	out=${CROWD_OUT:-$top/tests/fixtures/crowd}/$v
	mkdir -p "$out" "$tmp/$v" || die "cannot create '$out'"
	(cd "$here/fixtures" && "$go" build -o "$tmp/crowd-$v" ./crowd) ||
		die "building crowd with '$go' failed"
	"$tmp/crowd-$v" -out "$tmp/$v" || die "crowd ($v) failed"
	cp "$tmp/$v/goroutine.pb.gz" "$tmp/$v/goroutine.debug1.txt" \
		"$tmp/$v/crowd.trace" "$out/" || die "copying into '$out' failed"
	gzip -9n <"$tmp/$v/goroutine.debug2.txt" >"$out/goroutine.debug2.txt.gz" ||
		die "gzip failed"
	"$go" version >"$out/go-version.txt"
	[ -n "${CROWD_OUT:-}" ] || echo "gen-crowd.sh: $out" >&2
done
