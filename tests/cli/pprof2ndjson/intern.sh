# --intern: stack records come before first use, ids are shared across
# units, and resolving them gives back exactly the flat output.
f=$FIX/go1.26/goroutine.pb.gz
pprof2ndjson "$f" "$f" > flat.ndjson
pprof2ndjson --intern "$f" "$f" > interned.ndjson
echo "stack records: $(jq -c 'select(.kind=="stack")' interned.ndjson | wc -l)"
echo "distinct stacks: $(jq -c 'select(.kind=="sample") | .stack' flat.ndjson | sort -u | wc -l)"
jq -c -n '[inputs] | (map(select(.kind == "stack") | {key: (.id | tostring), value: .frames}) | from_entries) as $s
	| .[] | select(.kind != "stack")
	| if .stack_id then (. as $r | del(.stack_id) | to_entries
		| map(if .key == "values" then ., {key: "stack", value: $s[$r.stack_id | tostring]} else . end)
		| from_entries) else . end' interned.ndjson > resolved.ndjson
jq -c . flat.ndjson | cmp - resolved.ndjson && echo "resolved equals flat"
