#!/usr/bin/env python3
"""dotcheck.py OURS PPROF - render-dot's pruned call graph keeps the nodes
and edges `go tool pprof -dot` keeps on the same profile.

Nodes are compared by function name, edges by (caller, callee) names.
pprof's nodelets (tag nodes, which render-dot does not draw) are left
out.  Prints the differences, nothing when both agree.
"""
import re
import sys


def unesc(s):
    return re.sub(r'\\(.)', r'\1', s)


def ours(path):
    ids, edges = {}, set()
    node = re.compile(r'^(f[0-9a-f]{16}) \[label=.* tooltip="((?:[^"\\]|\\.)*?)'
                      r'\\nflat ')
    edge = re.compile(r'^(f[0-9a-f]{16}) -> (f[0-9a-f]{16}) ')
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = node.match(line)
            if m:
                ids[m.group(1)] = unesc(m.group(2))
                continue
            m = edge.match(line)
            if m:
                edges.add((m.group(1), m.group(2)))
    return set(ids.values()), {(ids[a], ids[b]) for a, b in edges}


def theirs(path):
    ids, edges = {}, set()
    node = re.compile(r'^(N\d+) \[label=.* tooltip="((?:[^"\\]|\\.)*?) \(')
    edge = re.compile(r'^(N\d+) -> (N\d+) ')
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = node.match(line)
            if m:
                ids[m.group(1)] = unesc(m.group(2))
                continue
            m = edge.match(line)
            if m:
                edges.add((m.group(1), m.group(2)))
    return set(ids.values()), {(ids[a], ids[b]) for a, b in edges}


on, oe = ours(sys.argv[1])
tn, te = theirs(sys.argv[2])
if not tn:
    print('no nodes in the pprof -dot output')
for n in sorted(tn - on):
    print(f'node {n}: pprof draws it, render-dot does not')
for n in sorted(on - tn):
    print(f'node {n}: render-dot draws it, pprof does not')
for a, b in sorted(te - oe):
    print(f'edge {a} -> {b}: pprof draws it, render-dot does not')
for a, b in sorted(oe - te):
    print(f'edge {a} -> {b}: render-dot draws it, pprof does not')
