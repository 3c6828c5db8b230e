# Progress on a file says how much of it is read, of its size; a gzipped
# one reads as more than its size, so no total is claimed; stdin has none.
T=$FIX/trace/go1.26/tracer.trace
trace2ndjson --progress "$T" 2>&1 >/dev/null | tail -n 1 | sed 's/, [^,]*\/s$//'
gzip -c "$T" > t.gz
trace2ndjson --progress t.gz 2>&1 >/dev/null | tail -n 1 | sed 's/, [^,]*\/s$//'
trace2ndjson --progress < "$T" 2>&1 >/dev/null | tail -n 1 | sed 's/, [^,]*\/s$//'
