# A line over the 64 MiB limit is reported and skipped; what follows it
# still counts.
{
	echo '{"kind":"edge","from":1,"to":2}'
	head -c 70000000 /dev/zero | tr '\0' 'a'
	echo
	echo '{"kind":"edge","from":2,"to":1}'
} | gcycle | jq -c '[.kind, [.members[]?.goid]]'
echo "exit ${PIPESTATUS[1]}"
