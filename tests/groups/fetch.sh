#!/usr/bin/env bash
# fetch.sh - every program that takes files takes http(s) URLs (lib/fetch.c).
#
# Always: a refused connection is one line and exit 66.  Where Go is
# installed: a real Go server (tests/go/fixtures/pprofserver, net/http/pprof
# on 127.0.0.1 and a random port) serves heap, goroutine, CPU and trace
# profiles, an HTTP error, a redirect and an answer that never comes.
# Environment (set by tests/run.sh): TOP, BUILD; $BUILD/bin on PATH.
set -u

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BUILD:-$top/build}

for p in pprof2ndjson trace2ndjson heapdiff jq python3; do
	if ! command -v $p >/dev/null 2>&1; then
		echo "skip - fetch (no $p)"
		exit 0
	fi
done
tmp=$(mktemp -d) || exit 1
server=""
cleanup() {
	[ -z "$server" ] || kill "$server" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# run_ok (tests/lib.sh)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

# one_line_66 ERRFILE RC PREFIX: the run failed with 66 and said one line
# starting with PREFIX.
one_line_66() {
	[ "$2" = 66 ] || { echo "exit $2, want 66"; cat "$1"; return 1; }
	[ "$(wc -l <"$1")" = 1 ] || { echo "want one line:"; cat "$1"; return 1; }
	case $(cat "$1") in
	"$3"*) ;;
	*) echo "want '$3...', got:"; cat "$1"; return 1 ;;
	esac
}

# A port nobody listens on: bound, then let go.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
refused() {
	local u=http://127.0.0.1:$port/debug/pprof/heap rc
	pprof2ndjson "$u" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	one_line_66 "$tmp/err" $rc "pprof2ndjson: $u: " || return 1
	[ ! -s "$tmp/out" ] || { echo "records on stdout"; return 1; }
}
run_ok "refused connection: one line, exit 66" refused
notaurl() {
	# ftp:// is not a URL we fetch: it is a file name, and missing.
	local rc
	pprof2ndjson ftp://127.0.0.1/x 2>"$tmp/err"
	rc=$?
	one_line_66 "$tmp/err" $rc "pprof2ndjson: ftp://127.0.0.1/x: No such file"
}
run_ok "ftp:// is a file name, not fetched" notaurl

# libcurl is loaded at the first URL, not linked: a program that reads
# files starts without it and the libraries it brings (twice the memory).
notlinked() {
	local p bad=""
	command -v readelf >/dev/null 2>&1 || return 0
	for p in "$build"/bin/*; do
		readelf -d "$p" | grep -q 'NEEDED.*libcurl' && bad="$bad $(basename "$p")"
	done
	[ -z "$bad" ] || { echo "linked with libcurl:$bad"; return 1; }
}
run_ok "no program is linked with libcurl (it is loaded for a URL)" notlinked

# The Go legs.
if ! command -v go >/dev/null 2>&1; then
	echo "skip - fetch: the Go server legs (no go)"
	exit 0
fi
bin=$build/go-tools/pprofserver
src=$top/tests/go/fixtures/pprofserver/main.go
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
	mkdir -p "$build/go-tools"
	if ! log=$(cd "$top/tests/go/fixtures" && GOTOOLCHAIN=local GOFLAGS=-mod=mod \
		CGO_ENABLED=0 go build -o "$bin" ./pprofserver 2>&1); then
		echo "not ok - fetch: building pprofserver"
		printf '%s\n' "$log" | head -n 10 | sed 's/^/  /'
		exit 0
	fi
fi
"$bin" -ready "$tmp/addr" 2>"$tmp/server.err" &
server=$!
for _ in $(seq 100); do
	[ -s "$tmp/addr" ] && break
	sleep 0.1
done
if [ ! -s "$tmp/addr" ]; then
	echo "not ok - fetch: pprofserver did not start"
	sed 's/^/  /' "$tmp/server.err"
	exit 0
fi
base=http://$(cat "$tmp/addr")
sleep 0.3 # let it leak a little

heap() {
	local u="$base/debug/pprof/heap?gc=1"
	pprof2ndjson "$u" >"$tmp/heap" || return 1
	jq -e -s --arg u "$u" 'map(select(.kind == "profile")) | length == 1 and
	    (.[0] | .src == $u and .format == "pprof" and
	    any(.sample_types[]; .type == "inuse_space"))' \
		"$tmp/heap" >/dev/null || { head -c 600 "$tmp/heap"; return 1; }
	# The leaking map is in it, at its function.
	jq -e -s 'any(.[] | select(.kind == "sample") | .stack[].fn; . == "main.grow")' \
		"$tmp/heap" >/dev/null || { echo "no main.grow sample"; return 1; }
}
run_ok "pprof2ndjson URL: a heap profile, src is the URL" heap

dump() {
	pprof2ndjson "$base/debug/pprof/goroutine?debug=2" >"$tmp/dump" || return 1
	jq -e -s '[.[] | select(.kind == "goroutine" and .state == "chan send")] |
	    length >= 1' "$tmp/dump" >/dev/null || { head -c 600 "$tmp/dump"; return 1; }
}
run_ok "pprof2ndjson URL?debug=2: a goroutine dump" dump

cpu() {
	local s e
	s=$(date +%s)
	pprof2ndjson "$base/debug/pprof/profile?seconds=1" >"$tmp/cpu" || return 1
	e=$(date +%s)
	jq -e -s 'map(select(.kind == "profile")) | .[0].sample_types[0].type == "samples"' \
		"$tmp/cpu" >/dev/null || { head -c 600 "$tmp/cpu"; return 1; }
	[ $((e - s)) -ge 1 ] || { echo "took $((e - s)) s, want >= 1"; return 1; }
}
run_ok "pprof2ndjson URL?seconds=1: a CPU profile" cpu

trace() {
	trace2ndjson "$base/debug/pprof/trace?seconds=1" >"$tmp/trace" || return 1
	[ -s "$tmp/trace" ] || { echo "no records"; return 1; }
	jq -e -s --arg u "$base/debug/pprof/trace?seconds=1" \
		'all(.[]; .src == $u) and any(.[]; .ev == "StateTransition")' \
		"$tmp/trace" >/dev/null ||
		{ head -c 600 "$tmp/trace"; return 1; }
}
run_ok "trace2ndjson URL?seconds=1: an execution trace" trace

diff2() {
	heapdiff "$base/debug/pprof/heap" "$base/debug/pprof/heap" >"$tmp/diff" || return 1
	jq -e -s 'map(select(.kind == "heapdiff")) | length == 1' "$tmp/diff" >/dev/null ||
		{ head -c 600 "$tmp/diff"; return 1; }
}
run_ok "heapdiff URL URL: two snapshots fetched" diff2

redirect() {
	pprof2ndjson --headers-only "$base/redirect" >"$tmp/r" || return 1
	jq -e -s '.[0].kind == "profile" and .[0].format == "pprof"' "$tmp/r" >/dev/null ||
		{ cat "$tmp/r"; return 1; }
}
run_ok "a redirect is followed" redirect

http404() {
	local u=$base/debug/pprof/nosuchprofile rc
	pprof2ndjson "$u" 2>"$tmp/err"
	rc=$?
	one_line_66 "$tmp/err" $rc "pprof2ndjson: $u: HTTP 404: Unknown profile"
}
run_ok "HTTP 404: one line with the server's reason, exit 66" http404

timeout() {
	local u=$base/hang rc s e
	s=$(date +%s)
	LEAKPIPE_TIMEOUT=1 pprof2ndjson "$u" 2>"$tmp/err"
	rc=$?
	e=$(date +%s)
	one_line_66 "$tmp/err" $rc "pprof2ndjson: $u: " || return 1
	grep -qi 'timed out' "$tmp/err" || { cat "$tmp/err"; return 1; }
	[ $((e - s)) -le 4 ] || { echo "took $((e - s)) s"; return 1; }
}
run_ok "a server that never answers: LEAKPIPE_TIMEOUT, one line, exit 66" timeout

mixed() {
	local rc
	pprof2ndjson --headers-only "$base/debug/pprof/heap" "$base/nope" \
		"$base/debug/pprof/allocs" >"$tmp/m" 2>"$tmp/err"
	rc=$?
	one_line_66 "$tmp/err" $rc "pprof2ndjson: $base/nope: HTTP 404" || return 1
	[ "$(jq -s 'map(select(.kind == "profile")) | length' "$tmp/m")" = 2 ] ||
		{ cat "$tmp/m"; return 1; }
}
run_ok "a failed URL among good ones: the others still decoded" mixed
