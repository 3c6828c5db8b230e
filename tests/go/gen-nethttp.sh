#!/usr/bin/env bash
# gen-nethttp.sh [OUTDIR] - goroutine profiles of a net/http server, for
# the heapdiff table's test (tests/fixtures/nethttp by default).
#
# Runs tests/go/fixtures/pprofserver and takes two goroutine profiles:
# goroutine-1.pb.gz with 2 idle keep-alive connections, goroutine-2.pb.gz
# with 6 of them and 3 requests cut in the middle of their headers.  Every
# blocked connection's stack starts in runtime.gopark.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../fixtures/nethttp}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
(cd "$here/fixtures" && GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 \
	go build -o "$tmp/pprofserver" ./pprofserver)
"$tmp/pprofserver" -ready "$tmp/addr" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/addr" ] && break; sleep 0.1; done
python3 - "$(cat "$tmp/addr")" "$out" <<'PY'
import socket, sys, time, urllib.request
addr, out = sys.argv[1], sys.argv[2]
host, port = addr.split(':')
def idle(n):
    cs = []
    for _ in range(n):
        s = socket.create_connection((host, int(port)))
        s.sendall(b"GET /debug/pprof/cmdline HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(4096)
        cs.append(s)
    return cs
def profile(name):
    with urllib.request.urlopen(f"http://{addr}/debug/pprof/goroutine") as r:
        open(f"{out}/{name}", "wb").write(r.read())
a = idle(2)
time.sleep(0.3)
profile("goroutine-1.pb.gz")
b = idle(4)
c = []
for _ in range(3):
    s = socket.create_connection((host, int(port)))
    s.sendall(b"GET /x HTTP/1.1\r\n")
    c.append(s)
time.sleep(0.5)
profile("goroutine-2.pb.gz")
PY
go version >"$out/go-version.txt"
