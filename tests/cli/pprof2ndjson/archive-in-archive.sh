# An archive inside an archive (a night's tarball in a week's) is one
# clear line, not "corrupt protobuf" for its tar header, and the members
# beside it are read: a tar, a gzipped tar and a zip among profiles.  A
# profile that holds "ustar" at byte 257 is still a profile (a tar is
# known by its header's checksum).
mkdir in && cp "$FIX"/go1.19/heap.pb.gz in/a.pb.gz || exit 1
(cd in && tar -cf ../inner.tar a.pb.gz && tar -czf ../inner.tar.gz a.pb.gz &&
	zip -q ../inner.zip a.pb.gz) || exit 1
cp in/a.pb.gz b.pb.gz && tar -cf week.tar inner.tar inner.tar.gz b.pb.gz inner.zip || exit 1
for p in pprof2ndjson stackcluster heapdiff render-dot; do
	"$p" week.tar >out 2>err
	echo "$p: exit $? $(grep -c '"kind":"\(profile\|cluster\|heapdiff\)"' out) records of b.pb.gz"
	sed "s/^$p: //" err
done
# "ustar" at byte 257 of records (a padded first line): no tar header
# checksum there, so they are records.
{
	printf '{"kind":"note","pad":"%0235d' 0 | tr 0 x
	printf 'ustar"}\n'
	pprof2ndjson b.pb.gz
} >recs.ndjson && tar -cf recs.tar recs.ndjson || exit 1
stackcluster recs.tar | grep -c '"kind":"cluster"'
