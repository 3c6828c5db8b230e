#!/usr/bin/env bash
# torture.sh - the small, fixed-seed mutation sweep (tests/torture.py):
# damaged copies of valid inputs for every program; no crash, no hang, and
# no silent acceptance where the damage is always detectable (gzip
# trailers, gzip of zeros, zeroed binary, text cut mid-line).  The full
# sweep is `make torture`.
# Environment (set by tests/run.sh): TOP; $BUILD/bin on PATH.
set -u

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v pprof2ndjson >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	echo "skip - torture (programs not built, or no python3)"
	exit 0
fi
if out=$(python3 "$top/tests/torture.py" --seed 1 --per 1 --inputs 12 2>&1); then
	echo "ok - mutation sweep, seed 1: $(echo "$out" | head -n 1)"
else
	echo "not ok - mutation sweep, seed 1"
	echo "$out" | head -n 30 | sed 's/^/  /'
fi
