# A dump with a stray control byte in its first 4 KiB (a terminal's
# backspace in the program's output before it, a line of binary junk) is
# still a dump: every program read it as a protobuf and said "corrupt
# protobuf: field 12 of profile 0 has wire type 7 (byte 0)".  Each reads
# its goroutines as from the clean dump, and the junk line is one
# warning.  heap.debug1.txt with a NUL in it stays a heap profile.
f=$FIX/go1.26/goroutine.debug2.txt
printf 'starting\b\b up\n' >junk.txt
cat "$f" >>junk.txt
awk 'NR == 8 { printf "%c%c%c\n", 1, 2, 200 } { print }' "$f" >line.txt
for d in junk.txt line.txt; do
	for p in pprof2ndjson stackcluster gcycle render-dot; do
		"$p" "$f" >clean.out 2>/dev/null
		"$p" "$d" >out 2>err
		rc=$?
		sed "s/$d/goroutine.debug2.txt/g; s|$f|goroutine.debug2.txt|g" out >out2
		sed "s|$f|goroutine.debug2.txt|g" clean.out >clean2
		same=same
		cmp -s clean2 out2 || same="$(diff clean2 out2 | grep -c '^>') lines differ"
		echo "$d $p: exit $rc, $(wc -l <out | tr -d ' ') lines, $same"
		sed 's/^/  /' err
	done
done
awk 'NR == 3 { printf "%c", 0 } { print }' "$FIX/go1.26/heap.debug1.txt" >heap.txt
pprof2ndjson heap.txt | jq -r '.kind' | sort | uniq -c
