#!/usr/bin/env bash
# The test runner: runs every test group and ends with "N passed, N failed".
#
# A group is an executable script tests/groups/NAME.sh.  It prints one line
# per test: "ok - NAME", "not ok - NAME" (details on the following lines,
# indented by two spaces or more), or "skip - NAME (why)".  run.sh numbers
# them, and exits non-zero if any test failed.  Arguments select groups.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
export BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
export TOP=$top LC_ALL=C TZ=UTC
export PATH="$BUILD/bin:$PATH"
export SHARED=${SHARED:-$top/../shared}

groups=()
if [ $# -gt 0 ]; then
	for g in "$@"; do groups+=("$top/tests/groups/$g.sh"); done
else
	for g in "$top"/tests/groups/*.sh; do groups+=("$g"); done
fi

n=0 pass=0 fail=0 skip=0
for g in "${groups[@]}"; do
	name=$(basename "$g" .sh)
	while IFS= read -r line; do
		case $line in
		"ok - "*)
			n=$((n + 1)) pass=$((pass + 1))
			echo "ok $n - $name: ${line#ok - }" ;;
		"not ok - "*)
			n=$((n + 1)) fail=$((fail + 1))
			echo "not ok $n - $name: ${line#not ok - }" ;;
		"skip - "*)
			skip=$((skip + 1))
			echo "skip - $name: ${line#skip - }" ;;
		*) echo "$line" ;;
		esac
	done < <(bash "$g" 2>&1; rc=$?; [ $rc -eq 0 ] || echo "not ok - group exited $rc")
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
