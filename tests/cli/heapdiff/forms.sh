# One answer whatever form the snapshots come in: an archive, its flat and
# interned NDJSON (also gzipped, on stdin), dumps and text profiles and
# their NDJSON, under every key.  Each run shows its first records and a
# checksum of all of its output, so a change anywhere in it shows.
S=$FIX/heapdiff/leakseries.tar.xz
F=$FIX/go1.26
G=$FIX/go1.19
run() {
	local name=$1 rc
	shift
	heapdiff "$@" > out.ndjson 2> err.txt
	rc=$?
	# src members name the fixtures by path: hash them checkout-free.
	sed -i 's|"/[^"]*/fixtures/|"FIX/|g' out.ndjson
	echo "== $name: exit $rc, $(wc -l < out.ndjson) records, $(md5sum < out.ndjson | cut -c1-12)"
	head -n 2 out.ndjson | cut -c1-150
	sed 's|/[^ ]*/fixtures/|FIX/|g' err.txt
}
pprof2ndjson "$S" > flat.ndjson
pprof2ndjson --intern "$S" > interned.ndjson
gzip -c interned.ndjson > interned.ndjson.gz
for form in "$S" flat.ndjson interned.ndjson; do
	run "${form##*/} series heap" --series --value=inuse_space --top=5 "$form"
	run "${form##*/} series goroutines by leaf" --series --value=goroutine --key=leaf "$form"
	run "${form##*/} diff" --value=alloc_space "$form"
	run "${form##*/} diff funcs, no runtime" --key=funcs --drop-runtime "$form"
	run "${form##*/} partial first-user" --partial --key=first-user "$form"
done
run "gzipped interned stdin" --series --value=inuse_space - < interned.ndjson.gz
for d in "$G/goroutine.debug2.txt" "$F/goroutine.debug2.txt" \
	"$F/goroutineleak.debug2.txt" "$G/panic-all.txt" "$F/sigquit.txt"; do
	n=${d#"$FIX"/}
	pprof2ndjson "$d" > "d.ndjson"
	pprof2ndjson --intern "$d" > "di.ndjson"
	for k in stack funcs leaf first-user signature; do
		run "$n --key=$k" --key=$k "$d" "$F/goroutine.debug2.txt"
		run "$n as NDJSON --key=$k" --key=$k d.ndjson "$F/goroutine.debug2.txt"
		run "$n interned --key=$k" --key=$k di.ndjson "$F/goroutine.debug2.txt"
	done
done
for p in heap.debug1.txt allocs.debug1.txt mutex.debug1.txt block.debug1.txt \
	goroutine.debug1.txt threadcreate.debug1.txt; do
	pprof2ndjson "$G/$p" "$F/$p" > t.ndjson
	run "$p text" --stream-order "$G/$p" "$F/$p"
	run "$p text as NDJSON" --stream-order t.ndjson
done
for k in label:worker signature; do
	run "goroutine.pb.gz --key=$k" --key=$k --value=goroutine --stream-order "$G/goroutine.pb.gz" "$F/goroutine.pb.gz"
	pprof2ndjson "$G/goroutine.pb.gz" "$F/goroutine.pb.gz" > l.ndjson
	run "goroutine NDJSON --key=$k" --key=$k --value=goroutine --stream-order l.ndjson
done
heapdiff --partial "$F/heap.1.pb.gz" > a.part
heapdiff --partial "$F/heap.4.pb.gz" > b.part
run "merge" --merge a.part b.part
run "merge series" --merge --series a.part b.part
