stackcluster "$FIX/crowd/go1.26/goroutine.debug2.txt.gz" >/dev/full
