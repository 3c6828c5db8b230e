# shellcheck source=/dev/null
. "$TOP/tests/lib.sh"
test_sigpipe_ok gcycle --edges "$FIX/gcycle/go1.26/waitgraph.trace"
