#!/usr/bin/env python3
"""bombs.py - small inputs that decode to a lot (issue 15), made at test time.

    bombs.py KIND OUT [SIZE]

KIND:
  string   a gzipped profile whose string table holds one SIZE-byte string
  packed   a gzipped profile with one sample of SIZE packed location ids
  zeros    SIZE zero bytes, gzipped
  dump     a gzipped goroutine dump of SIZE bytes (one goroutine repeated)
  trace1   a gzipped Go 1.19 trace header, a bad event at byte 16, then
           SIZE bytes of padding events
  ndjson   a gzipped NDJSON line of SIZE bytes: one array of zeros
  trace2   a gzipped Go 1.22 trace whose first generation is SIZE bytes of
           full batches of HeapAlloc events

The deflate data of a long run is made once and repeated (each copy ends
with a full flush, so it does not refer back), so a gigabyte costs a
megabyte of work; the trailer's CRC-32 and length are right, so the file is
valid gzip and only its content is hostile.
"""
import struct
import sys
import zlib

CHUNK = 1 << 20


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _gf2_times(mat, vec):
    s = 0
    i = 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s


def _gf2_square(mat):
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1, crc2, len2):
    """zlib's crc32_combine: the CRC-32 of A+B from those of A and B."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def crc_repeat(crc, block, times):
    """The CRC-32 after block, times times, by doubling."""
    one, n = zlib.crc32(block), len(block)
    while times:
        if times & 1:
            crc = crc32_combine(crc, one, n)
        one = crc32_combine(one, one, n)
        n *= 2
        times >>= 1
    return crc


def write_gzip(path, head, fill, size, tail=b""):
    """gzip of head + fill repeated to size bytes + tail, fast."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = bytearray()
    body += c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    block = (fill * (CHUNK // len(fill) + 1))[:CHUNK - CHUNK % len(fill)]
    n, rest = divmod(size, len(block))
    comp = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    body += comp * n
    crc = crc_repeat(crc, block, n)
    last = block[:rest] + tail
    body += c.compress(last) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(last, crc)
    total = len(head) + n * len(block) + len(last)
    with open(path, "wb") as f:
        f.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff")
        f.write(body)
        f.write(struct.pack("<II", crc & 0xFFFFFFFF, total & 0xFFFFFFFF))


def main():
    kind, out = sys.argv[1], sys.argv[2]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 1 << 30
    if kind == "string":
        # string_table = ["", "AAAA…"]: field 6, length-delimited.
        head = b"\x32\x00\x32" + varint(size)
        write_gzip(out, head, b"A", size)
    elif kind == "packed":
        # sample { location_id: [1, 1, …] } packed: field 2 { field 1 }.
        inner = b"\x0a" + varint(size)
        head = b"\x12" + varint(len(inner) + size) + inner
        write_gzip(out, head, b"\x01", size)
    elif kind == "zeros":
        write_gzip(out, b"", b"\x00", size)
    elif kind == "dump":
        g = (b"goroutine 7 [chan receive]:\nmain.worker()\n"
             b"\t/src/main.go:12 +0x2a\ncreated by main.main in goroutine 1\n"
             b"\t/src/main.go:30 +0x45\n\n")
        write_gzip(out, b"", g, size)
    elif kind == "trace1":
        # Event type 0 (EvNone) is never valid.
        write_gzip(out, b"go 1.19 trace\x00\x00\x00\x00", b"\x00", size)
    elif kind == "ndjson":
        write_gzip(out, b'{"kind":"sample","values":[', b"0,", size,
                   b'0],"stack":[]}\n')
    elif kind == "trace2":
        # EventBatch gen=1 m=0 time=0, then HeapAlloc (37) dt=1 value=64.
        events = b"\x25\x01\x40" * 21844
        batch = b"\x01\x01\x00\x00" + varint(len(events)) + events
        write_gzip(out, b"go 1.22 trace\x00\x00\x00", batch, size)
    else:
        sys.exit("bombs.py: unknown kind " + kind)


if __name__ == "__main__":
    main()
