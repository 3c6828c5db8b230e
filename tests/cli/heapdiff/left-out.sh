# Nothing is chosen silently.  Profiles without the compared type are left
# out, and stderr says which and how to compare them; when none has it,
# that is no answer: exit 67 (as pprof2ndjson --values does).
S=$TOP/share/samples/nightly.tar.gz
heapdiff --series "$S" | jq -c '{snapshots, skipped}' | head -1
echo "exit ${PIPESTATUS[0]}"
heapdiff --value=goroutine "$S" | jq -c '{snapshots, skipped}' | head -1
echo "exit ${PIPESTATUS[0]}"
heapdiff --value=nope "$S"
echo "exit $?"
heapdiff --series --value=nope "$FIX/go1.26/heap.1.pb.gz" "$FIX/go1.26/heap.2.pb.gz"
echo "exit $?"
