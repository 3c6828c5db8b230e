# The table for people, on both Go versions' traces and a dump.
gcycle --format=table "$FIX/gcycle/go1.26/waitgraph.trace"
gcycle --format=table "$FIX/gcycle/go1.19/waitgraph.trace"
gcycle --format=table --min-size=3 "$FIX/gcycle/go1.26/waitgraph.dump.txt"
