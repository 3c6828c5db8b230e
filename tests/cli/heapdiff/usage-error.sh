# Misuse: one line and a hint on stderr, exit 64, nothing read.
for args in --bogus --key=nope --key=label: --top=-1 --min-pct=x \
	'--partial --top=3' '--value='; do
	# shellcheck disable=SC2086
	heapdiff $args </dev/null
	echo "$args: exit $?"
done
