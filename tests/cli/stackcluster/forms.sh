# One population in every form Go writes it: the table of each, Go 1.19.
cd "$FIX/crowd/go1.19" || exit 1
for f in goroutine.debug2.txt.gz goroutine.debug1.txt goroutine.pb.gz crowd.trace; do
	echo "== $f"
	stackcluster --format=table "$f"
done
echo "== all four at once, by wait"
stackcluster --format=table --sort=wait --top=3 goroutine.debug2.txt.gz \
	goroutine.debug1.txt goroutine.pb.gz crowd.trace
