# A trace is no snapshot: heapdiff says so and goes on with the others.
cp "$FIX/trace/go1.26/tracer.trace" .
heapdiff --top=1 tracer.trace "$FIX/go1.26/heap.1.pb.gz" "$FIX/go1.26/heap.4.pb.gz" | jq -c '[.kind, .fn]'
echo "exit ${PIPESTATUS[0]}"
