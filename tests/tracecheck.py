#!/usr/bin/env python3
"""tracecheck.py - checks on trace2ndjson output for the trace test groups.

    tracecheck.py diff ORACLE OURS        exit 1 and print the first
                                          differing line pair (cut to 300
                                          characters) and the line counts
    tracecheck.py prefix FULL PART        exit 1 unless PART's lines are
                                          the first lines of FULL, then
                                          at most one closing Sync (see
                                          cmd_prefix)
    tracecheck.py jsonl FILE...           exit 1 unless every line is a JSON
                                          object with "kind":"event"
    tracecheck.py gstates FILE            one line "ID STATE" per goroutine:
                                          its state after the last event
    tracecheck.py syncs FILE              one line per Sync event:
                                          "N T [CLOCK_T MONO WALL]"
    tracecheck.py ties FILE               FILE with the events of each run
                                          of tied times in one order (see
                                          ties): Go's reader breaks ties
                                          between legacy (<= 1.21) events
                                          in a random order
    tracecheck.py diff --ties ORACLE OURS the same as diff, on the ties form
    tracecheck.py boundaries TRACE        the byte offsets where the batches
                                          of a Go 1.22+ trace end, each with
                                          "batch" or "generation" (after an
                                          EndOfGeneration byte)

Files ending in .gz are read through gzip.
"""

import gzip
import json
import sys

CUT = 300


def raw(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rb") as f:
        return f.read()


def lines(path):
    """The lines of a file; a last line without its newline counts."""
    ls = raw(path).split(b"\n")
    if ls and ls[-1] == b"":
        ls.pop()
    return ls


def show(b):
    s = b.decode("utf-8", "replace")
    return s if len(s) <= CUT else s[:CUT] + "..."


def t_of(line):
    """The "t" value of a record line, without a full JSON parse."""
    i = line.find(b',"t":')
    if i < 0:
        return None
    j = line.find(b",", i + 5)
    return line[i + 5 : j]


def ties(ls):
    """Go's reader orders legacy events of equal time stamps by a map walk
    (random), then makes the times unique by adding 1 ns to each tie.  So a
    cluster of lines whose t grow by at most 1 from line to line is put in
    one order: its lines sorted with t left out, then given the cluster's
    t values in ascending order."""
    out, run, prev = [], [], None

    def flush():
        ts = [t_of(l) for l in run]
        keyed = sorted(l.replace(b',"t":' + t + b",", b',"t":,', 1) for l, t in zip(run, ts))
        for l, t in zip(keyed, ts):
            out.append(l.replace(b',"t":,', b',"t":' + t + b",", 1))

    for l in ls:
        t = t_of(l)
        n = int(t) if t is not None and t.lstrip(b"-").isdigit() else None
        if run and (n is None or prev is None or n - prev > 1 or n < prev):
            flush()
            run = []
        run.append(l)
        prev = n
    if run:
        flush()
    return out


def cmd_ties(path):
    out = sys.stdout.buffer
    for l in ties(lines(path)):
        out.write(l + b"\n")
    return 0


def cmd_diff(*argv):
    if len(argv) == 3 and argv[0] == "--ties":
        oracle, ours = argv[1:]
        a, b = ties(lines(oracle)), ties(lines(ours))
        if a == b:
            return 0
    elif len(argv) == 2:
        oracle, ours = argv
        a, b = lines(oracle), lines(ours)
    else:
        sys.stderr.write(__doc__)
        return 2
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print(f"line {i + 1} differs (oracle {len(a)} lines, ours {len(b)}):")
            print(f"  oracle: {show(x)}")
            print(f"  ours:   {show(y)}")
            return 1
    if len(a) != len(b):
        i = min(len(a), len(b))
        print(f"oracle has {len(a)} lines, ours {len(b)}; the first {i} agree; next:")
        print(f"  oracle: {show(a[i]) if i < len(a) else '(end)'}")
        print(f"  ours:   {show(b[i]) if i < len(b) else '(end)'}")
        return 1
    if a == b and raw(oracle) != raw(ours):
        if len(argv) == 3:
            return 0
        print("the lines agree but the bytes do not (a missing last newline?)")
        return 1
    return 0


def cmd_prefix(full, part):
    """A reader that meets a broken generation first ends the events it
    has with a Sync of its own (Go's reader: the next N, no clock, t just
    after the last event) and then reports the error; that last line
    stands for the Sync the whole trace has there."""
    a, b = lines(full), lines(part)
    try:
        last = json.loads(b[-1]) if b else {}
    except ValueError:
        last = {}
    if b:
        if last.get("ev") == "Sync" and b[-1] not in a[: len(b)]:
            prev = [json.loads(l) for l in b[:-1]]
            n = 1 + sum(1 for o in prev if o.get("ev") == "Sync")
            t = prev[-1]["t"] if prev else 0
            if last.get("n") != n or "clock" in last or last["t"] < t:
                print(f"the closing Sync is not n {n}, at or after t {t}, without a clock:")
                print(f"  cut:  {show(b[-1])}")
                return 1
            b = b[:-1]
    if len(b) > len(a):
        print(f"the cut output has {len(b)} lines, the full one only {len(a)}")
        return 1
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print(f"line {i + 1} of the cut output is not the full output's:")
            print(f"  full: {show(x)}")
            print(f"  cut:  {show(y)}")
            return 1
    return 0


def cmd_jsonl(*paths):
    bad = 0
    for p in paths:
        for i, l in enumerate(lines(p)):
            try:
                o = json.loads(l)
                if not isinstance(o, dict) or o.get("kind") != "event":
                    raise ValueError("not an event record")
            except ValueError as e:
                print(f"{p}:{i + 1}: {e}: {show(l)}")
                bad = 1
                break
    return bad


def cmd_gstates(path):
    state = {}
    for l in lines(path):
        o = json.loads(l)
        if o.get("ev") == "StateTransition" and o.get("resource") == "goroutine":
            state[o["id"]] = o["to"]
    for g in sorted(state):
        print(g, state[g])
    return 0


def cmd_syncs(path):
    for l in lines(path):
        o = json.loads(l)
        if o.get("ev") == "Sync":
            c = o.get("clock")
            extra = f" {c['t']} {c['mono']} {c['wall']}" if c else ""
            print(f"{o['n']} {o['t']}{extra}")
    return 0


def uvarint(b, i):
    v = s = 0
    while True:
        if i >= len(b):
            raise ValueError("truncated varint")
        c = b[i]
        i += 1
        v |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return v, i


def cmd_boundaries(path):
    with open(path, "rb") as f:
        b = f.read()
    i = 16
    while i < len(b):
        t = b[i]
        if t == 52:  # EndOfGeneration
            i += 1
            print(i, "generation")
            continue
        if t not in (1, 49):
            raise SystemExit(f"{path}: byte {i}: not a batch (type {t})")
        i += 2 if t == 49 else 1
        for _ in range(3):  # gen, m, time
            _, i = uvarint(b, i)
        size, i = uvarint(b, i)
        i += size
        if i > len(b):
            raise SystemExit(f"{path}: the last batch is cut")
        print(i, "batch")
    return 0


def main(argv):
    cmds = {"diff": (cmd_diff, -1), "ties": (cmd_ties, 1), "prefix": (cmd_prefix, 2), "jsonl": (cmd_jsonl, -1),
            "gstates": (cmd_gstates, 1), "syncs": (cmd_syncs, 1), "boundaries": (cmd_boundaries, 1)}
    if len(argv) < 2 or argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 2
    fn, n = cmds[argv[1]]
    if n >= 0 and len(argv) - 2 != n:
        sys.stderr.write(__doc__)
        return 2
    return fn(*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
