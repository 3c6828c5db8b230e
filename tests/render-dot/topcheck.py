#!/usr/bin/env python3
"""topcheck.py DOT TOP - every node of render-dot's call graph has the flat
and cum values `go tool pprof -top -cum` gives the same function.

DOT is render-dot's output (exact values in each node's tooltip:
"FN\\nflat F, cum C UNIT"); TOP is pprof's -top -cum text, with -unit so
that its numbers are exact integers.  Prints the differences, one a line;
prints nothing when all agree.  Exit 0 either way (the caller decides).
"""
import re
import sys

node = re.compile(r'^f[0-9a-f]{16} \[label=.* tooltip="((?:[^"\\]|\\.)*?)'
                  r'\\nflat (-?\d+), cum (-?\d+)')
row = re.compile(r'^\s*(-?\d+)[a-zA-Z]*\s+\S+%\s+\S+%\s+(-?\d+)[a-zA-Z]*\s+'
                 r'\S+%\s+(.*)$')


def unesc(s):
    return re.sub(r'\\(.)', r'\1', s)


ours = []
with open(sys.argv[1], encoding='utf-8') as f:
    for line in f:
        m = node.match(line)
        if m:
            ours.append((unesc(m.group(1)), int(m.group(2)), int(m.group(3))))
theirs = {}
with open(sys.argv[2], encoding='utf-8') as f:
    for line in f:
        m = row.match(line)
        if not m:
            continue
        name = re.sub(r' \((partial-)?inline\)$', '', m.group(3))
        theirs.setdefault(name, []).append((int(m.group(1)), int(m.group(2))))
if not ours:
    print('no nodes in the DOT output')
if not theirs:
    print('no rows in the pprof -top output')
for name, flat, cum in ours:
    got = theirs.get(name)
    if not got:
        print(f'{name}: not in pprof -top')
    elif (flat, cum) not in got:
        print(f'{name}: flat {flat} cum {cum}, pprof says {got}')
