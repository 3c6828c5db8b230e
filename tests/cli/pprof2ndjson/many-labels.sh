# One sample with 40,000 labels (and one key repeated) decodes in well
# under a second: grouping labels by key must not be quadratic.
awk 'BEGIN { printf "goroutine profile: total 1\n1 @ 0x1\n# labels: {\"k\":\"first\""
	for (i = 0; i < 40000; i++) printf ", \"k%d\":\"v\"", i
	printf ", \"k\":\"again\"}\n#\t0x1\tmain.f+0x0\t/m.go:1\n\n" }' > many.txt
timeout 5 pprof2ndjson many.txt | jq -c 'select(.kind == "sample") | [(.labels | length), .labels.k, (.labels | keys_unsorted | .[0:2])]'
