# The table for people, on both Go versions' traces and a dump.  Relative
# paths: the src column must not name the checkout the test runs in.
cd "$FIX/gcycle" || exit 1
gcycle --format=table go1.26/waitgraph.trace
gcycle --format=table go1.19/waitgraph.trace
gcycle --format=table --min-size=3 go1.26/waitgraph.dump.txt
