# Folded stacks, root first, from a profile, a dump and a heapdiff.
render-dot --folded "$FIX/go1.26/heap.pb.gz"
echo "--"
render-dot --folded "$FIX/go1.19/goroutine.debug2.txt" | sort
echo "--"
heapdiff "$FIX/go1.26/heap.1.pb.gz" "$FIX/go1.26/heap.4.pb.gz" | render-dot --folded --focus=storeSession
