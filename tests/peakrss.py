#!/usr/bin/env python3
"""peakrss.py CMD ARG... - run CMD, then print its exit status and peak RSS.

Prints "exit N rss KIB" on the last line of stderr (CMD's own stderr comes
first); stdout is CMD's.  N is -SIG for a signal.  Exits 0 unless CMD could
not be run.
"""
import resource
import subprocess
import sys

rc = subprocess.call(sys.argv[1:])
kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("exit %d rss %d" % (rc, kib), file=sys.stderr)
