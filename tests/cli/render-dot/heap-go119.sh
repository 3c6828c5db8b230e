# A Go 1.19 heap profile, another value, every node.
render-dot --value=alloc_space --nodecount=0 --nodefraction=0 "$FIX/go1.19/heap.pb.gz"
