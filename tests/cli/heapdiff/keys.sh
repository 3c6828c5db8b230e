# Every --key on real profiles (go1.26 fixtures: the leaky cache grows
# between heap.1 and heap.4; goroutines carry pprof labels).
F=$FIX/go1.26
for k in stack funcs leaf first-user signature; do
	echo "== --key=$k"
	heapdiff --key=$k --top=3 "$F/heap.1.pb.gz" "$F/heap.4.pb.gz" |
		jq -c 'if .kind == "heapdiff" then [.key_by, .keys, .delta]
			else [(.key | if length > 40 then .[0:16] else . end), .fn, .delta] end'
done
echo "== --key=label:worker, goroutines of go1.19 and go1.26 runs"
heapdiff --key=label:worker --value=goroutine --stream-order "$FIX/go1.19/goroutine.pb.gz" "$F/goroutine.pb.gz" |
	jq -c 'if .kind == "heapdiff" then [.order, (.base.src, .new.src | sub(".*/fixtures/"; ""))]
		else [.key, .base, .new] end'
echo "== --drop-runtime --key=funcs, a dump and a profile: stream order"
heapdiff --drop-runtime --key=funcs --min-delta=1 "$F/goroutine.debug2.txt" "$F/goroutine.pb.gz" |
	jq -c 'if .kind == "heapdiff" then [.order, .value, .base.total, .new.total]
		else [.fn, .base, .new] end'
