# fish completion for pprof2ndjson(1)

# Sample type names for --values, with the profiles they belong to.
function __pprof2ndjson_sample_types
	printf '%s\t%s\n' \
		alloc_objects 'heap, allocs' alloc_space 'heap, allocs' \
		inuse_objects 'heap, allocs' inuse_space 'heap, allocs' \
		samples CPU cpu CPU \
		contentions 'block, mutex' delay 'block, mutex' \
		goroutine goroutine threadcreate threadcreate
end

complete -c pprof2ndjson -s h -l help -d 'Print usage and exit'
complete -c pprof2ndjson -l version -d 'Print the version and exit'
complete -c pprof2ndjson -s u -l unbuffered -d 'Flush output after every record'
complete -c pprof2ndjson -l strict -d 'Stop at the first bad input unit'
complete -c pprof2ndjson -l values -x -d 'Sample types to keep in values' \
	-a '(__fish_complete_list , __pprof2ndjson_sample_types)'
complete -c pprof2ndjson -l drop-runtime -d 'Leave out frames of the Go runtime'
complete -c pprof2ndjson -l addresses -d 'Give frames addresses, profiles mappings'
complete -c pprof2ndjson -l headers-only -d 'Write profile records only'
complete -c pprof2ndjson -l intern -d 'Write each stack once, refer to it by id'
complete -c pprof2ndjson -l gc -d 'Also write gc records from MemStats of heap profiles'
complete -c pprof2ndjson -l anchor -x -d 'Start time of the process of a gctrace log'
# Profiles, dumps and archives of any name: complete files.
complete -c pprof2ndjson -F
