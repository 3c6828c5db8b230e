# A gzipped dump or trace inside a tarball is read as the same member
# uncompressed, by every program: each gave "not a profile" (or "not a Go
# execution trace header") for goroutine.txt.gz and trace.gz in a tar.
# Also a gzip member that does not inflate, among good ones: its one line,
# and the others read.
d=$FIX/crowd/go1.26
mkdir plain gz
gzip -dc "$d/goroutine.debug2.txt.gz" >plain/dump.txt
cp "$d/crowd.trace" plain/crowd.trace
cp "$d/goroutine.pb.gz" plain/goroutine.pb.gz
cp "$d/goroutine.pb.gz" gz/goroutine.pb.gz
gzip -c plain/dump.txt >gz/dump.txt
gzip -c plain/crowd.trace >gz/crowd.trace
(cd plain && tar -cf in.tar dump.txt crowd.trace goroutine.pb.gz)
(cd gz && tar -cf in.tar dump.txt crowd.trace goroutine.pb.gz)
for p in pprof2ndjson trace2ndjson stackcluster gcycle render-dot heapdiff; do
	(cd plain && "$p" in.tar) >a.out 2>a.err
	a=$?
	(cd gz && "$p" in.tar) >b.out 2>b.err
	b=$?
	same=same
	cmp -s a.out b.out && cmp -s a.err b.err || same=differ
	echo "$p: exit $a and $b, output and errors $same ($(wc -l <a.out | tr -d ' ') lines)"
done
# A member cut short among good ones.
head -c 2000 gz/dump.txt >gz/cut.txt
(cd gz && tar -cf ../mixed.tar dump.txt cut.txt crowd.trace)
for p in stackcluster gcycle; do
	"$p" mixed.tar >c.out 2>c.err
	echo "$p mixed: exit $? $(wc -l <c.out | tr -d ' ') lines"
	cat c.err
	(cd gz && "$p" in.tar) 2>/dev/null | grep -c '"kind":"\(cluster\|stuck\|cycle\)"'
	grep -c '"kind":"\(cluster\|stuck\|cycle\)"' c.out
done
# Records gzipped in a tarball are records.
pprof2ndjson plain/dump.txt >rec.ndjson
gzip -c rec.ndjson >rec.ndjson.gz
tar -cf recs.tar rec.ndjson.gz
stackcluster rec.ndjson >a.out
stackcluster recs.tar >b.out
echo "records: exit $?, $(sed 's/"inputs":.*//' a.out | cmp -s - <(sed 's/"inputs":.*//' b.out) && echo same || echo differ)"
