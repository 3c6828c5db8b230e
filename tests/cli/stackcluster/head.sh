# shellcheck source=/dev/null
. "$TOP/tests/lib.sh"
test_sigpipe_ok stackcluster "$FIX/crowd/go1.26/goroutine.debug2.txt.gz"
