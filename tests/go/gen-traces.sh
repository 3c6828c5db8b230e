#!/usr/bin/env bash
# gen-traces.sh [--oracles-only] [SHARED] - regenerate trace2ndjson's
# committed fixtures and their oracle outputs:
#
#   tests/fixtures/trace/go1.26/tracer.trace   tests/go/fixtures/tracer run by
#   tests/fixtures/trace/go1.19/tracer.trace   Go 1.26 (GO126, default go) and
#                                              Go 1.19 (GO119, default
#                                              /usr/lib/go-1.19/bin/go), with
#                                              go-version.txt next to each
#   tests/fixtures/trace/esbuild/esbuild.trace esbuild (npm @esbuild/linux-x64,
#                                              a Go program) bundling a
#                                              generated TypeScript tree with
#                                              --trace; esbuild-version.txt
#   tests/fixtures/trace/synth/NAME.trace     synth/NAME.test (hand-written,
#                                              Go's txtar text form) converted
#                                              by tests/tracetxt2bin.py
#   tests/fixtures/trace/DIR/NAME.oracle.ndjson.gz
#       tracecanon's output (golang.org/x/exp/trace) for every committed
#       DIR/NAME.trace, src = the path relative to the repository
#   tests/fixtures/trace/oracle-shared/PATH.oracle.ndjson.gz
#       the same for every file of SHARED/testdata/go-trace that Go's reader
#       reads and that is expected to parse (legacy 1.11/1.19/1.21 *_good,
#       cmd-trace go122.trace, the SUCCESS tests-binary/*.trace, wild/*),
#       src = go-trace/PATH; an output larger than 512 KB gzipped is kept
#       only as PATH.oracle.sha256 ("SHA256 LINES") to bound the fixtures,
#       except stress_1_21_good's (about 1 MB): one big legacy trace whose
#       differences a test can show line by line without Go.  For legacy
#       traces (Go <= 1.21) the digest is of `tests/tracecheck.py ties`'s
#       form: Go's reader orders their tied events at random.
#
# --oracles-only keeps the committed traces and rewrites the oracles.
# SHARED defaults to ../shared next to the repository.  Needs Go 1.26 (the
# tools), Go 1.19 for the legacy fixture, npm for esbuild, python3.
set -u

die() {
	echo "gen-traces.sh: $*" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
only=0
if [ "${1:-}" = --oracles-only ]; then
	only=1
	shift
fi
shared=${1:-$top/../shared}
go126=${GO126:-go}
go119=${GO119:-/usr/lib/go-1.19/bin/go}
fix=$top/tests/fixtures/trace
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
unset GOEXPERIMENT GODEBUG

tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

GO=$go126 bash "$here/build-tools.sh" "$tmp/tools" || die "building the Go tools failed"
canon=$tmp/tools/tracecanon

# tracer GO: run the tracer built by GO into tests/fixtures/trace/goX.Y.
tracer() {
	local go=$1 v out
	command -v "$go" >/dev/null 2>&1 || die "no Go toolchain '$go'"
	v=$("$go" env GOVERSION | sed -n 's/^\(go[0-9]*\.[0-9]*\).*/\1/p')
	[ -n "$v" ] || die "cannot read the version of '$go'"
	out=$fix/$v
	mkdir -p "$out" || die "cannot create '$out'"
	(cd "$here/fixtures/tracer" && "$go" build -o "$tmp/tracer-$v" .) ||
		die "building tracer with '$go' failed"
	"$tmp/tracer-$v" -o "$out/tracer.trace" || die "tracer ($v) failed"
	"$go" version >"$out/go-version.txt"
	echo "gen-traces.sh: $out/tracer.trace ($(wc -c <"$out/tracer.trace") bytes)" >&2
}

# esbuild: a real third-party Go program's trace.
esbuild() {
	local dir=$tmp/esbuild out=$fix/esbuild bin i j k gov
	mkdir -p "$dir/src" "$out" || die "cannot create '$dir'"
	(cd "$dir" && npm install --no-audit --no-fund --silent @esbuild/linux-x64 >/dev/null 2>&1) ||
		die "npm install @esbuild/linux-x64 failed (is the npm registry reachable?)"
	bin=$dir/node_modules/@esbuild/linux-x64/bin/esbuild
	[ -x "$bin" ] || die "npm installed no $bin"
	# 400 small TypeScript modules that import each other.
	for ((i = 0; i < 400; i++)); do
		{
			for k in 1 2 3; do
				j=$(((i * 7 + k * 13) % 400))
				[ $j -gt $i ] && echo "import { f$j } from './m$j';"
			done
			echo "export function f$i(x: number): number { let s = 0; for (let k = 0; k < x; k++) { s += k * $i; } return s + $i; }"
			echo "export class C$i { constructor(public v: string = 'm$i') {} get n() { return this.v.length + $i; } }"
		} >"$dir/src/m$i.ts"
	done
	echo "import { f0, C0 } from './m0'; console.log(f0(3), new C0().n);" >"$dir/src/main.ts"
	(cd "$dir" && "$bin" --trace="$out/esbuild.trace" src/main.ts src/m*.ts --bundle --minify \
		--splitting --format=esm --outdir=out --log-level=warning) || die "esbuild --trace failed"
	# esbuild's release binaries carry no readable build info for
	# `go version -m`; then the runtime's version string is taken instead.
	gov=$("$go126" version -m "$bin" 2>/dev/null | head -n 1 | sed 's/^[^:]*: //')
	[ -n "$gov" ] || gov="$(strings "$bin" | grep -m 1 -E '^go1\.[0-9]+(\.[0-9]+)?$') (from the binary's strings; go version -m: no build info)"
	{
		echo "esbuild $("$bin" --version) (npm @esbuild/linux-x64, linux/amd64)"
		echo "built with $gov"
		echo "command: esbuild --trace=esbuild.trace src/main.ts src/m*.ts --bundle --minify --splitting --format=esm --outdir=out"
		echo "input: 400 generated TypeScript modules (tests/go/gen-traces.sh)"
	} >"$out/esbuild-version.txt"
	echo "gen-traces.sh: $out/esbuild.trace ($(wc -c <"$out/esbuild.trace") bytes)" >&2
}

# store FILE SRC DEST LIMIT: tracecanon's output for FILE with SRC as
# DEST.oracle.ndjson.gz, or as DEST.oracle.sha256 when the gzip is larger
# than LIMIT bytes.
store() {
	local out=$tmp/oracle.ndjson
	if ! "$canon" -src "$2" "$1" >"$out" 2>"$tmp/oracle.err"; then
		echo "gen-traces.sh: skipped $1: $(cat "$tmp/oracle.err")" >&2
		return 0
	fi
	mkdir -p "$(dirname "$3")" || die "cannot create '$(dirname "$3")'"
	rm -f "$3.oracle.ndjson.gz" "$3.oracle.sha256"
	gzip -9n <"$out" >"$tmp/oracle.gz"
	if [ "$(wc -c <"$tmp/oracle.gz")" -le "$4" ]; then
		mv "$tmp/oracle.gz" "$3.oracle.ndjson.gz" && chmod 644 "$3.oracle.ndjson.gz"
	else
		case $(head -c 16 "$1" | tr -d '\0') in
		"go 1."[5-9]" trace" | "go 1.1"[0-9]" trace" | "go 1.2"[01]" trace")
			python3 "$top/tests/tracecheck.py" ties "$out" >"$out.ties" && mv "$out.ties" "$out" ;;
		esac
		printf '%s %s\n' "$(sha256sum <"$out" | cut -d' ' -f1)" \
			"$(wc -l <"$out" | tr -d ' ')" >"$3.oracle.sha256"
	fi
}

if [ $only = 0 ]; then
	tracer "$go126"
	tracer "$go119"
	esbuild
fi

cd "$top" || die "no $top"
for t in tests/fixtures/trace/synth/*.test; do
	[ -e "$t" ] || continue
	python3 tests/tracetxt2bin.py "$t" "${t%.test}.trace" || die "tracetxt2bin.py $t failed"
done
for f in tests/fixtures/trace/*/*.trace; do
	[ -e "$f" ] || continue
	store "$f" "$f" "${f%.trace}" 100000000
done

pool=$shared/testdata/go-trace
if [ ! -d "$pool" ]; then
	echo "gen-traces.sh: no $pool; oracle-shared left as it is" >&2
	exit 0
fi
rm -rf "$fix/oracle-shared"
cd "$pool" || die "cannot enter $pool"
{
	# Legacy files in the formats Go's reader still reads.
	for f in golang-go/internal-trace-testdata/*_good golang-go/tracev1-testdata/*_good gotraceui/legacy/*_good; do
		case $(head -c 16 "$f" | tr -d '\0') in
		"go 1.11 trace" | "go 1.19 trace" | "go 1.21 trace") echo "$f" ;;
		esac
	done
	echo golang-go/cmd-trace-testdata/go122.trace
	for t in golang-exp/tests/*.test; do
		b=golang-exp/tests-binary/$(basename "$t" .test).trace
		[ "$(python3 "$top/tests/tracetxt2bin.py" --expect "$t")" = SUCCESS ] && echo "$b"
	done
	find wild -type f | LC_ALL=C sort
} | while IFS= read -r rel; do
	limit=524288
	[ "$rel" = golang-go/internal-trace-testdata/stress_1_21_good ] && limit=2000000
	store "$pool/$rel" "go-trace/$rel" "$fix/oracle-shared/$rel" $limit
done
du -sh "$fix" >&2
exit 0
