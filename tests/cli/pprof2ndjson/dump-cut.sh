# A dump cut inside a line is partial, and said so: in a GOTRACEBACK=system
# traceback a file line goes on after its offset (" fp=… sp=… pc=…"), so
# an offset at the end is no sign of a whole line there; and a cut inside
# the next goroutine's header is told even when it is only "gor".
F=$FIX/go1.26/panic-system.txt
for n in 199 230 707; do
	head -c $n "$F" > cut.txt
	tail -n 1 cut.txt | sed 's|.*/||'; echo
	pprof2ndjson cut.txt 2>&1 >/dev/null | sed 's/^/  /'
	echo "  exit ${PIPESTATUS[0]}"
done
