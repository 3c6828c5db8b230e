#!/usr/bin/env bash
# oracle-pprof.sh - pprof2ndjson against google/pprof's own parser.
#
# Both sides are reduced to one canonical text (tests/canon.jq on our flat
# records; tests/go/tools/pprofcanon on pprof's Profile) and must match
# byte for byte:
#   go1.X/NAME        committed Go fixtures vs their committed canons
#   shared/PATH       ../shared/testdata/pprof files vs committed canons
#   fresh-go1.X/NAME  profiles written just now by tests/go/fixtures/leaky
#                     vs pprofcanon run now (only where Go is installed and
#                     the tools build; they are cached in $BUILD/go-tools)
# Environment (set by tests/run.sh): TOP, BUILD, SHARED; $BUILD/bin on PATH.
set -u

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BUILD:-$top/build}
shared=${SHARED:-$top/../shared}
canonjq=$top/tests/canon.jq

if ! command -v pprof2ndjson >/dev/null 2>&1; then
	echo "skip - oracle-pprof (no pprof2ndjson in \$BUILD/bin: run make)"
	exit 0
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "skip - oracle-pprof (no jq: run make deps)"
	exit 0
fi

# go_tools, go_versions (tests/lib.sh)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

tmp=$(mktemp -d) || {
	echo "not ok - oracle-pprof: mktemp failed"
	exit 0
}
trap 'rm -rf "$tmp"' EXIT

# indent: detail lines for a failure, two spaces in, long lines cut.
indent() {
	cut -c1-240 | sed 's/^/  /'
}

# ours FILE OUT: our canonical text of FILE into OUT; on failure say why.
ours() {
	if ! pprof2ndjson "$1" >"$tmp/ours.ndjson" 2>"$tmp/ours.err"; then
		echo "  pprof2ndjson failed:"
		head -n 5 "$tmp/ours.err" | indent
		return 1
	fi
	if ! jq -r -f "$canonjq" <"$tmp/ours.ndjson" >"$2" 2>"$tmp/jq.err"; then
		echo "  jq -f canon.jq failed:"
		head -n 5 "$tmp/jq.err" | indent
		return 1
	fi
}

# differ ORACLE OURS: the first differences, as detail lines.
differ() {
	diff -u --label oracle --label ours "$1" "$2" | sed -n '3,22p' | indent
}

# check NAME FILE ORACLE: ORACLE is a .canon, .canon.gz or .canon.sha256
# file, or "live" (run pprofcanon now).
check() {
	local name=$1 file=$2 oracle=$3 detail
	if ! detail=$(ours "$file" "$tmp/ours.canon"); then
		echo "not ok - $name"
		printf '%s\n' "$detail"
		return
	fi
	case $oracle in
	live)
		if ! "$tools/pprofcanon" "$file" >"$tmp/oracle.canon" 2>"$tmp/oracle.err"; then
			echo "skip - $name (pprof rejects it: $(head -n 1 "$tmp/oracle.err"))"
			return
		fi
		;;
	*.canon.gz)
		gzip -dc <"$oracle" >"$tmp/oracle.canon" ;;
	*.canon.sha256)
		local want got
		want=$(cut -d' ' -f1 <"$oracle")
		got=$(sha256sum <"$tmp/ours.canon" | cut -d' ' -f1)
		if [ "$want" = "$got" ]; then
			echo "ok - $name"
			return
		fi
		echo "not ok - $name"
		echo "  canon digest differs: oracle $(cat "$oracle") lines, ours $got $(wc -l <"$tmp/ours.canon" | tr -d ' ') lines"
		if [ -n "${tools:-}" ] && "$tools/pprofcanon" "$file" >"$tmp/oracle.canon" 2>/dev/null; then
			if cmp -s "$tmp/oracle.canon" "$tmp/ours.canon"; then
				echo "  (pprofcanon run now agrees with ours: is the committed digest stale?)"
			else
				differ "$tmp/oracle.canon" "$tmp/ours.canon"
			fi
		else
			echo "  (build the Go tools for a diff: tests/go/build-tools.sh DIR; DIR/pprofcanon FILE)"
		fi
		return
		;;
	*)
		cp "$oracle" "$tmp/oracle.canon" ;;
	esac
	if cmp -s "$tmp/oracle.canon" "$tmp/ours.canon"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		differ "$tmp/oracle.canon" "$tmp/ours.canon"
	fi
}

# oracle_for CANON_BASE: the committed oracle file for a base path, if any.
oracle_for() {
	local ext
	for ext in canon canon.gz canon.sha256; do
		if [ -f "$1.$ext" ]; then
			printf '%s\n' "$1.$ext"
			return 0
		fi
	done
	return 1
}

# A pprofcanon cached by an earlier run gives digest mismatches a diff.
tools=
[ -x "$build/go-tools/pprofcanon" ] && tools=$build/go-tools

# (a) committed Go fixtures.
found=0
for dir in "$top"/tests/fixtures/go1.*; do
	[ -d "$dir" ] || continue
	for f in "$dir"/*.pb.gz; do
		[ -e "$f" ] || continue
		name=$(basename "$dir")/$(basename "$f")
		if oracle=$(oracle_for "$dir/oracle/$(basename "$f")"); then
			found=1
			check "$name" "$f" "$oracle"
		else
			echo "not ok - $name"
			echo "  no committed canon (regenerate: tests/go/gen-oracle.sh TOOLSDIR)"
		fi
	done
done
[ $found = 1 ] || echo "skip - go fixtures (none committed under tests/fixtures/go1.*)"

# (b) the shared test data.
oshared=$top/tests/fixtures/oracle-shared
if [ ! -d "$shared/testdata/pprof" ]; then
	echo "skip - shared (no $shared/testdata/pprof)"
else
	while IFS= read -r oracle; do
		rel=${oracle#"$oshared"/}
		rel=${rel%.canon.sha256}
		rel=${rel%.canon.gz}
		rel=${rel%.canon}
		if [ -f "$shared/testdata/pprof/$rel" ]; then
			check "shared/$rel" "$shared/testdata/pprof/$rel" "$oracle"
		else
			echo "skip - shared/$rel (not in $shared/testdata/pprof)"
		fi
	done < <(find "$oshared" -type f -name '*.canon*' 2>/dev/null | LC_ALL=C sort)
fi

# (c) fresh profiles from the Go toolchains on this machine.
go_tools "fresh profiles" || exit 0

mapfile -t gos < <(go_versions)
for g in "${gos[@]}"; do
	v=$("$g" env GOVERSION 2>/dev/null | sed -n 's/^\(go[0-9]*\.[0-9]*\).*/\1/p')
	[ -n "$v" ] || v=unknown
	out=$tmp/fresh-$v
	if ! "$top/tests/go/gen-fixtures.sh" "$g" "$out" >"$tmp/gen.log" 2>&1; then
		echo "not ok - fresh-$v: gen-fixtures.sh $g"
		tail -n 10 "$tmp/gen.log" | indent
		continue
	fi
	for f in "$out"/*.pb.gz; do
		[ -e "$f" ] || continue
		check "fresh-$v/$(basename "$f")" "$f" live
	done
	# The three goroutine forms of that moment agree (issue 3's proof).
	if command -v python3 >/dev/null; then
		if agree=$(python3 "$top/tests/goroutines-agree.py" "$out" 2>&1); then
			echo "ok - fresh-$v: goroutine debug=2, debug=1 and protobuf agree"
		else
			echo "not ok - fresh-$v: goroutine debug=2, debug=1 and protobuf agree"
			printf '%s\n' "$agree" | head -n 20 | indent
		fi
	fi
done
exit 0
