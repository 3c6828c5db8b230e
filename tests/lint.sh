#!/usr/bin/env bash
# lint.sh - `make lint`: clang-format, shellcheck and mandoc, where installed.
#
# Each tool that is missing is named and skipped; any finding makes the
# script exit 1.  Run from anywhere; it works on the repository it lives in.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

status=0
have() { command -v "$1" >/dev/null 2>&1; }
fail() {
	echo "lint: $1" >&2
	status=1
}

# C formatting against the committed .clang-format (STYLE section 2).
cf=
for c in clang-format clang-format-14 clang-format-15 clang-format-16; do
	if have "$c"; then
		cf=$c
		break
	fi
done
if [ -z "$cf" ]; then
	echo "lint: clang-format not installed, skipped" >&2
elif [ ! -f .clang-format ]; then
	echo "lint: no .clang-format, clang-format skipped" >&2
else
	mapfile -t cfiles < <(find lib cmd tests/unit tests/fuzz \
		-name '*.[ch]' 2>/dev/null | sort)
	if [ ${#cfiles[@]} -gt 0 ] &&
		! "$cf" --dry-run --Werror "${cfiles[@]}"; then
		fail "clang-format: files differ from .clang-format (run $cf -i)"
	fi
fi

# Shell scripts.
if have shellcheck; then
	mapfile -t sh < <(ls tests/*.sh tests/groups/*.sh tests/cli/*/*.sh \
		tests/bench/*.sh share/examples/*.sh .ci/run 2>/dev/null)
	# SC2002 (useless cat) is allowed: tests pipe through cat on purpose,
	# so that standard input is a pipe and not a file.
	if [ ${#sh[@]} -gt 0 ] && ! shellcheck -s bash -e SC2002 "${sh[@]}"; then
		fail "shellcheck found problems"
	fi
	# Completions: bash only; shellcheck does not read zsh or fish.
	mapfile -t bc < <(ls completions/bash/* 2>/dev/null)
	if [ ${#bc[@]} -gt 0 ] &&
		! shellcheck -s bash -e SC2207 "${bc[@]}"; then
		fail "shellcheck found problems in bash completions"
	fi
else
	echo "lint: shellcheck not installed, skipped" >&2
fi

# Manual pages: all of mandoc's messages, style included, except the
# "referenced manual not found" ones for pages of this project (they exist
# once installed) and for the external pages we cite (they depend on what
# this machine has installed).
xr_external='jq 1|curl 1|cron 8|crontab 5|dot 1|make 1|tar 1|gzip 1|go 1'
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
		if [ -n "$out" ]; then
			printf '%s\n' "$out" >&2
			fail "mandoc: $page"
		fi
	done
else
	echo "lint: mandoc not installed, skipped" >&2
fi

exit $status
