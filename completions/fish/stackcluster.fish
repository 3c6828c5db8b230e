# fish completion for stackcluster(1)

complete -c stackcluster -s h -l help -d 'Print usage and exit'
complete -c stackcluster -l version -d 'Print the version and exit'
complete -c stackcluster -s u -l unbuffered -d 'Flush output after every record'
complete -c stackcluster -l strict -d 'Stop at the first bad input unit'
complete -c stackcluster -l format -x -d 'Output format' \
	-a 'table\t"aligned columns for people" ndjson\t"cluster records"'
complete -c stackcluster -l from -x -d 'Where the signature starts' \
	-a 'user\t"first frame outside runtime and stdlib" leaf\t"innermost kept frame"'
complete -c stackcluster -l depth -x -d 'Frames in the signature (0 = all)'
complete -c stackcluster -l lines -x -d 'How file and line count' \
	-a 'exact\t"file:line as is" none\t"functions only" bucket:\t"lines rounded down to N"'
complete -c stackcluster -l trim -x -d 'Frames left out of the signature' \
	-a 'runtime\t"the Go runtime" stdlib\t"runtime and standard library" none\t"keep every frame"'
complete -c stackcluster -l args -d 'Argument words split clusters'
complete -c stackcluster -l keep-recursion -d 'Repeated frames count each time'
complete -c stackcluster -l state -d 'The goroutine state is part of the key'
complete -c stackcluster -l no-creator -d 'The creator is not part of the key'
complete -c stackcluster -l ended -d 'Also goroutines that ended within a trace'
complete -c stackcluster -l sort -x -d 'Order of the clusters' \
	-a 'count wait inuse_space inuse_objects alloc_space alloc_objects contentions delay samples cpu'
complete -c stackcluster -l top -x -d 'Write the first N clusters only'
complete -c stackcluster -l members -x -d 'Goroutine ids listed per cluster'
# Dumps, profiles, traces, archives and records of any name: complete files.
complete -c stackcluster -F
