#!/usr/bin/env bash
# Every fuzz corpus file through its target, built with gcc (no libFuzzer):
# the seeds and every fixed crash stay regression tests everywhere.
set -u
found=0
for r in "$BUILD"/tests/fuzz_*-replay; do
	[ -x "$r" ] || continue
	found=1
	target=$(basename "$r" -replay)
	dir=$TOP/tests/fuzz/corpus/$target
	if [ ! -d "$dir" ]; then
		echo "not ok - $target: no corpus in tests/fuzz/corpus/$target"
		continue
	fi
	n=$(find "$dir" -type f | wc -l)
	if out=$(find "$dir" -type f -print0 | xargs -0 -r "$r" 2>&1); then
		echo "ok - $target: $n corpus files"
	else
		echo "not ok - $target"
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/  /'
	fi
done
[ $found = 1 ] || echo "skip - no fuzz replay binaries"
