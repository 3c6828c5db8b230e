#!/usr/bin/env python3
"""goroutines-agree.py DIR - the three goroutine forms of one moment agree.

DIR holds goroutine.debug2.txt, goroutine.debug1.txt and goroutine.pb.gz,
written back to back by tests/go/fixtures/leaky with everything parked.
Decoded by pprof2ndjson (on PATH), they must give the same goroutine count
and the same number of goroutines per stack.  Two things differ between the
forms by design and are left out of the comparison:
- the goroutine that writes each profile (its stack is the writer's own);
- the root end of very deep stacks, which debug=2 elides in the middle and
  the profiles truncate at a depth limit: stacks are compared by their
  first 16 frames outside the runtime, leaf first.  debug=1 names no
  runtime frame: those are frames named after their address ("0x4805ad"),
  and left out with the runtime's own.
Prints the differences and exits 1 when they disagree.
"""
import collections
import json
import subprocess
import sys

DEPTH = 16


def records(path):
    out = subprocess.run(['pprof2ndjson', path], capture_output=True,
                         text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def key(stack):
    fns = [f['fn'] for f in stack]
    if any(fn.startswith('runtime/pprof.') and '.write' in fn for fn in fns):
        return None  # the goroutine writing this very profile
    return tuple(f['fn'] for f in stack
                 if not f['fn'].startswith('runtime.')
                 and not (f['fn'].startswith('0x') and not f['file']))[:DEPTH]


def count(path, kind, weight):
    c = collections.Counter()
    for r in records(path):
        if r['kind'] == kind:
            k = key(r['stack'])
            if k is not None:
                c[k] += weight(r)
    return c


d = sys.argv[1]
forms = {
    'debug=2': count(d + '/goroutine.debug2.txt', 'goroutine', lambda r: 1),
    'debug=1': count(d + '/goroutine.debug1.txt', 'sample',
                     lambda r: r['values']['goroutine']),
    'protobuf': count(d + '/goroutine.pb.gz', 'sample',
                      lambda r: r['values']['goroutine']),
}
base = forms['debug=2']
bad = False
for name, c in forms.items():
    if c != base:
        bad = True
        print(f'{name} has {sum(c.values())} goroutines, debug=2 has '
              f'{sum(base.values())}')
        for k in sorted(set(c) | set(base)):
            if c[k] != base[k]:
                print(f'  {name} {c[k]} vs debug=2 {base[k]}: {" < ".join(k[:4])}')
if not bad:
    print(f'{sum(base.values())} goroutines in {len(base)} stacks, all three agree')
sys.exit(1 if bad else 0)
