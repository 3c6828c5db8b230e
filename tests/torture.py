#!/usr/bin/env python3
"""torture.py - a mutation sweep over valid inputs, for every program.

    torture.py [--seed N] [--per N] [--full] [--keep DIR] [--timeout S]

Each valid input (committed fixtures: profiles, text profiles, dumps,
traces, NDJSON and heapdiff partials made from them, a tar.gz of several)
is damaged in the ways a disk, a network or a person damages files, and
every program that reads that kind of input is run on it (programs are
found on PATH).  The classes:

  cut        truncated at a random byte
  cutline    truncated at a line boundary (text) or mid-line
  flip       one bit flipped
  overwrite  8 random bytes written over
  zero       a run of bytes zeroed
  gztrailer  a bit of the gzip trailer (CRC-32 or length) flipped
  gzcut      the gzip trailer cut
  gzzero     gzip of zeros of the input's length

Every run is classified:
  crash   killed by a signal, exit 70 or above 128, or over the time limit
  silent  exit 0, nothing on stderr, and output that differs from the
          valid input's: the damage was accepted as data
  multi   exit 65 with more than one stderr line
  ok      anything else (rejected in one line, or output unchanged)

A silent acceptance is a defect for the classes where the damage is
always detectable (gztrailer, gzcut, gzzero, zero runs in binary formats,
cutline mid-line); for flips and overwrites in text, where a changed
digit is still a valid file, it is counted and reported only.  A dump's
file line cut inside the hex digits of its offset or pc reads as whole by
design, so cutline makes no such cut.  Prints
one line per counted outcome and exits 1 on a crash or a defect.  The
small default (seed 1, a few mutants per input and class) runs in
make check; --full is make torture.
"""
import argparse
import gzip
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(TOP, "tests", "fixtures")

CLASSES = ["cut", "cutline", "flip", "overwrite", "zero", "gztrailer",
           "gzcut", "gzzero"]
# Classes whose silent acceptance is a defect.
STRICT = {"gztrailer", "gzcut", "gzzero", "cutline"}


def run(argv, data, timeout, cwd):
    try:
        p = subprocess.run(argv, input=data, capture_output=True,
                           timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        return "timeout", b"", b""
    return p.returncode, p.stdout, p.stderr


def inputs(tmp):
    """(name, bytes, programs, text) for every valid input."""
    out = []

    def add(name, path, progs, text):
        with open(path, "rb") as f:
            out.append((name, f.read(), progs, text))

    prof = ["pprof2ndjson", "heapdiff"]
    for v in ("go1.19", "go1.26"):
        d = os.path.join(FIX, v)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            p = os.path.join(d, f)
            if f.endswith(".pb.gz"):
                add(v + "/" + f, p, prof, False)
            elif f.endswith(".debug1.txt"):
                add(v + "/" + f, p, prof, True)
            elif f.endswith(".debug2.txt") or f.startswith("panic-"):
                add(v + "/" + f, p, ["pprof2ndjson"], True)
    for sub in ("go1.19", "go1.26", "esbuild"):
        d = os.path.join(FIX, "trace", sub)
        if os.path.isdir(d):
            for f in sorted(os.listdir(d)):
                if f.endswith(".trace"):
                    add("trace/" + sub + "/" + f, os.path.join(d, f),
                        ["trace2ndjson"], False)
    # NDJSON, flat and interned, and a heapdiff partial, made now.
    heap = os.path.join(FIX, "go1.26", "heap.pb.gz")
    if os.path.exists(heap):
        for flag, name in (([], "flat"), (["--intern"], "interned")):
            nd = subprocess.run(["pprof2ndjson"] + flag + [heap],
                                capture_output=True).stdout
            if nd:
                out.append(("ndjson/" + name, nd,
                            ["heapdiff", "render-dot"], True))
        hs = [os.path.join(FIX, "go1.26", "heap.%d.pb.gz" % i)
              for i in (1, 2)]
        if all(os.path.exists(h) for h in hs):
            part = subprocess.run(["heapdiff", "--partial"] + hs,
                                  capture_output=True).stdout
            if part:
                out.append(("partial", part, ["heapdiff --merge"], True))
        # gzip around text, and a tar.gz of several units.
        dump = os.path.join(FIX, "go1.26", "goroutine.debug2.txt")
        if os.path.exists(dump):
            with open(dump, "rb") as f:
                out.append(("dump.gz", gzip.compress(f.read(), 6, mtime=0),
                            ["pprof2ndjson"], False))
            tgz = os.path.join(tmp, "all.tar.gz")
            with tarfile.open(tgz, "w:gz") as t:
                for p in (heap, dump,
                          os.path.join(FIX, "go1.26", "heap.debug1.txt")):
                    if os.path.exists(p):
                        t.add(p, arcname=os.path.basename(p))
            add("all.tar.gz", tgz, ["pprof2ndjson"], False)
    return out


def is_gzip(b):
    return b[:2] == b"\x1f\x8b"


def mutate(rng, cls, data, text):
    """A damaged copy, or None when the class does not apply."""
    n = len(data)
    if n < 16:
        return None
    d = bytearray(data)
    if cls == "cut":
        return bytes(d[:rng.randrange(1, n)])
    if cls == "cutline":
        if not text:
            return None
        nls = [i for i, c in enumerate(d) if c == 10]
        if len(nls) < 3:
            return None
        # Mid-line: a cut strictly inside a line with text in it.
        i = rng.randrange(1, len(nls) - 1)
        a, b = nls[i - 1] + 1, nls[i]
        if b - a < 2:
            return None
        cut = bytes(d[:rng.randrange(a + 1, b)])
        # A dump's file line cut inside its offset or pc digits reads as
        # whole, by design: Go's own files are seen without their last
        # newline (../shared's gostackparse go121_createdby.txt).
        if re.search(rb"(\+0x|pc=0x)[0-9a-f]+$", cut):
            return None
        return cut
    if cls == "flip":
        i = rng.randrange(n)
        d[i] ^= 1 << rng.randrange(8)
        return bytes(d)
    if cls == "overwrite":
        i = rng.randrange(n - 8)
        d[i:i + 8] = bytes(rng.randrange(256) for _ in range(8))
        return bytes(d)
    if cls == "zero":
        if text:
            return None
        i = rng.randrange(n - 8)
        k = rng.randrange(8, min(4096, n - i) + 1)
        d[i:i + k] = bytes(k)
        return bytes(d) if bytes(d) != data else None
    if cls == "gztrailer":
        if not is_gzip(data):
            return None
        i = n - 1 - rng.randrange(8)
        d[i] ^= 1 << rng.randrange(8)
        return bytes(d)
    if cls == "gzcut":
        if not is_gzip(data):
            return None
        return bytes(d[:n - rng.randrange(1, 9)])
    if cls == "gzzero":
        size = len(gzip.decompress(data)) if is_gzip(data) else n
        return gzip.compress(bytes(size), 1, mtime=0)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per", type=int, default=1,
                    help="mutants per input, class and program")
    ap.add_argument("--full", action="store_true",
                    help="make torture: 12 mutants each")
    ap.add_argument("--keep", help="copy defects and crashes here")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--inputs", type=int, default=0,
                    help="only this many inputs, chosen by the seed")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    per = 12 if a.full else a.per
    rng = random.Random(a.seed)
    tmp = tempfile.mkdtemp(prefix="torture.")
    counts = {k: 0 for k in ("runs", "crash", "silent", "defect", "multi")}
    by_class = {}
    bad = []
    try:
        ins = inputs(tmp)
        if a.inputs and a.inputs < len(ins):
            ins = rng.sample(ins, a.inputs)
        for name, data, progs, text in ins:
            base = {}
            for prog in progs:
                rc, out, _ = run(prog.split(), data, a.timeout, tmp)
                base[prog] = out
            for cls in CLASSES:
                for _ in range(per):
                    m = mutate(rng, cls, data, text)
                    if m is None or m == data:
                        continue
                    for prog in progs:
                        rc, out, err = run(prog.split(), m, a.timeout, tmp)
                        counts["runs"] += 1
                        c = by_class.setdefault(cls, [0, 0, 0, 0])
                        c[0] += 1
                        what = None
                        if rc == "timeout" or rc < 0 or rc == 70 or \
                                rc > 128:
                            counts["crash"] += 1
                            what = "crash (%s)" % rc
                        elif rc == 0 and not err and out != base[prog]:
                            counts["silent"] += 1
                            c[1] += 1
                            if cls in STRICT or (cls == "zero"):
                                counts["defect"] += 1
                                c[2] += 1
                                what = "accepted silently"
                        elif rc == 65 and err.count(b"\n") > 1:
                            counts["multi"] += 1
                            c[3] += 1
                            if a.verbose:
                                print("multi: %s %s on %s:\n    %s" % (
                                    prog, cls, name, "\n    ".join(
                                        err.decode("utf-8", "replace")
                                        .splitlines()[:3])))
                        if what:
                            bad.append("%s %s on %s: %s" %
                                       (prog, cls, name, what))
                            if a.keep:
                                os.makedirs(a.keep, exist_ok=True)
                                fn = "%s.%s.%d" % (name.replace("/", "_"),
                                                   cls, len(bad))
                                with open(os.path.join(a.keep, fn),
                                          "wb") as f:
                                    f.write(m)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("runs %(runs)d crashes %(crash)d silent %(silent)d "
          "defects %(defect)d multi-line %(multi)d" % counts)
    for cls in CLASSES:
        if cls in by_class:
            r, s, d, m = by_class[cls]
            print("  %-9s runs %5d silent %4d defects %d multi-line %d" %
                  (cls, r, s, d, m))
    for b in bad[:20]:
        print("  " + b)
    sys.exit(1 if counts["crash"] or counts["defect"] else 0)


if __name__ == "__main__":
    main()
