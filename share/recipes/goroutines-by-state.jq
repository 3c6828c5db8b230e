# goroutines-by-state.jq - how many goroutines wait in each state?
#
# Counts the goroutine records of a traceback dump (goroutine?debug=2,
# a panic or a SIGQUIT dump) by state, most common first, as tab-separated
# "count  state" lines.  A state whose count climbs from one dump to the
# next (chan send, chan receive, select, sync.Mutex.Lock, IO wait) is where
# goroutines pile up.  With several dumps in the stream, counts are kept
# per input: "count  state  src".
#
#     curl -s 'localhost:6060/debug/pprof/goroutine?debug=2' |
#         pprof2ndjson | jq -n -r -f goroutines-by-state.jq
#     pprof2ndjson monday.txt tuesday.txt | jq -n -r -f goroutines-by-state.jq

reduce (inputs | select(.kind == "goroutine")) as $g ({};
	.[$g.src // "-"][$g.state // "?"] += 1)
| (length > 1) as $many
| to_entries[]
| .key as $src
| .value
| to_entries
| sort_by(-.value, .key)[]
| if $many then [.value, .key, $src] else [.value, .key] end
| @tsv
