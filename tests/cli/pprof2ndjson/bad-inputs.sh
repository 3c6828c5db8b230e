# Each bad unit gets one line naming it and the place; good units in
# between are still decoded in full; exit 65 at the end.
cp "$FIX/go1.19/heap.pb.gz" heap.pb.gz
head -c 300 heap.pb.gz > truncated.pb.gz
gzip -dc heap.pb.gz | head -c 2000 > cut.pb
printf 'hello, this is not a profile\n' > text.txt
printf '\x0a\x05\x08\x01\x10\x02\x0b' > group.pb
pprof2ndjson truncated.pb.gz heap.pb.gz cut.pb text.txt group.pb > out.ndjson
echo "exit $?"
jq -c '{kind, src}' out.ndjson | sort | uniq -c
