# gcycle's edge, cycle and stuck records (hand-written to the contract of
# /work/coord/record-gcycle.md until gcycle lands): goroutines as nodes,
# each cycle in its own red cluster, stuck goroutines and their chains in
# orange, an exited waker dashed, "the runtime" for id -1.
render-dot "$FIX/render-dot/gcycle.ndjson"
