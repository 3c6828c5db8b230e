# shellcheck source=/dev/null
. "$TOP/tests/lib.sh"
test_sigpipe_ok heapdiff --series --value=inuse_space "$FIX/heapdiff/leakseries.tar.xz"
