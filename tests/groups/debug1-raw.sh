#!/usr/bin/env bash
# debug1-raw.sh - ?debug=1 text says every address of a record: pprof2ndjson
# keeps them all, as `go tool pprof -raw` does (issue 15).
#
# For each committed debug=1 fixture, sample by sample: the values and the
# stack's addresses (each frame's: one per "@" address, less one, since Go
# gives inlined calls addresses of their own) must be those pprof's legacy
# importer reads.  Zero addresses (threadcreate
# pads its stacks with them) are left out on both sides: pprof turns each
# into a bogus location 0xffffffffffffffff.  Needs go; skipped without.
set -u

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v pprof2ndjson >/dev/null 2>&1; then
	echo "skip - debug1-raw (pprof2ndjson not built)"
	exit 0
fi
if ! command -v go >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	echo "skip - debug1-raw (no go or no python3)"
	exit 0
fi
tmp=$(mktemp -d) || exit 0
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/cmp.py" <<'PY'
import collections, json, re, sys

# Go may print more "#" lines than the "@" list has addresses (a deep
# recursion: the list stops at 128); those frames come after, named.
ours, raw = sys.argv[1], sys.argv[2]
a = collections.defaultdict(list)
n = 0
for line in open(ours):
    r = json.loads(line)
    if r["kind"] != "sample":
        continue
    n += 1
    a[tuple(r["values"].values())].append(
        [(int(f["addr"], 16), f["fn"].startswith("0x")) for f in r["stack"]])

text = open(raw).read()
locs = {}
for m in re.finditer(r"^\s+(\d+): 0x([0-9a-f]+) M=", text, re.M):
    locs[m.group(1)] = int(m.group(2), 16)
samples = text.split("Samples:\n", 1)[1].split("\nLocations", 1)[0]
bad = 0
for line in samples.splitlines()[1:]:
    m = re.match(r"^\s+([-\d ]+): ([\d ]*)$", line)
    if not m:
        continue
    vals = tuple(int(v) for v in m.group(1).split())
    want = [locs[i] for i in m.group(2).split()
            if locs[i] != 0xFFFFFFFFFFFFFFFF]
    for k, st in enumerate(a[vals]):
        if [x for x, _ in st[:len(want)]] == want and \
                not any(unnamed for _, unnamed in st[len(want):]):
            del a[vals][k]
            break
    else:
        bad += 1
        if bad <= 3:
            print("  pprof only:", vals, len(want),
                  " ".join(hex(x) for x in want[:8]))
left = [(v, st) for v, sts in a.items() for st in sts]
for v, st in left[:3]:
    print("  ours only:", v, len(st), " ".join(hex(x) for x, _ in st[:8]))
if bad or left:
    sys.exit(1)
print(n)
PY

for f in "$top"/tests/fixtures/go1.*/*.debug1.txt; do
	name=$(basename "$(dirname "$f")")/$(basename "$f")
	if ! pprof2ndjson --addresses "$f" >"$tmp/ours" 2>"$tmp/err"; then
		echo "not ok - $name (pprof2ndjson failed)"
		sed 's/^/  /' "$tmp/err" | head -n 3
		continue
	fi
	if ! (cd "$tmp" && go tool pprof -raw "$f") >"$tmp/raw" 2>"$tmp/err"; then
		echo "skip - $name (go tool pprof failed: $(head -n 1 "$tmp/err"))"
		continue
	fi
	if n=$(python3 "$tmp/cmp.py" "$tmp/ours" "$tmp/raw"); then
		echo "ok - $name: $n samples, every address as pprof -raw has it"
	else
		echo "not ok - $name"
		echo "$n"
	fi
done
