# --goroutines marks the wait of a goroutine already blocked when the
# trace began as a lower bound: exactly the goroutines that Go's reader
# (the committed oracle) shows entering Waiting from Undetermined and
# never leaving it (a generation's re-announcement, Waiting to Waiting,
# is no change).  One Go 1.26 and one Go 1.19 trace.
for v in go1.26 go1.19; do
	fix=$FIX/trace/$v/tracer
	gzip -dc "$fix.oracle.ndjson.gz" |
		jq -r 'select(.ev == "StateTransition" and .resource == "goroutine") |
			"\(.id) \(.from) \(.to)"' |
		awk '$2 != $3 { last[$1] = $2 " " $3 } END { for (g in last) if (last[g] == "Undetermined Waiting") print g }' |
		sort -n > want.txt
	trace2ndjson --goroutines "$fix.trace" |
		jq -r 'select(.wait_lower_bound) | .id' | sort -n > got.txt
	trace2ndjson --goroutines "$fix.trace" |
		jq -r 'select(.alive and .wait_ns != null and (.wait_lower_bound | not)) | .id' |
		wc -l | sed "s/^ */$v: waits counted from their start: /"
	if [ -s want.txt ] && cmp -s want.txt got.txt; then
		echo "$v: lower bounds: $(tr '\n' ' ' < got.txt)"
	else
		echo "$v: lower bounds differ from the oracle's:"
		diff want.txt got.txt | head -n 5
	fi
done
