#!/usr/bin/env bash
# examples.sh - what the documentation shows runs as written.
#
#  1. Every command block of README.md (```sh, ```crontab, ```make), as it
#     stands, in a scratch directory holding files of the names the
#     examples use (fixtures and the bundled sample archive), with
#     /var/lib/profiles pointing into it.  A block passes when it exits 0,
#     says nothing on stderr and produces something (stdout or a file).
#  2. Every shipped example in share/examples/: the crontabs' entries in
#     order (cron's \% undone, its NAME=value lines as the environment),
#     pipelines.sh's functions, leakcheck.mk's targets.
#
# Blocks and entries that talk to localhost:6060 run against a real Go
# server (tests/go/fixtures/pprofserver) when Go is installed, else they
# are skipped.  Build and install commands (make demo, make install) are
# left to make check itself and the install group.
# Environment (set by tests/run.sh): TOP, BUILD; $BUILD/bin on PATH.
set -u

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BUILD:-$top/build}
fix=$top/tests/fixtures
# The examples run make as a person would, not as part of make check.
unset MAKEFLAGS MFLAGS MAKELEVEL

for p in pprof2ndjson heapdiff trace2ndjson jq xz; do
	if ! command -v $p >/dev/null 2>&1; then
		echo "skip - examples (no $p)"
		exit 0
	fi
done
w=$(mktemp -d) || exit 1
server=""
cleanup() {
	[ -z "$server" ] || kill "$server" 2>/dev/null
	rm -rf "$w"
}
trap cleanup EXIT

# The files the examples name.
mkdir -p "$w/run" "$w/series" "$w/profiles" "$w/run/nightly" "$w/run/build" "$w/bin"
xz -dc "$fix/heapdiff/leakseries.tar.xz" | tar -C "$w/series" -xf -
s=$w/series/leakseries
(
	cd "$w/run" || exit 1
	ln -s "$top/share" share
	ln -s "$build/bin" build/bin
	cp "$fix/go1.26/heap.pb.gz" heap.pb.gz
	gzip -nc <"$s/heap-01.pb" >old.pb.gz
	gzip -nc <"$s/heap-48.pb" >new.pb.gz
	gzip -nc <"$s/heap-01.pb" >heap-01.pb.gz
	gzip -nc <"$s/heap-48.pb" >heap-48.pb.gz
	# The README looks for goroutines blocked half an hour; the real dump
	# was taken a minute in, so its waits are made 45 minutes long.
	sed 's/, 1 minutes\]/, 45 minutes]/' "$fix/go1.26/goroutine.debug2.txt" >goroutines.txt
	cp "$fix/go1.26/goroutine.debug2.txt" g.txt
	# stackcluster's two days: one population from two Go releases.
	gzip -dc "$fix/crowd/go1.19/goroutine.debug2.txt.gz" >yesterday.txt
	gzip -dc "$fix/crowd/go1.26/goroutine.debug2.txt.gz" >today.txt
	cp "$fix/trace/go1.26/tracer.trace" trace.out
	cp "$fix/gctrace/go1.26/gctrace.log" service.log
	cp "$fix/gctrace/go1.26/heap.debug1.txt" heap.txt
	cp "$top/share/samples/nightly.tar.gz" nightly.tar.gz
	cp "$top/share/samples/nightly.tar.gz" night.tar.gz
	cp "$top/share/samples/nightly.tar.gz" nightly/2026-11-21.tar.gz
	for i in 01 02 03 04 05; do
		mkdir -p "leak/2026112${i#0}T000000"
		gzip -nc <"$s/heap-$i.pb" >"leak/2026112${i#0}T000000/heap.pb.gz"
	done
	# "/var/lib/profiles": the bundled sample as yesterday's tarball (a
	# debug=1 heap profile in it has no time), and as a named day.  (The
	# heapdiff group runs the crontab over days of one leak series.)
	cp "$top/share/samples/nightly.tar.gz" "$w/profiles/$(date -d yesterday +%F).tar.gz"
	cp "$top/share/samples/nightly.tar.gz" "$w/profiles/2026-11-21.tar.gz"
) || {
	echo "not ok - examples: setting up the scratch directory"
	exit 0
}

# Stand-ins for tools the examples pipe into that are not leakpipe's and
# not installed: flamegraph.pl checks it was given folded stacks.
if ! command -v flamegraph.pl >/dev/null 2>&1; then
	cat >"$w/bin/flamegraph.pl" <<'EOF'
#!/bin/sh
# stand-in: folded stacks in ("a;b;c 123" lines), an SVG out
awk 'NF < 2 || $NF !~ /^[0-9]+$/ { print "flamegraph.pl stand-in: not folded: " $0 > "/dev/stderr"; bad = 1 }
     END { if (NR == 0 || bad) exit 1 }' || exit 1
echo '<svg xmlns="http://www.w3.org/2000/svg"/>'
EOF
	chmod +x "$w/bin/flamegraph.pl"
fi
export PATH="$w/bin:$PATH"

# The Go server that stands in for localhost:6060.
addr=""
if command -v go >/dev/null 2>&1; then
	bin=$build/go-tools/pprofserver
	if [ ! -x "$bin" ] || [ "$top/tests/go/fixtures/pprofserver/main.go" -nt "$bin" ]; then
		mkdir -p "$build/go-tools"
		(cd "$top/tests/go/fixtures" && GOTOOLCHAIN=local GOFLAGS=-mod=mod \
			CGO_ENABLED=0 go build -o "$bin" ./pprofserver) >"$w/gobuild.log" 2>&1 ||
			{ echo "not ok - examples: building pprofserver"; sed 's/^/  /' "$w/gobuild.log"; }
	fi
	if [ -x "$bin" ]; then
		"$bin" -ready "$w/addr" 2>"$w/server.err" &
		server=$!
		for _ in $(seq 100); do
			[ -s "$w/addr" ] && break
			sleep 0.1
		done
		addr=$(cat "$w/addr" 2>/dev/null)
		[ -n "$addr" ] || echo "not ok - examples: pprofserver did not start"
	fi
fi

# localize FILE: the example as it would run here.
localize() {
	sed -i -e "s|/var/lib/profiles|$w/profiles|g" \
		-e "s|/usr/local/share/leakpipe|$top/share|g" \
		-e "s|/usr/local/bin|$build/bin|g" "$1"
	[ -z "$addr" ] || sed -i "s|localhost:6060|$addr|g" "$1"
}

# needs_server FILE: it talks to localhost:6060 and there is no server.
needs_server() {
	[ -z "$addr" ] && grep -q 'localhost:6060' "$1"
}

# run NAME FILE DIR: run the script FILE in DIR; exit 0, a quiet stderr and
# some output (stdout, or a file it wrote) make it pass.
n_run=0
run() {
	local name=$1 f=$2 dir=$3 rc
	n_run=$((n_run + 1))
	touch "$w/stamp"
	sleep 0.01
	(cd "$dir" && timeout 120 bash "$f") >"$w/out" 2>"$w/err"
	rc=$?
	local made
	made=$(find "$dir" -newer "$w/stamp" -type f -size +0 2>/dev/null | head -n 1)
	if [ $rc = 0 ] && [ ! -s "$w/err" ] && { [ -s "$w/out" ] || [ -n "$made" ]; }; then
		echo "ok - $name"
		return 0
	fi
	echo "not ok - $name"
	echo "  exit $rc; the example:"
	sed 's/^/    /' "$f" | cut -c1-200 | head -n 12
	[ ! -s "$w/err" ] || { echo "  stderr:"; head -n 8 "$w/err" | cut -c1-200 | sed 's/^/    /'; }
	[ -s "$w/out" ] || [ -n "$made" ] || echo "  it wrote nothing"
	return 1
}

# 1. README.md's blocks.
awk -v dir="$w" '
/^```(sh|crontab|make)$/ { n++; lang = substr($0, 4); f = dir "/readme-" n "." lang; line[n] = NR; inb = 1; print NR > (f ".line"); next }
inb && /^```$/ { inb = 0; close(f); next }
inb { print > f }
' "$top/README.md"
for f in "$w"/readme-*.sh "$w"/readme-*.crontab "$w"/readme-*.make; do
	[ -f "$f" ] || continue
	ln=$(cat "$f.line")
	name="README.md:$ln"
	case $(cat "$f") in
	*"make demo"* | *"make install"* | *"tests/deps.sh"*)
		echo "skip - $name (building and installing: make check and the install group)"
		continue ;;
	*"parallel --nonall"*)
		echo "skip - $name (needs GNU parallel and ssh hosts)"
		continue ;;
	esac
	localize "$f"
	if needs_server "$f"; then
		echo "skip - $name (talks to localhost:6060: needs go for the test server)"
		continue
	fi
	case $f in
	*.crontab)
		# Each entry is one command, run in order, as cron would, on
		# the one sample day (no partials of other blocks' runs).
		rm -f "$w"/profiles/*.part
		grep -E '^[0-9*@]' "$f" | sed -E 's/^(@[a-z]+|([^ ]+ +){5}) *//; s/\\%/%/g' >"$f.run"
		run "$name (crontab entries in order)" "$f.run" "$w/run" &&
			! grep -q 'leak suspect' "$f" || grep -q '^leak suspect: ' "$w/out" ||
			echo "not ok - $name: no 'leak suspect:' line from the bundled sample"
		;;
	*.make)
		targets=$(sed -n 's/^\([A-Za-z][A-Za-z0-9_-]*\):.*/\1/p' "$f")
		printf 'make -s -f %q %s\n' "$f" "$targets" >"$f.run"
		run "$name (make $targets)" "$f.run" "$w/run"
		;;
	*)
		run "$name" "$f" "$w/run"
		;;
	esac
done

# 2. share/examples.
ex=$top/share/examples

# crontab FILE DIR: its NAME=value lines, then its entries in order.
crontab_script() {
	{
		echo 'set -e'
		grep -E '^[A-Z_]+=' "$1" | sed 's/^/export /'
		grep -E '^[0-9*@]' "$1" | sed -E 's/^(@[a-z]+|([^ ]+ +){5}) *//; s/\\%/%/g'
	} >"$2"
	localize "$2"
}

crontab_script "$ex/heapdiff.crontab" "$w/heapdiff.cron"
rm -f "$w"/profiles/*.part
# check NAME CMD...: a follow-up check on the last run's output.
check() {
	local name=$1
	shift
	if "$@"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		tail -n 5 "$w/out" | sed 's/^/  /'
	fi
}

if run "share/examples/heapdiff.crontab on the bundled sample" "$w/heapdiff.cron" "$w/run"; then
	check "share/examples/heapdiff.crontab names suspects" grep -q '^leak suspect: ' "$w/out"
fi

if [ -n "$addr" ]; then
	crontab_script "$ex/nightly.crontab" "$w/nightly.cron"
	sed -i "s|^export P=.*|export P=$w/nightly|" "$w/nightly.cron"
	mkdir -p "$w/nightly"
	run "share/examples/nightly.crontab against a live server" "$w/nightly.cron" "$w/nightly"
else
	echo "skip - share/examples/nightly.crontab (needs go for the test server)"
fi

# pipelines.sh: every function, on files and, with the server, on a URL.
cp "$ex/pipelines.sh" "$w/pipelines.sh" && localize "$w/pipelines.sh"
cat >"$w/pl-files.sh" <<EOF
. "$w/pipelines.sh"
leak_top heap.pb.gz 5
leak_states goroutines.txt
leak_stuck goroutines.txt 0
leak_growth old.pb.gz new.pb.gz 5
EOF
run "share/examples/pipelines.sh on files" "$w/pl-files.sh" "$w/run"
if [ -n "$addr" ]; then
	cat >"$w/pl-url.sh" <<EOF
. "$w/pipelines.sh"
leak_top http://$addr 5
leak_states http://$addr
leak_stuck http://$addr 0
timeout 2 bash -c '. "$w/pipelines.sh"; leak_watch http://$addr 1' || [ \$? = 124 ]
EOF
	if run "share/examples/pipelines.sh on a live server" "$w/pl-url.sh" "$w/run"; then
		check "pipelines.sh: leak_watch prints time, goroutines, heap" \
			grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+	[0-9]+	[0-9]+$' "$w/out"
	fi
fi
# A service that is down is said to be down, not "empty input".
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 9)
(
	# shellcheck disable=SC1091
	. "$w/pipelines.sh"
	leak_top "http://127.0.0.1:$port" 5
) >/dev/null 2>"$w/down.err"
if grep -q "pprof2ndjson: http://127.0.0.1:$port/debug/pprof/heap: " "$w/down.err" &&
	! grep -q 'empty input' "$w/down.err"; then
	echo "ok - pipelines.sh: a service that is down is named, not 'empty input'"
else
	echo "not ok - pipelines.sh: a service that is down is named, not 'empty input'"
	sed 's/^/  /' "$w/down.err"
fi

# leakcheck.mk: two snapshots of the live server, then the report.
if [ -n "$addr" ]; then
	cp "$ex/leakcheck.mk" "$w/leakcheck.mk" && localize "$w/leakcheck.mk"
	mkdir -p "$w/mk"
	cat >"$w/mk.sh" <<EOF
set -e
make -s -f "$w/leakcheck.mk" LEAK_URL=http://$addr/debug/pprof leak-snapshot >/dev/null
sleep 1.1
make -s -f "$w/leakcheck.mk" LEAK_URL=http://$addr/debug/pprof leak-snapshot >/dev/null
make -s -f "$w/leakcheck.mk" leak-report
EOF
	if run "share/examples/leakcheck.mk: snapshot, snapshot, report" "$w/mk.sh" "$w/mk"; then
		check "leakcheck.mk: the report has both parts" \
			grep -Pzq '== in-use bytes gained.*\n(.*\n)*== goroutines per state' "$w/out"
	fi
else
	echo "skip - share/examples/leakcheck.mk (needs go for the test server)"
fi
[ $n_run -gt 0 ] || echo "not ok - examples: nothing ran"
