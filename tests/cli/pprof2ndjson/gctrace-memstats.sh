# --gc: the MemStats pause ring of a heap ?debug=1 profile as gc records,
# one per cycle it remembers, after the profile's own records.
for v in go1.19 go1.26; do
	pprof2ndjson --gc "$FIX/gctrace/$v/heap.debug1.txt" >out.ndjson
	echo "$v: $(jq -r .kind out.ndjson | uniq -c | tr -s ' ' | tr '\n' ';')"
	n=$(jq -r 'select(.kind=="profile") | .memstats.NumGC' out.ndjson)
	jq -c --argjson n "$n" 'select(.kind=="gc") | [.n <= $n, .source, .end_time_ns > 0, .stw_ns > 0, (.end_time | test("^20[0-9-]+T[0-9:.]+Z$"))]' out.ndjson | sort | uniq -c
done
# Without --gc: none.
pprof2ndjson "$FIX/gctrace/go1.26/heap.debug1.txt" | jq -r .kind | sort -u
# A ring longer than NumGC wraps: cycle 300 is at index 43.
awk 'BEGIN { printf "heap profile: 0: 0 [0: 0] @ heap/1048576\n\n# runtime.MemStats\n# NumGC = 300\n# PauseNs = ["; for (i = 0; i < 256; i++) printf "%s%d", (i ? " " : ""), 1000 + i; printf "]\n# PauseEnd = ["; for (i = 0; i < 256; i++) printf "%s%d", (i ? " " : ""), 1796173200000000000 + i; print "]" }' >wrap.txt
pprof2ndjson --gc wrap.txt | jq -c 'select(.kind=="gc") | [.n, .stw_ns]' | sed -n '1p;$p'
pprof2ndjson --gc wrap.txt | jq -s 'map(select(.kind=="gc")) | length'
# A ring that is not 256 numbers is bad data.
sed 's/PauseNs = \[1000 /PauseNs = [/' wrap.txt >short.txt
pprof2ndjson --gc short.txt >short.ndjson
echo "exit $?"
jq -r .kind short.ndjson | sort | uniq -c
