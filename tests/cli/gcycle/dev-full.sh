gcycle --edges "$FIX/gcycle/go1.26/waitgraph.trace" >/dev/full
