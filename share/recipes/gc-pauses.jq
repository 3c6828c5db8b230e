# gc-pauses.jq - how long did the collector stop the world, and why?
#
# Reads the "gc" records of trace2ndjson --gc and prints one
# tab-separated line per garbage collection cycle:
#
#     cycle  start_ms  pause_us  longest_us  mark_ms  heap_end_KiB  growth_KiB  MiB/s
#
# pause_us is the sum of the cycle's stop-the-world pauses and longest_us
# the longest of them; heap_end_KiB is the live heap when marking ended,
# growth_KiB how much the heap grew since the previous cycle, and MiB/s
# that growth over the time between the two (the allocation rate the
# collector had to keep up with).  A "-" is a figure the trace cannot
# give (the first cycle has no previous one).  A heap_end that only rises
# is a leak; pauses that grow with it are its cost.  Each input ends with
# a line
#
#     total  CYCLES  pause_us  longest_us  src
#
#     trace2ndjson --gc trace.out | jq -n -r -f gc-pauses.jq
#     trace2ndjson --gc traces/*.out | jq -n -r -f gc-pauses.jq | grep ^total

def num: if . == null then "-" else . end;
def us: if . == null then null else . / 1e3 | floor end;
def kib: if . == null then null else . / 1024 | floor end;
def ms: if . == null then null else (. / 1e3 | floor) / 1000 end;

reduce (inputs | select(.kind == "gc")) as $c ({order: [], by: {}};
	($c.src // "-") as $s
	| if .by[$s] == null then .order += [$s] else . end
	| .by[$s] += [$c])
| .by as $by
| .order[]
| . as $src
| $by[$src]
| (map(
	([.stw[]?.ns] | max) as $long
	| [.n, (.start_ns | ms), (.stw_ns | us), ($long | us), (.mark_ns | ms),
	   (.heap_end | kib), (.heap_growth | kib),
	   (if .since_prev_ns != null and .since_prev_ns > 0
	    then (.heap_growth / .since_prev_ns * 1e9 / 1048576 * 10 | floor)
	         / 10
	    else null end)]
	| map(num) | @tsv)[]),
  (["total", length, (map(.stw_ns) | add | us),
    ([.[].stw[]?.ns] | max | us | num), $src] | @tsv)
