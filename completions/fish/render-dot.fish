# fish completion for render-dot(1)

complete -c render-dot -s h -l help -d 'Print usage and exit'
complete -c render-dot -l version -d 'Print the version and exit'
complete -c render-dot -s u -l unbuffered -d 'Write the output out at once'
complete -c render-dot -l strict -d 'Stop at the first bad input unit'
complete -c render-dot -l folded -d 'Folded stacks for flame graphs, not DOT'
complete -c render-dot -l value -x -d 'Sample type drawn' \
	-a 'inuse_space inuse_objects alloc_space alloc_objects goroutine threadcreate contentions delay samples cpu'
complete -c render-dot -l focus -x -d 'Only stacks through a function matching REGEX'
complete -c render-dot -l ignore -x -d 'No stacks through a function matching REGEX'
complete -c render-dot -l nodecount -x -d 'Draw at most N functions'
complete -c render-dot -l nodefraction -x -d 'Leave out functions under F of the total'
complete -c render-dot -l edgefraction -x -d 'Leave out calls under F of the total'
# Profiles, dumps, archives and records of any name: complete files.
complete -c render-dot -F
