# gcycle's real output on its Go 1.26 waitgraph trace: four cycles, each in
# its own red cluster, and stuck goroutines whose wakers exited.
gcycle "$FIX/gcycle/go1.26/waitgraph.trace" | render-dot
