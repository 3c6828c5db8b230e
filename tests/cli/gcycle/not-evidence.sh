# A heap profile holds no goroutine waits: said, exit 65; the trace after
# it is still analysed.
cp "$FIX/go1.26/heap.pb.gz" heap.pb.gz
cp "$FIX/gcycle/go1.26/waitgraph.trace" trace.out
gcycle --min-size=3 heap.pb.gz trace.out | jq -c '[.kind, .size]'
echo "exit ${PIPESTATUS[0]}"
