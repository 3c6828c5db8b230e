#!/usr/bin/env bash
# corrupt.sh - corrupt input is never accepted silently (issue 15).
#
# Damaged copies of committed fixtures, made at test time: every one must
# give exit 65 and exactly one stderr line "PROG: SRC: what (place)" from
# every program, and nothing that looks like success.
# Environment (set by tests/run.sh): TOP, BUILD; $BUILD/bin on PATH.
set -u

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
fix=$top/tests/fixtures
progs="pprof2ndjson trace2ndjson heapdiff"

if ! command -v pprof2ndjson >/dev/null 2>&1; then
	echo "skip - corrupt (no programs in \$BUILD/bin: run make)"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "skip - corrupt (no python3)"
	exit 0
fi
tmp=$(mktemp -d) || {
	echo "not ok - corrupt: mktemp failed"
	exit 0
}
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 0

# data_error NAME PATTERN FILE: each program (or those in $only), given FILE as an argument
# and on stdin, exits 65 with one stderr line matching the extended
# regular expression "^PROG: SRC: PATTERN".
data_error() {
	local name=$1 pat=$2 file=$3 p how rc lines bad=''
	for p in ${only:-$progs}; do
		for how in arg stdin; do
			if [ $how = arg ]; then
				"$p" "$file" >out 2>err
				rc=$? src=$file
			else
				"$p" <"$file" >out 2>err
				rc=$? src='-'
			fi
			lines=$(wc -l <err)
			if [ $rc != 65 ] || [ "$lines" != 1 ] ||
				! grep -Eq "^$p: $src: $pat" err; then
				bad="$bad
  $p ($how): exit $rc, $lines stderr lines: $(head -c 300 err)"
			fi
		done
	done
	if [ -z "$bad" ]; then
		echo "ok - $name"
	else
		echo "not ok - $name$bad"
	fi
}

# mutate IN OUT OP ARG: a damaged copy (OP: flip OFFSET (negative from the
# end), cut NBYTES (from the end)).
mutate() {
	python3 - "$@" <<'EOF'
import sys
src, dst, op, arg = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
d = bytearray(open(src, "rb").read())
if op == "flip":
    d[arg] ^= 0x20
elif op == "cut":
    d = d[:len(d) - arg]
open(dst, "wb").write(d)
EOF
}

# gzip trailers: CRC-32 (the last 8 bytes' first half), length (second
# half), a byte inside the compressed data, a cut trailer, for a gzipped
# profile and a gzipped dump, and for the gzip stream around a tarball.
gz=$fix/go1.26/heap.pb.gz
gzip -c <"$fix/go1.26/goroutine.debug2.txt" >dump.gz
mkdir tarin && cp "$gz" tarin/heap.pb.gz &&
	cp "$fix/go1.26/goroutine.debug2.txt" tarin/ &&
	tar czf t.tgz -C tarin . || exit 0
for f in heap.pb.gz:"$gz" dump.gz:dump.gz t.tgz:t.tgz; do
	name=${f%%:*} path=${f#*:} only=
	# The tarball holds a profile and a dump: pprof2ndjson's input.
	[ "$name" = t.tgz ] && only=pprof2ndjson
	mutate "$path" "crc-$name" flip -7
	data_error "gzip $name: trailer CRC-32 flipped" \
		"corrupt gzip data: the CRC-32 in its trailer does not match the data \(byte [0-9]+\)$" \
		"crc-$name"
	mutate "$path" "len-$name" flip -2
	data_error "gzip $name: trailer length flipped" \
		"corrupt gzip data: the length in its trailer does not match the data \(byte [0-9]+\)$" \
		"len-$name"
	mutate "$path" "cut-$name" cut 3
	data_error "gzip $name: trailer cut" \
		"truncated gzip data \(input ends at byte [0-9]+, [0-9]+ bytes inflated\)$" \
		"cut-$name"
done
only=
# A flipped bit inside the compressed data: zlib may see it at once
# (a bad code) or only at the trailer; either way one line with a place.
size=$(wc -c <"$gz")
for off in 100 $((size / 2)) $((size - 40)); do
	mutate "$gz" mid-$off.gz flip "$off"
	data_error "gzip: a byte flipped at $off of $size" \
		"corrupt gzip data: .*\(byte [0-9]+\)$" mid-$off.gz
done

# Decompressed to nothing, or to zeros (an empty tar, not evidence).
gzip -c </dev/null >empty.gz
data_error "gzip of nothing" "gzip data decompresses to nothing$" empty.gz
head -c 1024 /dev/zero | gzip -c >zero.gz
data_error "gzip of 1 KiB of zeros" \
	"an archive with no files in it \(an empty tar, or zero bytes\)$" zero.gz
head -c $((64 << 20)) /dev/zero | gzip -1 -c >zero64.gz
data_error "gzip of 64 MiB of zeros" \
	"an archive with no files in it \(an empty tar, or zero bytes\)$" zero64.gz

# Legacy traces cut at event boundaries inside their string and stack
# tables (Go 1.19 writes them last): an id used but never defined is a
# data error, as in Go's reader.  A cut that loses nothing used must give
# the full trace's events.
t1=$fix/trace/go1.19/tracer.trace
trace2ndjson "$t1" >t1.full 2>/dev/null
trace2ndjson --raw "$t1" |
	python3 -c '
import json, sys
evs = [json.loads(l) for l in sys.stdin]
first = min(e["off"] for e in evs if e["ev"] == "Stack")
for e in evs:
    if e["off"] >= first:
        print(e["off"])' >t1.cuts
n=0 bad=
while read -r off; do
	head -c "$off" "$t1" >t1.cut
	trace2ndjson t1.cut >out 2>err
	rc=$?
	n=$((n + 1))
	if [ $rc = 65 ] && [ "$(wc -l <err)" = 1 ] &&
		grep -Eq '^trace2ndjson: t1.cut: event at byte [0-9]+: (stack|string) [0-9]+ is used but never defined$' err; then
		continue
	fi
	if [ $rc = 0 ] && [ ! -s err ] && sed 's/"src":"t1.cut"/"src":"X"/' out |
		cmp -s - <(sed "s|\"src\":\"[^\"]*\"|\"src\":\"X\"|" t1.full); then
		continue
	fi
	bad="$bad
  cut at $off: exit $rc: $(head -c 200 err)"
done <t1.cuts
if [ -z "$bad" ] && [ $n -gt 100 ]; then
	echo "ok - legacy trace cut at $n event boundaries in its tables: each undefined id is an error"
else
	echo "not ok - legacy trace cut at $n event boundaries in its tables$(echo "$bad" | head -n 6)"
fi

# Text cut mid-line: the record the cut falls in is partial, reported
# once, exit 65 (debug=1: "partial" on the sample; debug=2: on the
# goroutine).  Cuts are in the middle of lines with a record's text.
cutmid() {
	python3 - "$@" <<'EOF'
import sys
path, count = sys.argv[1], int(sys.argv[2])
d = open(path, "rb").read()
# Offsets in the middle of non-blank lines, spread over the file.
starts = [0] + [i + 1 for i, c in enumerate(d) if c == 10]
lines = [(s, d.index(b"\n", s) if b"\n" in d[s:] else len(d)) for s in starts]
lines = [(s, e) for s, e in lines[1:] if e - s > 4 and not d[s:e].startswith(b"# ")]
step = max(1, len(lines) // count)
for s, e in lines[::step][:count]:
    print((s + e) // 2)
EOF
}
for f in heap.debug1 goroutine.debug1 goroutine.debug2; do
	src=$fix/go1.26/$f.txt
	n=0 bad=
	for off in $(cutmid "$src" 12); do
		head -c "$off" "$src" >cut.txt
		pprof2ndjson cut.txt >out 2>err
		rc=$?
		n=$((n + 1))
		if [ $rc = 65 ] && [ "$(wc -l <err)" = 1 ] &&
			grep -Eq '^pprof2ndjson: cut.txt: line [0-9]+: cut off by the end of the input' err; then
			if grep -q 'is partial' err &&
				! tail -n 1 out | grep -q '"partial":true'; then
				bad="$bad
  cut at $off: the last record is not flagged partial"
			fi
			continue
		fi
		bad="$bad
  cut at $off: exit $rc: $(head -c 200 err)"
	done
	if [ -z "$bad" ]; then
		echo "ok - $f cut mid-line at $n places: partial, one line, exit 65"
	else
		echo "not ok - $f cut mid-line$(echo "$bad" | head -n 6)"
	fi
done

# A byte flipped inside a tar.gz: one line, the gzip error, not one per
# garbled member line and then "Damaged tar archive"; on stdin as well.
tar czf t3.tgz -C "$fix/go1.26" heap.pb.gz goroutine.debug2.txt heap.debug1.txt
size=$(wc -c <t3.tgz)
bad=
for off in 200 $((size / 3)) $((size / 2)) $((size * 3 / 4)); do
	mutate t3.tgz m.tgz flip "$off"
	for how in arg stdin; do
		if [ $how = arg ]; then
			pprof2ndjson m.tgz >/dev/null 2>err
		else
			pprof2ndjson <m.tgz >/dev/null 2>err
		fi
		rc=$?
		if [ $rc != 65 ] || [ "$(wc -l <err)" != 1 ]; then
			bad="$bad
  flip at $off ($how): exit $rc, $(wc -l <err) lines: $(head -n 2 err | cut -c1-120)"
		fi
	done
done
if [ -z "$bad" ]; then
	echo "ok - a tar.gz damaged inside: one line"
else
	echo "not ok - a tar.gz damaged inside: one line$bad"
fi

# A stream whose stack records are lost: the first five samples are told,
# the rest counted in one line.
pprof2ndjson --intern "$fix/go1.26/heap.pb.gz" | grep -v '"kind":"stack"' >nostack.ndjson
n=$(grep -c '"stack_id"' nostack.ndjson)
render-dot nostack.ndjson >/dev/null 2>err
rc=$?
if [ $rc = 65 ] && [ "$(grep -c 'has no stack record before it$' err)" = 6 ] &&
	[ "$(wc -l <err)" = 6 ] &&
	grep -q "^render-dot: nostack.ndjson: $((n - 5)) more records whose stack_id has no stack record before it$" err; then
	echo "ok - $n undefined stack_ids: five told, the rest counted"
else
	echo "not ok - $n undefined stack_ids: five told, the rest counted"
	echo "  exit $rc, $(wc -l <err) lines"
	head -n 8 err | sed 's/^/  /'
fi
