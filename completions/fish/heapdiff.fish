# fish completion for heapdiff(1)

complete -c heapdiff -s h -l help -d 'Print usage and exit'
complete -c heapdiff -l version -d 'Print the version and exit'
complete -c heapdiff -s u -l unbuffered -d 'Flush output after every record'
complete -c heapdiff -l strict -d 'Stop at the first bad input unit'
complete -c heapdiff -l series -d 'One trend record per key over every snapshot'
complete -c heapdiff -l partial -d 'Write the mergeable aggregate'
complete -c heapdiff -l merge -d 'Combine the outputs of heapdiff --partial'
complete -c heapdiff -l value -x -d 'Sample type compared' \
	-a 'inuse_space inuse_objects alloc_space alloc_objects goroutine threadcreate contentions delay samples cpu'
complete -c heapdiff -l key -x -d 'What samples are grouped by' \
	-a 'stack\t"function, file, line" funcs\t"functions only" leaf\t"leaf function" first-user\t"first non-stdlib function" label:\t"a label value" signature\t"stackcluster signature"'
complete -c heapdiff -l drop-runtime -d 'Leave Go runtime frames out of keys'
complete -c heapdiff -l stream-order -d 'Order snapshots as they come, not by time'
complete -c heapdiff -l top -x -d 'Write the first N keys only'
complete -c heapdiff -l min-delta -x -d 'Only keys that changed by at least N'
complete -c heapdiff -l min-pct -x -d 'Only keys that changed by at least P percent'
complete -c heapdiff -l points -x -d 'Values in a trend series'
complete -c heapdiff -l format -x -a 'table ndjson' -d 'A table for a person, or records'
complete -c heapdiff -l progress -d 'Show progress on stderr, even off a terminal'
complete -c heapdiff -l no-progress -d 'Never show progress'
# Profiles, archives and records of any name: complete files.
complete -c heapdiff -F
