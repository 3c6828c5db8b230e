#!/usr/bin/env bash
# drift.sh - the code, the manual pages and the completions agree.
#
# For every program cmd/PROG/: man/PROG.1 and the three completion files
# exist; every long option in PROG's `struct option` table (plus the common
# ones from LP_CLI_COMMON_LONGOPTS in lib/cli.h) is documented in the page,
# offered by every completion and mentioned by --help; the page's SYNOPSIS
# and the completions offer no option the program lacks; --help's usage is
# the SYNOPSIS.  Then: mandoc lint on every page, syntax checks of the
# completions, and the banned-function grep of STYLE section 2.
#
# Protocol (tests/run.sh): "ok - NAME", "not ok - NAME" with indented
# details, "skip - NAME (why)".  Environment: TOP (repo root), BUILD.
# Option names are single words, so word-splitting $(...) is intended.
# shellcheck disable=SC2013
set -u
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
bindir=${BUILD:-$top/build}/bin

ok() { echo "ok - $1"; }
skip() { echo "skip - $1 ($2)"; }
# not_ok NAME DETAILS: details (one item per line) are indented.
not_ok() {
	echo "not ok - $1"
	printf '%s\n' "$2" | sed 's/^/    /'
}
# check NAME DETAILS: ok when DETAILS is empty.
check() {
	if [ -z "$2" ]; then ok "$1"; else not_ok "$1" "$2"; fi
}
have() { command -v "$1" >/dev/null 2>&1; }

# The long options of a macro of lib/cli.h (LP_CLI_COMMON_LONGOPTS,
# LP_CLI_PROGRESS_LONGOPTS), from lib/cli.h itself.
common_longopts() {
	sed -n "/^#define ${1:-LP_CLI_COMMON_LONGOPTS}/,/[^\\\\]\$/p" lib/cli.h |
		grep -o '{ *"[A-Za-z0-9_-]*"' | tr -d '{" '
}

# The long options of a program: every { "name", ... } entry inside a
# `struct option` table of its C files, and the common ones when the table
# uses LP_CLI_COMMON_LONGOPTS.
longopts() {
	awk '
	/struct[ \t]+option[ \t]/ { intab = 1 }
	intab {
		line = $0
		sub(/\/\/.*/, "", line)
		if (match(line, /LP_CLI_[A-Z]+_LONGOPTS/))
			print "@" substr(line, RSTART, RLENGTH)
		while (match(line, /\{[ \t]*"[A-Za-z0-9_-]+"[ \t]*,/)) {
			s = substr(line, RSTART, RLENGTH)
			gsub(/[{ \t",]/, "", s)
			print s
			line = substr(line, RSTART + RLENGTH)
		}
		if ($0 ~ /};/)
			intab = 0
	}' "$@" | while read -r o; do
		case $o in
		@*) common_longopts "${o#@}" ;;
		*) echo "$o" ;;
		esac
	done | sort -u
}

# The short option letters of a program, from its getopt_long optstring
# (a string literal; empty when it is not one, and the check is skipped).
shortopts() {
	tr '\n' ' ' < <(cat "$@") |
		grep -o 'getopt_long *([^,]*,[^,]*, *"[^"]*"' |
		sed 's/.*"\([^"]*\)"/\1/' | tr -d ':+-' | fold -w1 | sort -u
}

# The SYNOPSIS section of an mdoc page, raw.
synopsis() {
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$1" | sed '1d;$d'
}

# External pages the manuals may cite: mandoc reports them as not found
# on a machine without them, which says nothing about our pages.
xr_external='jq 1|curl 1|cron 8|crontab 5|dot 1|make 1|tar 1|gzip 1|go 1'

progs=()
for d in cmd/*/; do
	[ -d "$d" ] || continue
	p=${d%/}
	progs+=("${p#cmd/}")
done
if [ ${#progs[@]} -eq 0 ]; then
	skip "programs" "no cmd/*/ directories"
fi

for prog in "${progs[@]}"; do
	srcs=(cmd/"$prog"/*.c)
	man=man/$prog.1
	bc=completions/bash/$prog
	zc=completions/zsh/_$prog
	fc=completions/fish/$prog.fish

	missing=
	for f in "$man" "$bc" "$zc" "$fc"; do
		[ -f "$f" ] || missing+="missing $f"$'\n'
	done
	check "$prog: man page and completions exist" "${missing%$'\n'}"

	if [ ! -f "${srcs[0]}" ]; then
		skip "$prog: options" "no C source in cmd/$prog yet"
		continue
	fi
	opts=$(longopts "${srcs[@]}")
	if [ -z "$opts" ]; then
		not_ok "$prog: options" "no struct option table found in cmd/$prog"
		continue
	fi
	shorts=$(shortopts "${srcs[@]}")

	# Every long option is in the page and in each completion.
	for f in "$man" "$bc" "$zc" "$fc"; do
		[ -f "$f" ] || continue
		out=
		for o in $opts; do
			case $f in
			*.1) pat="Fl -$o([^A-Za-z0-9_-]|\$)" ;;
			*.fish) pat="(-l|--long) $o([^A-Za-z0-9_-]|\$)" ;;
			*) pat="--$o([^A-Za-z0-9_-]|\$)" ;;
			esac
			grep -Eq -- "$pat" "$f" || out+="--$o is not in $f"$'\n'
		done
		check "$prog: every option is in $f" "${out%$'\n'}"
	done

	# Nothing is offered that the program lacks.
	if [ -f "$man" ]; then
		out=
		syn=$(synopsis "$man")
		for o in $(grep -o 'Fl -[A-Za-z0-9_-]*' <<<"$syn" | cut -c5-); do
			grep -qx -- "$o" <<<"$opts" ||
				out+="SYNOPSIS has --$o, which $prog lacks"$'\n'
		done
		if [ -n "$shorts" ]; then
			for o in $(grep -o 'Fl [A-Za-z0-9]*' <<<"$syn" | cut -c4- |
				fold -w1); do
				grep -qx -- "$o" <<<"$shorts" ||
					out+="SYNOPSIS has -$o, which $prog lacks"$'\n'
			done
		fi
		check "$prog: SYNOPSIS offers only real options" "${out%$'\n'}"
	fi
	out=
	for f in "$bc" "$zc"; do
		[ -f "$f" ] || continue
		for o in $(grep -v '^[[:space:]]*#' "$f" |
			grep -oE -- '--[A-Za-z][A-Za-z0-9_-]*' | cut -c3- | sort -u); do
			grep -qx -- "$o" <<<"$opts" ||
				out+="$f offers --$o, which $prog lacks"$'\n'
		done
	done
	if [ -f "$fc" ]; then
		for o in $(grep -oE -- '(-l|--long) [A-Za-z0-9_-]+' "$fc" |
			awk '{print $2}' | sort -u); do
			grep -qx -- "$o" <<<"$opts" ||
				out+="$fc offers --$o, which $prog lacks"$'\n'
		done
		if [ -n "$shorts" ]; then
			for o in $(grep -oE -- '(-s|--short) [A-Za-z0-9]' "$fc" |
				awk '{print $2}' | sort -u); do
				grep -qx -- "$o" <<<"$shorts" ||
					out+="$fc offers -$o, which $prog lacks"$'\n'
			done
		fi
	fi
	check "$prog: completions offer only real options" "${out%$'\n'}"

	# --help mentions every long option, and its usage is the SYNOPSIS.
	if [ ! -x "$bindir/$prog" ]; then
		skip "$prog: --help" "$bindir/$prog not built"
		continue
	fi
	help=$("$bindir/$prog" --help 2>&1)
	rc=$?
	out=
	[ $rc -eq 0 ] || out+="--help exited $rc"$'\n'
	for o in $opts; do
		grep -Eq -- "--$o([^A-Za-z0-9_-]|\$)" <<<"$help" ||
			out+="--help does not mention --$o"$'\n'
	done
	check "$prog: --help mentions every option" "${out%$'\n'}"

	if have mandoc && [ -f "$man" ]; then
		want=$(mandoc -T ascii "$man" 2>/dev/null | col -b |
			sed -n '/^SYNOPSIS/,/^[A-Z]/p' | sed '1d;$d' |
			tr -s ' \n\t' ' ' | sed 's/^ //;s/ $//' | tr '[:upper:]' '[:lower:]')
		got=$(sed -n '/^[Uu]sage:/,/^$/p' <<<"$help" |
			tr -s ' \n\t' ' ' | sed 's/^[Uu]sage: //;s/ $//' |
			tr '[:upper:]' '[:lower:]')
		if [ "$want" = "$got" ]; then
			ok "$prog: --help usage is the SYNOPSIS"
		else
			not_ok "$prog: --help usage is the SYNOPSIS" \
				"SYNOPSIS: $want"$'\n'"usage:    $got"
		fi
	fi

	v=$("$bindir/$prog" --version 2>&1)
	if [[ $v =~ ^$prog\ \(leakpipe\)\ [0-9]+\.[0-9]+\.[0-9]+$ ]]; then
		ok "$prog: --version"
	else
		not_ok "$prog: --version" "got '$v'"
	fi
done

# Pages and completions for programs that do not exist.
out=
for f in man/*.1 completions/bash/* completions/zsh/_* \
	completions/fish/*.fish; do
	[ -f "$f" ] || continue
	n=${f##*/}
	n=${n%.1}
	n=${n%.fish}
	n=${n#_}
	[ -d "cmd/$n" ] || out+="$f: no program cmd/$n"$'\n'
done
check "no stale pages or completions" "${out%$'\n'}"

# mandoc lint, clean.  "referenced manual not found" depends on what is
# installed, so it is forgiven for our own pages and the external ones we
# cite, and reported for anything else (a typo in an .Xr).
if have mandoc; then
	for page in man/*.[1-9]; do
		[ -f "$page" ] || continue
		out=$(mandoc -T lint "$page" 2>&1 |
			grep -v 'outdated mandoc.db' |
			while IFS= read -r l; do
				if [[ $l =~ referenced\ manual\ not\ found:\ Xr\ ([^ ]+)\ ([0-9a-z]+) ]]; then
					n=${BASH_REMATCH[1]} s=${BASH_REMATCH[2]}
					[ -f "man/$n.$s" ] && continue
					[ -d "cmd/$n" ] && continue
					[[ "$n $s" =~ ^($xr_external)$ ]] && continue
				fi
				echo "$l"
			done)
		check "mandoc -T lint $page" "$out"
	done
else
	skip "mandoc lint" "mandoc not installed"
fi

# Shell syntax of the completions.
for f in completions/bash/*; do
	[ -f "$f" ] || continue
	check "bash -n $f" "$(bash -n "$f" 2>&1)"
done
for sh in zsh fish; do
	for f in completions/"$sh"/*; do
		[ -f "$f" ] || continue
		if have "$sh"; then
			check "$sh -n $f" "$("$sh" -n "$f" 2>&1)"
		else
			skip "$sh -n $f" "$sh not installed"
		fi
	done
done

# STYLE section 2: banned functions, outside comments and string literals.
banned='gets|strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atof|alloca'
files=$(find lib cmd -name '*.[ch]' 2>/dev/null | sort)
if [ -z "$files" ]; then
	skip "banned functions" "no C files"
elif ! have perl; then
	skip "banned functions" "perl not installed"
else
	# shellcheck disable=SC2086
	out=$(perl -e '
		my $re = qr/(?<![\w.>])(?:'"$banned"')\s*\(/;
		for my $f (@ARGV) {
			open(my $fh, "<", $f) or next;
			local $/;
			my $t = <$fh>;
			# Blank out comments and literals, keeping the newlines.
			$t =~ s{/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|'"'"'(?:\\.|[^'"'"'\\\n])*'"'"'}
			       {my $m = $&; $m =~ tr/\n//cd; $m}gse;
			my $n = 0;
			for my $l (split /\n/, $t, -1) {
				$n++;
				print "$f:$n: $l\n" if $l =~ $re;
			}
		}' $files)
	check "banned functions in lib/ and cmd/" "$out"
fi

# STYLE section 1: programs include leakpipe.h and no other lib/ header
# (a program's own headers in its cmd/ folder are its own business).
check "cmd/ includes lib/ through leakpipe.h only" \
	"$(grep -Hn '^#include "' cmd/*/*.[ch] 2>/dev/null | while IFS= read -r l; do
		h=${l#*#include \"}
		h=${h%%\"*}
		[ "$h" != leakpipe.h ] && [ -f "lib/$h" ] && echo "$l"
	done)"
