#!/usr/bin/env bash
# tables.sh - the view for people, through a pseudo-terminal.
#
# heapdiff's table is run on a real pty (tests/ptyrun.py: a terminal of a
# given size, as a person's would be) on golden inputs, and its exact text
# compared with tests/golden/tables/*.txt (UPDATE_GOLDEN=1 rewrites them).
# Then: records in pipes, --format both ways, the width from the terminal
# or COLUMNS, colour only on a terminal and never with NO_COLOR or a dumb
# TERM, and what a program says when it waits for a terminal's input.
# Environment (set by tests/run.sh): TOP, BUILD; $BUILD/bin on PATH.
set -u

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
gold=$top/tests/golden/tables
pty="python3 $top/tests/ptyrun.py"
sample=$top/share/samples/nightly.tar.gz
net=$top/tests/fixtures/nethttp

for p in heapdiff pprof2ndjson python3; do
	if ! command -v $p >/dev/null 2>&1; then
		echo "skip - tables (no $p)"
		exit 0
	fi
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
# golden_cmp, run_ok (tests/lib.sh)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"
# Inputs named as a person would name them (the summary shows the names).
tar -xzf "$sample"
cp "$net"/goroutine-1.pb.gz "$net"/goroutine-2.pb.gz .
unset COLUMNS NO_COLOR
export TERM=xterm

# golden NAME COLS CMD...: CMD on a COLS-wide pty, without colour, must
# print exactly $gold/NAME.txt.
golden() {
	local name=$1 cols=$2
	shift 2
	NO_COLOR=1 $pty --cols "$cols" -- "$@" >"$tmp/$name.txt" 2>&1
	golden_cmp "$name: exact text on a $cols-column terminal" \
		"$gold/$name.txt" "$tmp/$name.txt"
}

golden series-100 100 heapdiff --series nightly/heap-0*.pb.gz nightly/heap.debug1.txt
golden diff-80 80 heapdiff nightly/heap-01.pb.gz nightly/heap-04.pb.gz
golden archive-120 120 heapdiff --series --top=8 "$sample"
golden nethttp-90 90 heapdiff --value=goroutine goroutine-1.pb.gz goroutine-2.pb.gz
golden narrow-50 50 heapdiff --top=4 nightly/heap-01.pb.gz nightly/heap-04.pb.gz

no_gopark() {
	# The rows of blocked net/http connections are named by their own
	# code, not all by runtime.gopark; the two that share a name are told
	# apart by a site.
	! grep -q 'runtime.gopark' "$tmp/nethttp-90.txt" || return 1
	[ "$(grep -c 'net.(\*netFD).Read .*server.go:\|net.(\*netFD).Read .*reader.go:' "$tmp/nethttp-90.txt")" = 2 ]
}
run_ok "nethttp: no key reads runtime.gopark; shared names get sites" no_gopark

widths() {
	local w=$1 f=$2 long
	# (awk counts bytes: the 3-byte "…" counts as one column.)
	long=$(sed 's/…/./g' "$f" | awk -v w="$w" 'NR > 3 && length($0) > w')
	[ -z "$long" ] || { echo "lines over $w:"; echo "$long"; return 1; }
}
run_ok "rows fit the terminal (TIOCGWINSZ)" widths 80 "$tmp/diff-80.txt"
cols_env() {
	COLUMNS=70 NO_COLOR=1 $pty --cols 200 -- heapdiff nightly/heap-01.pb.gz nightly/heap-04.pb.gz >"$tmp/c70" 2>&1 &&
		widths 70 "$tmp/c70" &&
		sed 's/…/./g' "$tmp/c70" | awk 'NR > 3 && length($0) > 65 { found = 1 } END { exit !found }'
}
run_ok "COLUMNS wins over the terminal's width" cols_env

colour() {
	$pty --cols 100 -- heapdiff --series nightly/heap-0*.pb.gz >"$tmp/col" 2>&1 || return 1
	grep -q $'\033\\[1mverdict' "$tmp/col" || { echo "no bold heading"; cat -v "$tmp/col" | head -5; return 1; }
	grep -q $'\033\\[31msuspect' "$tmp/col" || { echo "no red suspect"; cat -v "$tmp/col" | head -5; return 1; }
	# Colour or not, the text is the same.
	sed 's/\x1b\[[0-9;]*m//g' "$tmp/col" >"$tmp/col.plain"
	NO_COLOR=1 $pty --cols 100 -- heapdiff --series nightly/heap-0*.pb.gz >"$tmp/nocol" 2>&1
	cmp -s "$tmp/col.plain" "$tmp/nocol" || { diff "$tmp/nocol" "$tmp/col.plain" | head; return 1; }
}
run_ok "colour on a terminal: bold heading, red suspects, same text" colour
nocolour() {
	NO_COLOR=1 $pty -- heapdiff --series nightly/heap-0*.pb.gz | grep -q $'\033' && { echo "NO_COLOR=1"; return 1; }
	TERM=dumb $pty -- heapdiff --series nightly/heap-0*.pb.gz | grep -q $'\033' && { echo "TERM=dumb"; return 1; }
	heapdiff --format=table --series nightly/heap-0*.pb.gz | grep -q $'\033' && { echo "a pipe"; return 1; }
	return 0
}
run_ok "no colour with NO_COLOR, a dumb TERM, or off a terminal" nocolour

records_in_pipes() {
	[ "$(heapdiff nightly/heap-01.pb.gz nightly/heap-04.pb.gz | head -c 20)" = '{"kind":"heapdiff","' ] || return 1
	NO_COLOR=1 $pty -- heapdiff --format=ndjson nightly/heap-01.pb.gz nightly/heap-04.pb.gz >"$tmp/nd" || return 1
	head -c 20 "$tmp/nd" | grep -q '^{"kind":"heapdiff"' || { head -c 300 "$tmp/nd"; return 1; }
	# A table asked for in a pipe: whole rows, as wide as they are.
	heapdiff --format=table nightly/heap-01.pb.gz nightly/heap-04.pb.gz >"$tmp/tp"
	if ! grep -q '^ *base  *new  *delta' "$tmp/tp"; then
		head -5 "$tmp/tp"
		return 1
	fi
}
run_ok "NDJSON in a pipe, --format=ndjson on a terminal, --format=table in a pipe" records_in_pipes

usage() {
	heapdiff --format=nope nightly/heap-01.pb.gz 2>"$tmp/e"
	if [ $? != 64 ] || ! grep -q "unknown format 'nope' (table or ndjson)" "$tmp/e"; then
		cat "$tmp/e"
		return 1
	fi
	heapdiff --partial --format=table nightly/heap-01.pb.gz 2>"$tmp/e"
	[ $? = 64 ] || { cat "$tmp/e"; return 1; }
}
run_ok "--format=nope and --partial --format=table are usage errors (64)" usage

waiting() {
	$pty --eof 0.5 -- pprof2ndjson >"$tmp/w" 2>&1
	grep -q '^pprof2ndjson: reading a profile, dump or archive from the terminal' "$tmp/w" ||
		{ cat "$tmp/w"; return 1; }
	# Every program that reads standard input says so, and what it reads.
	for p in trace2ndjson heapdiff stackcluster gcycle render-dot; do
		$pty --eof 0.5 -- $p >"$tmp/w" 2>&1
		if ! grep -q "^$p: reading .* from the terminal" "$tmp/w" ||
			grep -q "reading input from" "$tmp/w"; then
			cat "$tmp/w"
			return 1
		fi
	done
	# Not on a pipe.
	: | pprof2ndjson 2>&1 | grep -q 'from the terminal' && return 1
	return 0
}
run_ok "a program reading a terminal says what it waits for" waiting

readme() {
	# The table README.md shows is this very golden text.
	awk '/^\$ heapdiff --series --top=8 / { on = 1; next } on && /^```$/ { exit } on' \
		"$top/README.md" >"$tmp/readme-table"
	cmp -s "$tmp/readme-table" "$gold/archive-120.txt" ||
		{ diff "$gold/archive-120.txt" "$tmp/readme-table" | head; return 1; }
}
run_ok "README.md shows the table as heapdiff draws it" readme
