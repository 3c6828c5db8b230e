# Two goroutines blocked at one place on one channel wait alike, even when
# a stale argument word tells them apart (a fresh Go 1.26 run printed the
# WaitGroup pointer in one worker's first argument and 0x0? in the
# other's): neither can wake the other, so both stay stuck, not a cycle.
D=$FIX/gcycle/go1.26/goroutineleak.debug2.txt
sed '0,/^main.wgWorker(0x0?, /s//main.wgWorker(0xe006a4b8170?, /' "$D" > fresh.txt
grep -c 'wgWorker(0xe006a4b8170?' fresh.txt
for f in "$D" fresh.txt; do
	gcycle "$f" | jq -r '[.kind, ((.members // [.])[] | .goid)] | @tsv' | sort
	echo "exit ${PIPESTATUS[0]}"
done
