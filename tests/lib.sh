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

# run_ok NAME CMD...: "ok - NAME" when CMD succeeds; else "not ok - NAME"
# and the start of what CMD printed (both streams).
run_ok() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $name"
	else
		echo "not ok - $name"
		printf '%s\n' "$out" | head -n 15 | cut -c1-240 | sed 's/^/  /'
	fi
}

# golden_cmp NAME WANT GOT: the file GOT must be the golden file WANT:
# "ok - NAME", or "not ok - NAME" and the start of the diff.  With
# UPDATE_GOLDEN set, GOT becomes WANT instead ("ok - NAME (golden
# updated)"); review the diff before committing.
golden_cmp() {
	local name=$1 want=$2 got=$3
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		cp "$got" "$want" && echo "ok - $name (golden updated)"
	elif [ ! -f "$want" ]; then
		echo "not ok - $name"
		echo "  no golden file ${want#"${TOP:-}"/} (run with UPDATE_GOLDEN=1)"
	elif cmp -s "$want" "$got"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		diff -u "$want" "$got" | head -n 30 | sed 's/^/  /'
	fi
}

# go_tools WHAT: build the Go test tools (tests/go/build-tools.sh) into
# $build/go-tools and set tools to them.  Without go, or without its
# modules, it says "skip - WHAT (why)"; a failed build is "not ok"; both
# return 1.  Uses top, build and tmp.
# shellcheck disable=SC2154,SC2034 # top, build, tmp and tools are the group's
go_tools() {
	if ! command -v go >/dev/null 2>&1; then
		echo "skip - $1 (no go on PATH)"
		return 1
	fi
	"$top/tests/go/build-tools.sh" "$build/go-tools" 2>"$tmp/build.err"
	case $? in
	0) tools=$build/go-tools ;;
	2)
		echo "skip - $1 ($(tail -n 1 "$tmp/build.err" | sed 's/^build-tools.sh: //'))"
		return 1
		;;
	3)
		echo "skip - $1 (Go modules not downloadable: module proxy unreachable?)"
		return 1
		;;
	*)
		echo "not ok - build the Go tools"
		sed 's/^/  /' <"$tmp/build.err"
		return 1
		;;
	esac
}

# go_versions: the Go toolchains at hand, one a line, the one on PATH
# first, then Debian's Go 1.19 for the older formats.
go_versions() {
	echo go
	if [ -x /usr/lib/go-1.19/bin/go ]; then
		echo /usr/lib/go-1.19/bin/go
	fi
}

# pprof_flat BASE NEW INDEX: go tool pprof's flat per function of NEW
# against BASE, "fn value" lines sorted, "total N" among them (the
# differential tests of heapdiff --key=leaf against go tool pprof -top
# -diff_base).
pprof_flat() {
	local unitopt=()
	[ "$3" = inuse_space ] && unitopt=(-unit=B)
	go tool pprof -top -nodecount=100000000 -nodefraction=0 -edgefraction=0 \
		-sample_index="$3" "${unitopt[@]}" -diff_base="$1" "$2" 2>/dev/null |
		awk '/ total$/ { t = $(NF - 1); sub(/B$/, "", t); print "total " t; next }
		     /^ *flat  *flat%/ { on = 1; next }
		     on && NF >= 6 { v = $1; sub(/B$/, "", v); if (v + 0 != 0) {
			$1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); sub(/ \(inline\)$/, ""); print $0 " " v } }' |
		LC_ALL=C sort
}

# ours_flat BASE NEW INDEX: the same from heapdiff --key=leaf.
ours_flat() {
	heapdiff --key=leaf --value="$3" "$1" "$2" |
		jq -r 'if .kind == "heapdiff" then "total \(.base.total | fabs)"
			elif .delta != 0 then "\(.key) \(.delta)" else empty end' |
		LC_ALL=C sort
}
