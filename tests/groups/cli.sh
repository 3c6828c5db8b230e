#!/usr/bin/env bash
# Golden CLI tests: tests/cli/<tool>/<case>.sh, each compared with its
# sidecars <case>.stdout, .stderr and .exit (missing = empty, or 0).
# Cases run in a scratch directory with $BUILD/bin first in PATH; $TOP,
# $FIX (committed fixtures) and $SHARED are set.  UPDATE_GOLDEN=1 rewrites
# the sidecars instead of comparing (review the diff before committing).
set -u
export FIX=$TOP/tests/fixtures
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

for case in "$TOP"/tests/cli/*/*.sh; do
	[ -f "$case" ] || continue
	tool=$(basename "$(dirname "$case")")
	name=$tool/$(basename "$case" .sh)
	base=${case%.sh}
	if ! command -v "$tool" >/dev/null; then
		echo "skip - $name ($tool not built)"
		continue
	fi
	dir=$scratch/$tool/$(basename "$base")
	mkdir -p "$dir"
	(cd "$dir" && bash "$case" >"$dir.out" 2>"$dir.err" </dev/null)
	echo $? >"$dir.exit"
	# Cases that need ../shared print "skip: why" as their only output.
	if [ "$(head -c 5 "$dir.out")" = "skip:" ]; then
		echo "skip - $name ($(cut -c7- "$dir.out"))"
		continue
	fi
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		cp "$dir.out" "$base.stdout"
		cp "$dir.err" "$base.stderr"
		cp "$dir.exit" "$base.exit"
		for s in stdout stderr; do [ -s "$base.$s" ] || rm -f "$base.$s"; done
		[ "$(cat "$base.exit")" != 0 ] || rm -f "$base.exit"
		echo "ok - $name (golden updated)"
		continue
	fi
	fail=""
	for s in out:stdout err:stderr; do
		got=$dir.${s%%:*} want=$base.${s##*:}
		[ -f "$want" ] || want=/dev/null
		if ! cmp -s "$got" "$want"; then
			fail="$fail${s##*:} differs:"$'\n'"$(diff -u "$want" "$got" | head -n 20)"$'\n'
		fi
	done
	want_exit=0
	[ -f "$base.exit" ] && want_exit=$(cat "$base.exit")
	got_exit=$(cat "$dir.exit")
	[ "$got_exit" = "$want_exit" ] || fail="${fail}exit $got_exit, want $want_exit"$'\n'
	if [ -z "$fail" ]; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		printf '%s' "$fail" | sed 's/^/  /'
	fi
done
