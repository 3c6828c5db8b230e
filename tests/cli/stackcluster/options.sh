# Each signature option on the Go 1.26 dump: the signatures and counts.
cd "$FIX/crowd/go1.26" || exit 1
sigs() {
	echo "== $*"
	stackcluster "$@" goroutine.debug2.txt.gz |
		jq -r 'if .kind == "stackcluster" then "clusters=\(.clusters) by=\(.signature_by|tojson)" else "\(.count)\t\(.signature)" end'
}
sigs --top=3
sigs --no-creator
sigs --state --top=3
sigs --depth=0 --top=6
sigs --depth=0 --keep-recursion --lines=none --top=12
sigs --depth=2 --lines=bucket:10 --top=4
sigs --from=leaf --trim=none --no-creator
sigs --from=leaf --trim=stdlib --no-creator --depth=2
sigs --args --top=2
sigs --members=2 --top=1 | cut -c1-60
stackcluster --members=2 --top=2 goroutine.debug2.txt.gz | jq -c 'select(.kind == "cluster") | [.members, .members_count]'
stackcluster --members=0 --top=1 goroutine.debug2.txt.gz | jq -c 'select(.kind == "cluster") | [.members, .members_count]'
