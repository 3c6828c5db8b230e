# Misuse: one line and a hint on stderr, exit 64, nothing read.
for args in --bogus --format=json --from=root --depth=-1 --lines=bucket:0 \
	--lines=some --trim=all --top=x --members=-2 --sort=; do
	stackcluster $args </dev/null
	echo "$args: exit $?"
done
