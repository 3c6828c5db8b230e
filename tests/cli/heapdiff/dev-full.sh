heapdiff --series --value=inuse_space "$FIX/heapdiff/leakseries.tar.xz" >/dev/full
