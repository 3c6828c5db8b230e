# --top, --min-delta, --min-pct, --points and --stream-order on the
# committed series (heap-01 .. heap-48 of leakseries).
A=$FIX/heapdiff/leakseries.tar.xz
heapdiff --series --value=inuse_space --top=2 --points=4 "$A" |
	jq -c 'if .kind == "heapdiff" then [.order, .snapshots, .skipped, .suspects, [.points[].src | sub(".*/"; "")]]
		else [.fn, .verdict, .series] end'
heapdiff --series --value=inuse_space --min-delta=100000 "$A" | jq -c 'select(.kind == "trend") | [.fn, .growth]'
heapdiff --series --value=inuse_space --min-pct=1000 --stream-order "$A" |
	jq -c 'if .kind == "heapdiff" then [.order, .first.src | sub(".*/"; "")] else [.fn, .pct] end'
heapdiff --value=goroutine --min-pct=50 "$A" |
	jq -c '[.kind, .fn, (.base | if type == "object" then .total else . end), (.new | if type == "object" then .total else . end), .pct]'
