# A diff needs two snapshots.
heapdiff "$FIX/go1.26/heap.1.pb.gz"
echo "exit $?"
# Snapshots without the compared type are skipped, and said so.
heapdiff --value=nope "$FIX/go1.26/heap.1.pb.gz" "$FIX/go1.26/heap.4.pb.gz"
echo "exit $?"
