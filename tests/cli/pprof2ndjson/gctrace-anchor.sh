# Without timestamps in the log, --anchor gives the process's start; with
# them, the log's own timestamps win.  A time --anchor cannot read is a
# usage error.
sed -n 's/^gc /gc /p' "$FIX/gctrace/go1.26/gctrace.log" >bare.log
pprof2ndjson bare.log | jq -c '[.n, .start_ns, .time_ns]' | head -n 2
pprof2ndjson --anchor=2026-12-02T01:00:00Z bare.log | jq -c '[.n, .start_ns, .time, .time_error_ns]' | head -n 2
pprof2ndjson --anchor=1796173200.5 bare.log | jq -c '[.n, .time]' | head -n 1
pprof2ndjson --anchor=1796173200 "$FIX/gctrace/go1.26/gctrace.log" | jq -r '.time[0:16]' | sort -u
pprof2ndjson --anchor=yesterday bare.log
echo "exit $?"
