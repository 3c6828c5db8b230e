# heapdiff's pair mode: the graph coloured by growth.
heapdiff "$FIX/go1.26/heap.1.pb.gz" "$FIX/go1.26/heap.4.pb.gz" | render-dot
