# fish completion for gcycle(1)

complete -c gcycle -s h -l help -d 'Print usage and exit'
complete -c gcycle -l version -d 'Print the version and exit'
complete -c gcycle -s u -l unbuffered -d 'Flush output after every record'
complete -c gcycle -l strict -d 'Stop at the first bad input unit'
complete -c gcycle -l format -x -d 'Output format' \
	-a 'table\t"aligned columns for people" ndjson\t"cycle and stuck records"'
complete -c gcycle -l min-size -x -d 'Only cycles and stuck chains of at least N goroutines'
complete -c gcycle -l edges -d 'Also write every edge of the wait-for graph'
complete -c gcycle -l drop-runtime -d 'Leave Go runtime frames out of stacks'
# Traces, dumps, archives and records of any name: complete files.
complete -c gcycle -F
