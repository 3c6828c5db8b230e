# Each bad unit gets one line naming it and the place; good units in
# between are still decoded in full; exit 65 at the end.
f=$FIX/go1.19/heap.pb.gz
head -c 300 "$f" > truncated.pb.gz
gzip -dc "$f" | head -c 2000 > cut.pb
printf 'hello, this is not a profile\n' > text.txt
head -c 64 /dev/urandom > /dev/null
printf '\x0a\x05\x08\x01\x10\x02\x0b' > group.pb
pprof2ndjson truncated.pb.gz "$f" cut.pb text.txt group.pb | jq -c '{kind, src}' | sort | uniq -c
