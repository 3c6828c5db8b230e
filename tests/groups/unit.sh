#!/usr/bin/env bash
# Unit tests of lib/: every $BUILD/tests/*_test binary.
set -u
found=0
for t in "$BUILD"/tests/*_test; do
	[ -x "$t" ] || continue
	found=1
	name=$(basename "$t")
	"$t" | sed -e "s/^ok - /ok - $name: /" -e "s/^not ok - /not ok - $name: /"
	# A crash shows as a missing line: catch it by the status.
	rc=${PIPESTATUS[0]}
	[ "$rc" -le 1 ] || echo "not ok - $name: exited $rc"
done
[ $found = 1 ] || echo "skip - no unit test binaries (run make check)"
