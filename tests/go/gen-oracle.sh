#!/usr/bin/env bash
# gen-oracle.sh TOOLSDIR [SHARED] - regenerate the committed oracle outputs
# with TOOLSDIR/pprofcanon (build it with tests/go/build-tools.sh TOOLSDIR):
#
#   tests/fixtures/goX.Y/oracle/NAME.canon   for every tests/fixtures/goX.Y/NAME.pb.gz
#   tests/fixtures/oracle-shared/PATH.canon  for every file SHARED/testdata/pprof/INDEX.md
#                                            marks "parse" that pprof parses as protobuf
#
# SHARED defaults to ../shared next to the repository.  A canon longer than
# 32 KiB is stored gzipped (PATH.canon.gz) when that is at most 64 KiB, and
# otherwise only as its digest (PATH.canon.sha256: "SHA256 LINES"), so that
# the committed fixtures stay small.  Files pprof does not parse as protobuf
# (its legacy text and binary formats) get no canon: pprof ignores the symbol
# lines of legacy text, so it is no oracle for what leakpipe reads there.
set -u

die() {
	echo "gen-oracle.sh: $*" >&2
	exit 1
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	die "usage: gen-oracle.sh TOOLSDIR [SHARED]"
fi
canon=$1/pprofcanon
[ -x "$canon" ] || die "no '$canon' (run tests/go/build-tools.sh first)"
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${2:-$top/../shared}

# store SRC DEST: write SRC's canon as DEST.canon, .canon.gz or .canon.sha256.
store() {
	local tmp
	tmp=$(mktemp) || die "mktemp failed"
	if ! "$canon" "$1" >"$tmp" 2>"$tmp.err"; then
		echo "gen-oracle.sh: skipped $1: $(cat "$tmp.err")" >&2
		rm -f "$tmp" "$tmp.err"
		return 0
	fi
	rm -f "$tmp.err" "$2.canon" "$2.canon.gz" "$2.canon.sha256"
	mkdir -p "$(dirname "$2")" || die "cannot create '$(dirname "$2")'"
	if [ "$(wc -c <"$tmp")" -le 32768 ]; then
		mv "$tmp" "$2.canon" && chmod 644 "$2.canon"
	elif [ "$(gzip -9n <"$tmp" | wc -c)" -le 65536 ]; then
		gzip -9n <"$tmp" >"$2.canon.gz"
		rm -f "$tmp"
	else
		printf '%s %s\n' "$(sha256sum <"$tmp" | cut -d' ' -f1)" \
			"$(wc -l <"$tmp" | tr -d ' ')" >"$2.canon.sha256"
		rm -f "$tmp"
	fi
}

for dir in "$top"/tests/fixtures/go1.*; do
	[ -d "$dir" ] || continue
	rm -rf "$dir/oracle"
	for f in "$dir"/*.pb.gz; do
		[ -e "$f" ] || continue
		store "$f" "$dir/oracle/$(basename "$f")"
	done
done

index=$shared/testdata/pprof/INDEX.md
if [ -f "$index" ]; then
	rm -rf "$top/tests/fixtures/oracle-shared"
	awk -F'|' '/^\| `/ {
		f = $2; e = $5
		gsub(/^ *`|` *$/, "", f); gsub(/^ +| +$/, "", e)
		if (e ~ /^parse/) print f
	}' "$index" | while IFS= read -r rel; do
		store "$shared/testdata/pprof/$rel" "$top/tests/fixtures/oracle-shared/$rel"
	done
else
	echo "gen-oracle.sh: no $index; oracle-shared left as it is" >&2
fi
exit 0
