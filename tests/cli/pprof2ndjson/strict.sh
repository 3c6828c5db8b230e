# --strict stops at the first bad unit: nothing after it is decoded.
printf 'junk\n' > bad.txt
cp "$FIX/go1.19/heap.pb.gz" heap.pb.gz
pprof2ndjson --strict bad.txt heap.pb.gz > out.ndjson
echo "exit $?, $(wc -l < out.ndjson) records"
