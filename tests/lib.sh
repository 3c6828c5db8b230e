# tests/lib.sh - helpers for CLI cases (sourced): git's test-lib spirit.

# Run a command that must fail cleanly: a crash (signal) or a command that
# could not be run counts as a failure of the test.  Prints "exit N".
test_must_fail() {
	"$@"
	rc=$?
	if [ $rc -gt 128 ] || [ $rc = 126 ] || [ $rc = 127 ]; then
		echo "test_must_fail: '$*' died with status $rc" >&2
		return 1
	fi
	echo "exit $rc"
}

# The status of the writer in `CMD | head -n 1` must be 0 or SIGPIPE's 141,
# and it must print nothing on stderr.
test_sigpipe_ok() {
	"$@" 2>sigpipe.err | head -n 1 >/dev/null
	rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ] && [ "$rc" != 141 ]; then
		echo "test_sigpipe_ok: '$*' exited $rc" >&2
		return 1
	fi
	cat sigpipe.err >&2
	echo "sigpipe ok"
}

# Skip the case (prints the marker the runner looks for) without ../shared.
need_shared() {
	if [ ! -d "$SHARED/testdata" ]; then
		echo "skip: ../shared/testdata is absent"
		exit 0
	fi
}

# The test groups' verdict line: result NAME DETAILS is "ok - NAME" when
# DETAILS is empty, else "not ok - NAME" and the start of DETAILS.
result() {
	if [ -z "$2" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		printf '%s\n' "$2" | head -n 15 | cut -c1-240 | sed 's/^/  /'
	fi
}
