# pipelines.sh - everyday leak-hunting pipelines, as shell functions.
#
# Source it from an interactive bash or zsh, or from a script:
#
#     . /usr/local/share/leakpipe/examples/pipelines.sh
#     leak_top http://localhost:6060        # biggest live allocation sites
#     leak_watch http://localhost:6060 60   # goroutines and heap, every minute
#
# A TARGET is either the base URL of a Go service that serves
# net/http/pprof (http://host:port), or a profile or dump file.  Needs
# pprof2ndjson and jq; pprof2ndjson fetches the URLs itself, so a service
# that is down says so ("pprof2ndjson: http://...: Failed to connect ...",
# exit 66).

: "${LEAKPIPE_RECIPES:=/usr/local/share/leakpipe/recipes}"

# _leak_src TARGET PATH: the URL of PATH on a service, or the file itself.
_leak_src() {
	case $1 in
	http://* | https://*) printf '%s\n' "${1%/}/debug/pprof/$2" ;;
	*) printf '%s\n' "$1" ;;
	esac
}

# leak_top TARGET [N]: the N (20) functions holding the most live heap.
leak_top() {
	pprof2ndjson --intern -- "$(_leak_src "$1" heap)" |
		jq -n -r --argjson top "${2:-20}" -f "$LEAKPIPE_RECIPES/top-inuse.jq"
}

# leak_states TARGET: how many goroutines wait in each state.
leak_states() {
	pprof2ndjson -- "$(_leak_src "$1" 'goroutine?debug=2')" |
		jq -n -r -f "$LEAKPIPE_RECIPES/goroutines-by-state.jq"
}

# leak_stuck TARGET [MINUTES]: goroutines blocked for MINUTES (10) or more,
# grouped by the function they are blocked in, biggest group first.
leak_stuck() {
	pprof2ndjson -- "$(_leak_src "$1" 'goroutine?debug=2')" |
		jq -n -c --argjson minutes "${2:-10}" \
			-f "$LEAKPIPE_RECIPES/stuck-goroutines.jq" |
		jq -s -r 'group_by(.fn) | map([length, (map(.minutes) | max),
			.[0].state, .[0].fn]) | sort_by(-.[0])[] | @tsv'
}

# leak_growth OLD NEW [N]: functions whose in-use bytes grew most between
# two heap profiles (files).
leak_growth() {
	pprof2ndjson --drop-runtime --values=inuse_space -- "$1" "$2" |
		jq -n -r --arg a "$1" --arg b "$2" --argjson top "${3:-20}" '
		reduce (inputs | select(.kind == "sample")) as $s ({};
			.[$s.stack[0].fn // "(runtime)"][$s.src] +=
				$s.values.inuse_space)
		| to_entries
		| map([(.value[$b] // 0) - (.value[$a] // 0), .key])
		| map(select(.[0] > 0)) | sort_by(-.[0]) | .[:$top][] | @tsv'
}

# leak_watch URL [SECONDS]: every SECONDS (60), one line: the time, the
# number of goroutines and the live heap in bytes.  Both should level
# off once the service is warm; a column that only climbs is a leak.
leak_watch() {
	while :; do
		printf '%s\t%s\t%s\n' "$(date +%FT%T)" \
			"$(pprof2ndjson -- "$(_leak_src "$1" goroutine)" |
				jq -n '[inputs | .values.goroutine // empty] | add // 0')" \
			"$(pprof2ndjson --values=inuse_space -- "$(_leak_src "$1" heap)" |
				jq -n '[inputs | .values.inuse_space // empty] | add // 0')"
		sleep "${2:-60}"
	done
}
