# --key=signature keys goroutines by the signature stackcluster gives
# them, so a diff joins the clusters on it: every key is a cluster's
# signature, with the same count, whichever form the dump comes in.
A=$FIX/go1.26/goroutine.debug2.txt
stackcluster --format=ndjson "$A" | jq -r 'select(.kind == "cluster") | [.signature, .count] | @tsv' | sort >clusters
for form in dump ndjson; do
	if [ $form = dump ]; then in=$A; else pprof2ndjson "$A" >a.ndjson; in=a.ndjson; fi
	heapdiff --key=signature "$in" "$in" | jq -r 'select(.kind == "diff") | [.key, .new] | @tsv' | sort >keys
	echo "$form: $(wc -l <keys) keys, $(comm -12 clusters keys | wc -l) are clusters with their counts"
done
