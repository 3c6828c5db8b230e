# The records themselves, stacks and all, for the Go 1.26 trace: edges of
# the cycles, chains of the stuck goroutines.
gcycle "$FIX/gcycle/go1.26/waitgraph.trace" | jq -c 'del(.src) | del(.members[]?.stack) | del(.stack)'
