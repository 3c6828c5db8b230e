#!/usr/bin/env bash
# Legacy profiles that are not protobuf: the binary CPU format of Go <= 1.7
# and gperftools, and the C++ threadz text.  Each file of $SHARED that
# INDEX.md says must parse is decoded and compared with pprof's own
# reading of it, the Profile.String() dump next to it (FILE.string):
# sample by sample, the values and the stack's addresses (the Java
# flavour, whose addresses pprof clears: the function names), and the
# mappings.  The Java agent's text profiles must be refused as such.
set -u
PT=${SHARED:-}/testdata/pprof/google-pprof
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if ! command -v pprof2ndjson >/dev/null; then
	echo "skip - legacy (pprof2ndjson not built)"
	exit 0
fi
if [ -z "${SHARED:-}" ] || [ ! -d "$PT" ]; then
	echo "skip - legacy (no \$SHARED/testdata/pprof/google-pprof)"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	echo "skip - legacy (no python3)"
	exit 0
fi

cat >"$scratch/cmp.py" <<'PY'
import json, re, sys

recs = [json.loads(l) for l in open(sys.argv[1])]
prof = [r for r in recs if r["kind"] == "profile"]
samples = [r for r in recs if r["kind"] == "sample"]
lines = open(sys.argv[2]).read().split("\n")
sect, osamples, olocs, omaps, types = None, [], {}, [], []
for l in lines:
    if l in ("Samples:", "Locations", "Mappings"):
        sect = l
        continue
    if not l.strip():
        continue
    if sect == "Samples:":
        if not types:
            types = [t.split("/")[0] for t in l.split()]
            continue
        if l.startswith("                "):
            continue  # labels
        vals, ids = l.split(":", 1)
        osamples.append(([int(v) for v in vals.split()],
                         [int(i) for i in ids.split()]))
    elif sect == "Locations":
        m = re.match(r"\s*(\d+): (0x[0-9a-f]+) (?:M=\d+ )?(\S+)?", l)
        if m:
            olocs[int(m.group(1))] = (int(m.group(2), 16), m.group(3))
    elif sect == "Mappings":
        m = re.match(r"\d+: (0x[0-9a-f]+)/(0x[0-9a-f]+)/(0x[0-9a-f]+) (\S*)", l)
        omaps.append((int(m.group(1), 16), int(m.group(2), 16),
                      int(m.group(3), 16), m.group(4)))

def fail(msg):
    print(msg)
    sys.exit(1)

if len(prof) != 1:
    fail("%d profile records" % len(prof))
got_types = [t["type"] for t in prof[0]["sample_types"]]
if got_types != types:
    fail("sample types %s, want %s" % (got_types, types))
if len(samples) != len(osamples):
    fail("%d samples, want %d" % (len(samples), len(osamples)))
for i, (s, (vals, ids)) in enumerate(zip(samples, osamples)):
    got = [s["values"][t] for t in types]
    if got != vals:
        fail("sample %d: values %s, want %s" % (i, got, vals))
    want = []
    for lid in ids:
        addr, fn = olocs[lid]
        want.append("0x%x" % addr if addr else fn)
    have = [f.get("addr", f["fn"]) for f in s["stack"]]
    if have != want:
        fail("sample %d: stack %s, want %s" % (i, have, want))
maps = [(int(m["start"], 16), int(m["limit"], 16), int(m["offset"], 16),
         m["file"]) for m in prof[0].get("mappings", [])]
if (len(sys.argv) < 4 or sys.argv[3] != "driver-testdata") and maps != omaps:
    fail("mappings %s, want %s" % (maps[:3], omaps[:3]))
PY

# compare NAME FILE ORACLE [nomaps]: decode FILE, compare with ORACLE
# (nomaps: all but the mappings).
compare() {
	local name=$1 file=$2 oracle=$3 out=$scratch/out.ndjson msg
	if [ ! -f "$file" ] || [ ! -f "$oracle" ]; then
		echo "skip - $name (not in \$SHARED)"
		return
	fi
	if ! pprof2ndjson --addresses "$file" >"$out" 2>"$out.err"; then
		echo "not ok - $name"
		sed 's/^/  /' "$out.err" | head -n 5
		return
	fi
	if msg=$(python3 "$scratch/cmp.py" "$out" "$oracle" ${4:+"$4"} 2>&1); then
		echo "ok - $name"
	else
		echo "not ok - $name"
		printf '%s\n' "$msg" | head -n 10 | sed 's/^/  /'
	fi
}

for f in cppbench.cpu go.crc32.cpu gobench.cpu java.cpu cppbench.thread \
    cppbench.thread.all cppbench.thread.none; do
	compare "legacy/$f" "$PT/profile-testdata/$f" \
	    "$PT/profile-testdata/$f.string"
done
# The copies elsewhere in pprof's tree read the same; driver-testdata's
# cppbench.cpu has the same samples under another memory map.
for f in driver-testdata/cppbench.cpu driver-testdata/go.crc32.cpu \
    fuzz-corpus/cppbench.cpu.pb fuzz-corpus/gobench.cpu.pb \
    fuzz-corpus/go.crc32.cpu.pb fuzz-corpus/java.cpu.pb; do
	b=${f##*/}
	compare "legacy/$f" "$PT/$f" "$PT/profile-testdata/${b%.pb}.string" \
	    ${f%%/*}
done

# Java agent text: refused by name, exit 65, no records.
for f in java.heap java.contention; do
	if [ ! -f "$PT/profile-testdata/$f" ]; then
		echo "skip - legacy/$f (not in \$SHARED)"
		continue
	fi
	pprof2ndjson "$PT/profile-testdata/$f" >"$scratch/j.out" 2>"$scratch/j.err"
	rc=$?
	if [ "$rc" = 65 ] && [ ! -s "$scratch/j.out" ] &&
	    grep -q 'a Java profile, not a Go profile' "$scratch/j.err"; then
		echo "ok - legacy/$f (refused)"
	else
		echo "not ok - legacy/$f (refused)"
		echo "  exit $rc"
		sed 's/^/  /' "$scratch/j.err" | head -n 3
	fi
done
