# heapdiff --series: the suspects stand out.
heapdiff --series --value=inuse_space "$FIX/heapdiff/leakseries.tar.xz" | render-dot
