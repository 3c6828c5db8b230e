# The gctrace logs gcburst wrote under Go 1.26 (microsecond timestamps) and
# Go 1.19 (whole seconds), in full.
for v in go1.26 go1.19; do
	cp "$FIX/gctrace/$v/gctrace.log" "$v.log"
	pprof2ndjson "$v.log"
done
