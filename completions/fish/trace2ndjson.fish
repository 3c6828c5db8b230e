# fish completion for trace2ndjson(1)

# Kinds of event for --events, with what they are.
function __trace2ndjson_event_kinds
	printf '%s\t%s\n' \
		Sync 'sync points, clocks' Metric 'heap and GC metrics' \
		Label 'goroutine labels' StackSample 'CPU samples' \
		Range 'all range events' RangeBegin 'range begins' \
		RangeActive 'range under way' RangeEnd 'range ends' \
		Task 'all task events' TaskBegin 'task begins' TaskEnd 'task ends' \
		Region 'all region events' RegionBegin 'region begins' \
		RegionEnd 'region ends' Log 'trace.Log messages' \
		StateTransition 'goroutine and P states' \
		Experimental 'experimental events'
end

complete -c trace2ndjson -s h -l help -d 'Print usage and exit'
complete -c trace2ndjson -l version -d 'Print the version and exit'
complete -c trace2ndjson -s u -l unbuffered -d 'Flush output after every record'
complete -c trace2ndjson -l strict -d 'Stop at the first bad input unit'
complete -c trace2ndjson -l events -x -d 'Only these kinds of event' \
	-a '(__fish_complete_list , __trace2ndjson_event_kinds)'
complete -c trace2ndjson -l goroutine -x -d 'Only events of these goroutine ids'
complete -c trace2ndjson -l from -x -d 'Only events at or after this time'
complete -c trace2ndjson -l to -x -d 'Only events before this time'
complete -c trace2ndjson -l goroutines -d 'One record per goroutine instead of events'
complete -c trace2ndjson -l gc -d 'One record per GC cycle instead of events'
complete -c trace2ndjson -l drop-runtime -d 'Leave out frames of the Go runtime'
complete -c trace2ndjson -l addresses -d 'Give frames their addresses'
complete -c trace2ndjson -l intern -d 'Write each stack once, refer to it by id'
complete -c trace2ndjson -l raw -d 'One record per wire event, in file order'
complete -c trace2ndjson -l progress -d 'Show progress on stderr, even off a terminal'
complete -c trace2ndjson -l no-progress -d 'Never show progress'
# Traces and archives of any name: complete files.
complete -c trace2ndjson -F
