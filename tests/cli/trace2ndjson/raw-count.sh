# --raw walks every timed event of a Go 1.26 trace: an independent walker
# (Python, with tracetxt2bin.py's event table) lists (offset, name) of
# each timed event in the event batches, and --raw's records of timed
# events must be exactly those (a Sync section's ClockSnapshot is not
# in an event batch).
if ! command -v python3 >/dev/null; then
	echo "skip: no python3"
	exit 0
fi
trace2ndjson --raw "$FIX/trace/go1.26/tracer.trace" |
	jq -r 'select((.args | has("dt")) and .ev != "ClockSnapshot") | "\(.off) \(.ev)"' > got.txt
python3 - "$TOP/tests" "$FIX/trace/go1.26/tracer.trace" > want.txt <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from tracetxt2bin import EVENTS

byname = {t: (n, a) for n, (t, a) in EVENTS.items()}
d = open(sys.argv[2], "rb").read()


def uv(p):
    x = s = 0
    while True:
        b = d[p]
        p += 1
        x |= (b & 0x7F) << s
        s += 7
        if b < 0x80:
            return x, p


p = 16
while p < len(d):
    typ = d[p]
    p += 1
    if typ == 52:  # EndOfGeneration
        continue
    if typ == 49:  # experimental: opaque
        p += 1
    for _ in range(3):
        _, p = uv(p)
    size, p = uv(p)
    end = p + size
    if typ == 1 and d[p] not in (2, 4, 6, 50):  # an event batch
        q = p
        while q < end:
            name, args = byname[d[q]]
            at = q
            q += 1
            for _ in args:
                _, q = uv(q)
            print(at, name)
    p = end
PY
wc -l < want.txt
if cmp -s got.txt want.txt; then
	echo "timed events agree"
else
	echo "timed events differ:"
	diff want.txt got.txt | head -n 5
fi
