# shellcheck source=/dev/null
. "$TOP/tests/lib.sh"
test_sigpipe_ok render-dot --nodecount=0 --nodefraction=0 "$FIX/go1.26/goroutine.pb.gz"
