# gctrace lines of every form the runtime has printed, among the lines a
# real log has around them: the scavenger's (scvg, scav), sysmon's "GC
# forced", application lines with and without timestamps, a line glued to
# other output, a CRLF line, a restart.  A line that starts like the
# collector's but is cut short is told (exit 65); the rest are records.
{
	echo '2026/12/02 01:00:00 server: starting'
	# Go 1.7-1.17: no stacks or globals
	echo 'gc 1 @0.011s 3%: 0.015+0.98+0.004 ms clock, 0.061+0.12/0.80/0.57+0.018 ms cpu, 4->4->0 MB, 5 MB goal, 4 P'
	echo 'scvg0: inuse: 4, idle: 58, sys: 63, released: 58, consumed: 5 (MB)'
	echo 'scav 0 KiB work (bg), 0 KiB work (eager), 1024 KiB now, 99% util'
	echo 'GC forced'
	# Go 1.18 and later
	echo 'gc 2 @12.094s 0%: 0.020+1.2+0.003 ms clock, 0.080+0/1.1/2.4+0.012 ms cpu, 3->3->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P'
	echo 'gc 3 @12.500s 1%: 0.1+0.2'
	echo 'request done in 3ms; gc 4 @13.002s 0%: 10+1200+2.5 ms clock, 40+0/1100/2400+10 ms cpu, 1500->1700->900 MB, 3000 MB goal, 12 MB stacks, 1 MB globals, 4 P'
	echo '2026-12-02T02:00:15.5+01:00 gc 5 @15.000s 1%: 0.11+0.50+0.002 ms clock, 0.44+0.1/0.2/0.3+0.008 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 4 P'
	# Go 1.26, with the goroutine leak profile's cycle
	echo 'gc 6 @16.000s 1% (checking for goroutine leaks): 0.1+0.2+0.01 ms clock, 0.2+0/0.1/0.1+0.02 ms cpu, 2->2->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 4 P (forced)'
	echo 'the gc 7 @ is not a cycle'
	echo '2026/12/02 01:00:20 server: restarting'
	# Go 1.5 and 1.6: five phases
	echo 'gc 1 @0.004s 5%: 0.010+0.30+0.020+0.48+0.045 ms clock, 0.040+0.30+0+0.25/0.21/0.085+0.18 ms cpu, 4->4->1 MB, 4 MB goal, 4 P'
	printf 'gc 2 @0.010s 4%%: 0.01+0.2+0.03+0.1+0.01 ms clock, 0.02+0+0+0/0.1/0.1+0.02 ms cpu, 4->5->2 MB, 5 MB goal, 4 P (forced)\r\n'
	echo '1796173230.250 gc 3 @10.000s 1%: 0.01+0.2+0.03+0.1+0.01 ms clock, 0.02+0+0+0/0.1/0.1+0.02 ms cpu, 2->2->2 MB, 5 MB goal, 4 P'
	# Go 1.4 and before: a stop-the-world collector, another line
	echo 'gc1(1): 0+0+95+0 us, 0 -> 0 MB, 21 (21-0) objects, 2 goroutines, 15/0/0 sweeps, 0(0) handoff, 0(0) steal, 0/0/0 yields'
} >app.log
pprof2ndjson app.log
echo "exit $?"
