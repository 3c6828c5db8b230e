# A --values name no input has is an error of its own (67), after every
# record is written: here the samples keep inuse_space alone.
pprof2ndjson --values=inuse_space,inuse_spcae "$FIX/go1.19/heap.pb.gz" >out
rc=$?
jq -c 'select(.kind == "sample") | .values | keys' out | sort -u
exit $rc
