#!/usr/bin/env python3
"""tracetxt2bin.py - Go's text form of an execution trace (v2, Go 1.22+) to
the binary wire format, for trace2ndjson's tests.

    tracetxt2bin.py FILE [OUT]     write the bytes to OUT (default stdout)
    tracetxt2bin.py --expect FILE  print the first line of the txtar
                                   "-- expect --" section (SUCCESS or
                                   FAILURE "<regexp>")

FILE is either a txtar archive with "-- expect --" and "-- trace --"
sections (Go's internal/trace/testdata/tests/*.test) or a bare text trace
(cmd/trace's go122.test).  The text syntax and the byte encoding follow
shared/specs/go-execution-trace.md, sections B.3-B.5 and C.2: a header line
"Trace Go1.N"; one event per line, its name then name=value arguments in
the event's order; a Stack line is followed by its frame lines, a String or
ExperimentalBatch line by one data="..." line (a Go quoted string).  Every
value becomes a minimal unsigned LEB128; EventBatch's size is written as
given.  Exit status 65 on text that does not follow these rules.
"""

import sys

# name -> (type byte, argument names in wire order).  Timed events start
# with dt.  A Stack is followed by nframes frame lines; a String and an
# ExperimentalBatch by one data line.
EVENTS = {
    "EventBatch": (1, ("gen", "m", "time", "size")),
    "Stacks": (2, ()),
    "Stack": (3, ("id", "nframes")),
    "Strings": (4, ()),
    "String": (5, ("id",)),
    "CPUSamples": (6, ()),
    "CPUSample": (7, ("time", "m", "p", "g", "stack")),
    "Frequency": (8, ("freq",)),
    "ProcsChange": (9, ("dt", "procs_value", "stack")),
    "ProcStart": (10, ("dt", "p", "p_seq")),
    "ProcStop": (11, ("dt",)),
    "ProcSteal": (12, ("dt", "p", "p_seq", "m")),
    "ProcStatus": (13, ("dt", "p", "pstatus")),
    "GoCreate": (14, ("dt", "new_g", "new_stack", "stack")),
    "GoCreateSyscall": (15, ("dt", "new_g")),
    "GoStart": (16, ("dt", "g", "g_seq")),
    "GoDestroy": (17, ("dt",)),
    "GoDestroySyscall": (18, ("dt",)),
    "GoStop": (19, ("dt", "reason_string", "stack")),
    "GoBlock": (20, ("dt", "reason_string", "stack")),
    "GoUnblock": (21, ("dt", "g", "g_seq", "stack")),
    "GoSyscallBegin": (22, ("dt", "p_seq", "stack")),
    "GoSyscallEnd": (23, ("dt",)),
    "GoSyscallEndBlocked": (24, ("dt",)),
    "GoStatus": (25, ("dt", "g", "m", "gstatus")),
    "STWBegin": (26, ("dt", "kind_string", "stack")),
    "STWEnd": (27, ("dt",)),
    "GCActive": (28, ("dt", "gc_seq")),
    "GCBegin": (29, ("dt", "gc_seq", "stack")),
    "GCEnd": (30, ("dt", "gc_seq")),
    "GCSweepActive": (31, ("dt", "p")),
    "GCSweepBegin": (32, ("dt", "stack")),
    "GCSweepEnd": (33, ("dt", "swept_value", "reclaimed_value")),
    "GCMarkAssistActive": (34, ("dt", "g")),
    "GCMarkAssistBegin": (35, ("dt", "stack")),
    "GCMarkAssistEnd": (36, ("dt",)),
    "HeapAlloc": (37, ("dt", "heapalloc_value")),
    "HeapGoal": (38, ("dt", "heapgoal_value")),
    "GoLabel": (39, ("dt", "label_string")),
    "UserTaskBegin": (40, ("dt", "task", "parent_task", "name_string", "stack")),
    "UserTaskEnd": (41, ("dt", "task", "stack")),
    "UserRegionBegin": (42, ("dt", "task", "name_string", "stack")),
    "UserRegionEnd": (43, ("dt", "task", "name_string", "stack")),
    "UserLog": (44, ("dt", "task", "key_string", "value_string", "stack")),
    "GoSwitch": (45, ("dt", "g", "g_seq")),
    "GoSwitchDestroy": (46, ("dt", "g", "g_seq")),
    "GoCreateBlocked": (47, ("dt", "new_g", "new_stack", "stack")),
    "GoStatusStack": (48, ("dt", "g", "m", "gstatus", "stack")),
    "ExperimentalBatch": (49, ("exp", "gen", "m", "time")),
    "Sync": (50, ()),
    "ClockSnapshot": (51, ("dt", "mono", "sec", "nsec")),
    "EndOfGeneration": (52, ()),
}
# The highest event type each format version knows.
MAX_TYPE = {22: 44, 23: 49, 25: 51, 26: 52}
FRAME = ("pc", "func", "file", "line")
WITH_DATA = {"String", "ExperimentalBatch"}


class TextError(Exception):
    pass


def uvarint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tokens(line):
    """Whitespace-separated tokens of a line, up to a '#' comment."""
    return line.split("#", 1)[0].split()


def args(toks, names, where):
    if len(toks) != len(names):
        raise TextError(f"{where}: want {len(names)} arguments {' '.join(names)}, have {len(toks)}")
    vals = []
    for tok, name in zip(toks, names):
        key, eq, val = tok.partition("=")
        if not eq or key != name:
            raise TextError(f"{where}: want argument {name}=, have {tok!r}")
        if not val.isdigit() or int(val) >= 1 << 64:
            raise TextError(f"{where}: {name} is not an unsigned 64-bit number: {val!r}")
        vals.append(int(val))
    return vals


SIMPLE_ESC = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34, "'": 39}


def go_unquote(s, where):
    """Bytes of a Go string literal: "..." with escapes, or `raw`."""
    if len(s) >= 2 and s[0] == s[-1] == "`":
        return s[1:-1].encode()
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        raise TextError(f"{where}: data is not a quoted string: {s!r}")
    body, out, i = s[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c == '"':
            raise TextError(f"{where}: unescaped quote in data")
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        if i + 1 >= len(body):
            raise TextError(f"{where}: data ends in a backslash")
        e = body[i + 1]
        if e in SIMPLE_ESC:
            out.append(SIMPLE_ESC[e])
            i += 2
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i + 2 : i + 2 + n]
            if len(digits) != n or any(d not in "0123456789abcdefABCDEF" for d in digits):
                raise TextError(f"{where}: bad \\{e} escape in data")
            v = int(digits, 16)
            if e == "x":
                out.append(v)
            else:
                if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
                    raise TextError(f"{where}: bad code point \\{e}{digits} in data")
                out += chr(v).encode()
            i += 2 + n
        elif e in "01234567":
            digits = body[i + 1 : i + 4]
            if len(digits) != 3 or any(d not in "01234567" for d in digits) or int(digits, 8) > 255:
                raise TextError(f"{where}: bad octal escape in data")
            out.append(int(digits, 8))
            i += 4
        else:
            raise TextError(f"{where}: unknown escape \\{e} in data")
    return bytes(out)


def sections(text):
    """The txtar sections of text as {name: content}; a bare trace is
    returned as {"trace": text}."""
    lines = text.split("\n")
    secs, name, cur = {}, None, []
    for line in lines:
        s = line.strip()
        if s.startswith("-- ") and s.endswith(" --") and len(s) > 6:
            if name is not None:
                secs[name] = "\n".join(cur)
            name, cur = s[3:-3].strip(), []
        elif name is not None:
            cur.append(line)
    if name is None:
        return {"trace": text}
    secs[name] = "\n".join(cur)
    return secs


def convert(text):
    lines = [(n + 1, l) for n, l in enumerate(text.split("\n")) if tokens(l)]
    if not lines:
        raise TextError("no header line")
    n, first = lines[0]
    toks = tokens(first)
    if len(toks) != 2 or toks[0] != "Trace" or not toks[1].startswith("Go1."):
        raise TextError(f"line {n}: want 'Trace Go1.N', have {first!r}")
    ver = toks[1][4:]
    if not ver.isdigit() or int(ver) not in MAX_TYPE:
        raise TextError(f"line {n}: unsupported version Go1.{ver}")
    ver = int(ver)
    out = bytearray(f"go 1.{ver} trace".encode().ljust(16, b"\0"))
    i = 1
    while i < len(lines):
        n, line = lines[i]
        i += 1
        where = f"line {n}"
        toks = tokens(line)
        if toks[0] not in EVENTS:
            raise TextError(f"{where}: unknown event {toks[0]!r}")
        typ, names = EVENTS[toks[0]]
        if typ > MAX_TYPE[ver]:
            raise TextError(f"{where}: {toks[0]} does not exist in Go1.{ver}")
        vals = args(toks[1:], names, where)
        out.append(typ)
        for v in vals:
            out += uvarint(v)
        if toks[0] == "Stack":
            for _ in range(vals[1]):
                if i >= len(lines):
                    raise TextError(f"{where}: the stack's frames are missing")
                n, line = lines[i]
                i += 1
                for v in args(tokens(line), FRAME, f"line {n}"):
                    out += uvarint(v)
        if toks[0] in WITH_DATA:
            if i >= len(lines):
                raise TextError(f"{where}: the data line is missing")
            n, line = lines[i]
            i += 1
            key, eq, val = line.partition("=")
            if not eq or key.strip() != "data":
                raise TextError(f"line {n}: want data=\"...\", have {line!r}")
            data = go_unquote(val.strip(), f"line {n}")
            out += uvarint(len(data)) + data
    return bytes(out)


def main(argv):
    if len(argv) == 3 and argv[1] == "--expect":
        mode, path, dest = "expect", argv[2], None
    elif len(argv) in (2, 3) and not argv[1].startswith("--"):
        mode, path, dest = "convert", argv[1], argv[2] if len(argv) == 3 else None
    else:
        sys.stderr.write("usage: tracetxt2bin.py FILE [OUT] | --expect FILE\n")
        return 2
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        sys.stderr.write(f"tracetxt2bin.py: {path}: {e}\n")
        return 66
    secs = sections(text)
    if mode == "expect":
        exp = [l for l in secs.get("expect", "").split("\n") if l.strip()]
        if not exp:
            sys.stderr.write(f"tracetxt2bin.py: {path}: no expect section\n")
            return 65
        print(exp[0].strip())
        return 0
    if "trace" not in secs:
        sys.stderr.write(f"tracetxt2bin.py: {path}: no trace section\n")
        return 65
    try:
        data = convert(secs["trace"])
    except TextError as e:
        sys.stderr.write(f"tracetxt2bin.py: {path}: {e}\n")
        return 65
    if dest is None:
        sys.stdout.buffer.write(data)
    else:
        with open(dest, "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
