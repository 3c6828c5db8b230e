# Partials are read with --merge only; partials that disagree are refused
# (their records skipped), the others still merge.
F=$FIX/go1.26
heapdiff --partial "$F/heap.1.pb.gz" > a.part
heapdiff --partial --key=leaf "$F/heap.4.pb.gz" > b.part
heapdiff --partial "$F/heap.4.pb.gz" > c.part
heapdiff a.part
echo "exit $?"
cp "$F/heap.1.pb.gz" .
heapdiff --merge heap.1.pb.gz
echo "exit $?"
heapdiff --merge a.part b.part c.part | jq -c 'select(.kind == "heapdiff") | [.snapshots, .keys, .delta]'
echo "exit ${PIPESTATUS[0]}"
printf '{"kind":"partial","value":"inuse_space","key_by":"stack"}\n{"kind":"column","ids":[3],"values":[1]}\n' |
	heapdiff --merge
echo "exit $?"
