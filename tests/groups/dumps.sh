#!/usr/bin/env bash
# Goroutine dumps and ?debug=1 text through pprof2ndjson.
#
# Golden cases: tests/golden/dumps/NAME.golden holds the standard output,
# then "--- stderr" and the standard error, then "--- exit N".  Inputs are
# the committed fixtures (tests/fixtures), files of $SHARED/testdata
# (skipped when absent) and small texts written here.  UPDATE_GOLDEN=1
# rewrites the golden files; review them before committing.
#
# Oracle cases compare with what other readers say about the same files:
# gostackparse's golden JSON, `go tool pprof -raw` values, and the
# protobuf taken at the same moment as a debug=1/debug=2 text.
set -u
G=$TOP/tests/golden/dumps
FIX=$TOP/tests/fixtures
DUMPS=$SHARED/testdata/goroutine-dumps
GEN19=$SHARED/testdata/pprof/generated-go1.19
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
: >"$scratch/stdin"

if ! command -v pprof2ndjson >/dev/null; then
	echo "skip - dumps (pprof2ndjson not built)"
	exit 0
fi
# golden_cmp, run_ok (tests/lib.sh)
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"

# golden NAME DIR [ARGS...]: run pprof2ndjson in DIR, compare with NAME.
# Standard input is $scratch/stdin.
golden() {
	local name=$1 dir=$2 out=$scratch/$1.golden rc
	shift 2
	if [ ! -d "$dir" ]; then
		echo "skip - $name (no $dir)"
		return
	fi
	(cd "$dir" && pprof2ndjson "$@" <"$scratch/stdin") >"$out" 2>"$out.err"
	rc=$?
	{ echo "--- stderr"; cat "$out.err"; echo "--- exit $rc"; } >>"$out"
	golden_cmp "$name" "$G/$name.golden" "$out"
}

# ---- committed fixtures (real Go 1.19 and Go 1.26 runtimes) ----
for v in go1.19 go1.26; do
	for f in goroutine.debug2 panic-single panic-all panic-system \
	    panic-crash sigquit goroutine.debug1 threadcreate.debug1 \
	    block.debug1 mutex.debug1 heap.debug1 goroutineleak.debug1 \
	    goroutineleak.debug2; do
		if [ -s "$FIX/$v/$f.txt" ]; then
			golden "$v-$f" "$FIX/$v" "$f.txt"
		else
			echo "skip - $v-$f (no fixture $v/$f.txt)"
		fi
	done
done

# ---- peers' files: what must parse, what must be rejected (INDEX.md) ----
for f in generated-go1.19/panic_gotraceback_all.txt \
    generated-go1.19/ancestors.txt generated-go1.19/mapwrite.txt \
    datadog-go-profiler-notes/runtime-stack__runtime-stack.txt \
    datadog-gostackparse/cgo.txt datadog-gostackparse/windows.txt \
    golang-go-test2json/panic.test maruel-panicparse/CCode.txt \
    maruel-panicparse/Indented.txt maruel-panicparse/LongWait.txt \
    maruel-panicparse/Unavail.txt \
    maruel-panicparse/WithCarriageReturn.crlf-derived.txt \
    synthetic-newer-formats/go1.21plus_frames_elided.synthetic.txt \
    synthetic-newer-formats/go1.24_synctest_group.synthetic.txt \
    synthetic-newer-formats/go1.25_synctest_bubble_durable.synthetic.txt \
    synthetic-newer-formats/go1.26_goroutineleak_debug2.synthetic.txt \
    datadog-gostackparse/errorhandling.txt datadog-gostackparse/empty_stack.txt \
    datadog-gostackparse/partial_createdby.txt \
    datadog-gostackparse/partial_stack.txt maruel-panicparse/CreatedErr.txt \
    maruel-panicparse/HeaderError.txt \
    maruel-panicparse/MaxNestingDepthExceededErr.txt \
    maruel-panicparse/OrderErr.txt maruel-panicparse/UnavailError.txt \
    maruel-panicparse/UnmatchedOpeningCurlyBracketErr.txt; do
	name=shared-$(basename "${f%.*}")
	if [ -f "$DUMPS/$f" ]; then
		golden "$name" "$DUMPS" "$f"
	else
		echo "skip - $name (no \$SHARED/testdata)"
	fi
done

# Every file INDEX.md says must parse decodes without a problem.
if [ -d "$DUMPS" ]; then
	bad=""
	for f in "$DUMPS"/*/*.txt "$DUMPS"/*/*.test; do
		case $f in
		*Err.txt | *Error.txt | */errorhandling.txt | */empty_*.txt | \
		    */partial_*.txt) continue ;;
		esac
		if ! out=$(pprof2ndjson "$f" 2>&1 >/dev/null) || [ -n "$out" ]; then
			bad="$bad$f: $out"$'\n'
		fi
	done
	if [ -z "$bad" ]; then
		echo "ok - every valid shared dump decodes cleanly"
	else
		echo "not ok - every valid shared dump decodes cleanly"
		printf '%s' "$bad" | sed 's/^/  /'
	fi
else
	echo "skip - every valid shared dump decodes cleanly (no \$SHARED/testdata)"
fi

# ---- inputs made here: stdin, gzip, archives, bad input ----
if [ -s "$FIX/go1.19/goroutine.debug2.txt" ]; then
	cp "$FIX/go1.19/goroutine.debug2.txt" "$scratch/g.txt"
	(cd "$scratch" && pprof2ndjson g.txt) | sed 's/"src":"g.txt"/"src":"-"/' \
	    >"$scratch/want"
	run_ok "stdin is recognised by content" \
	    bash -c "pprof2ndjson <'$scratch/g.txt' | cmp - '$scratch/want'"
	gzip -c "$scratch/g.txt" >"$scratch/g.pb.gz"
	run_ok "a gzipped dump named .pb.gz is still a dump" \
	    bash -c "pprof2ndjson <'$scratch/g.pb.gz' | cmp - '$scratch/want'"
	if command -v tar >/dev/null; then
		mkdir -p "$scratch/a"
		cp "$scratch/g.txt" "$scratch/a/dump"
		cp "$FIX/go1.19/heap.debug1.txt" "$scratch/a/heap"
		(cd "$scratch/a" && tar czf ../a.tar.gz dump heap)
		run_ok "archive members are detected one by one" bash -c "
			cd '$scratch' &&
			pprof2ndjson a.tar.gz >out &&
			[ \$(grep -c '\"src\":\"a.tar.gz:dump\"' out) -eq \
			  \$(wc -l <want) ] &&
			grep -q '^{\"kind\":\"profile\",\"src\":\"a.tar.gz:heap\",\"format\":\"heap-text\"' out"
	fi
else
	echo "skip - stdin, gzip and archive cases (no fixture go1.19/goroutine.debug2.txt)"
fi

printf 'panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:9 +0x1d\n\ngoroutine 7 [chan receive, 3 minutes]:\nmain.wor' >"$scratch/stdin"
golden cut-mid-line "$scratch"
printf 'goroutine 5 [select]:\nmain.f(0x1)\n\t/a.go:1\n\ngoroutine 6 [idle]:\n\tgoroutine running on other thread; stack unavailable\n' >"$scratch/stdin"
golden intern-and-drop-runtime "$scratch" --intern --drop-runtime -
printf 'heap profile: 1: 2 [3: 4] @ heap/8192\n1: 99999999999999999999 [1: 1] @ 0x1\n1: 8 [1: 8] @ 0x2\n#\t0x1\tmain.f+0x1\t/a.go:99999999999999\n\n#\t0x5\tstray+0x1\t/b.go:1\n' >"$scratch/stdin"
golden heap-absurd-numbers "$scratch"
head -c 3000 /dev/urandom | tr -d '\n' | sed 's/^/goroutine 1 [running]:\n/' >"$scratch/junk"
run_ok "binary junk inside a dump is reported, not fatal" bash -c "
	pprof2ndjson <'$scratch/junk' >'$scratch/junk.out' 2>'$scratch/junk.err'
	rc=\$?; [ \$rc -eq 65 ] && [ \$(wc -l <'$scratch/junk.err') -ge 1 ]"
printf 'just some text\nthat is not a profile\n' >"$scratch/stdin"
golden unknown-text "$scratch"

# ---- oracles ----
if command -v python3 >/dev/null && [ -d "$DUMPS/datadog-gostackparse" ]; then
	run_ok "same goroutines as gostackparse's golden JSON" \
	    python3 - "$DUMPS/datadog-gostackparse" <<'PY'
import json, os, subprocess, sys
d = sys.argv[1]
bad = 0
for g in sorted(os.listdir(d)):
    if not g.endswith('.golden.json') or g.startswith('empty_input'):
        continue
    stem = os.path.join(d, g[:-len('.golden.json')])
    gold = json.load(open(stem + '.golden.json'))
    out = subprocess.run(['pprof2ndjson', stem + '.txt'], capture_output=True,
                         text=True).stdout
    # gostackparse drops the goroutines it could not parse; we mark them.
    ours = [json.loads(l) for l in out.splitlines()]
    ours = [r for r in ours if r['kind'] == 'goroutine' and not r.get('partial')]
    fr = lambda f: (f['fn'], f['file'], f['line'])
    gfr = lambda f: (f['Func'], f['File'], f['Line'])
    def conv(r):
        return (r['id'], r['state'], r.get('wait_ns', 0), r.get('locked', False),
                [fr(f) for f in r['stack']], r.get('frames_elided', False),
                fr(r['created_by']) if 'created_by' in r else None,
                [(a['goid'], [fr(f) for f in a['stack']])
                 for a in r.get('ancestors', [])])
    def gconv(r):
        anc, a = [], r.get('Ancestor')
        while a:
            anc.append((a['ID'], [gfr(f) for f in a['Stack']]))
            a = a.get('Ancestor')
        c = r['CreatedBy']
        return (r['ID'], r['State'], r['Wait'], r['LockedToThread'],
                [gfr(f) for f in r['Stack']], r['FramesElided'],
                gfr(c) if c else None, anc)
    a = [conv(r) for r in ours]
    b = [gconv(r) for r in gold['Goroutines']]
    if a != b:
        bad = 1
        print('differs:', stem)
sys.exit(bad)
PY
else
	echo "skip - same goroutines as gostackparse's golden JSON (no python3 or \$SHARED)"
fi

if command -v python3 >/dev/null && [ -d "$GEN19/pprof-oracle-go1.19" ]; then
	run_ok "debug=1 values equal go tool pprof -raw" python3 - "$GEN19" <<'PY'
import collections, json, re, subprocess, sys
d = sys.argv[1]
bad = 0
for txt, raw in [('heap.t1.debug1.txt', 'legacy.heap.t1.debug1.raw.txt'),
                 ('block.debug1.txt', 'legacy.block.debug1.raw.txt'),
                 ('mutex.debug1.txt', 'legacy.mutex.debug1.raw.txt'),
                 ('goroutine.debug1.txt', 'legacy.goroutine.debug1.raw.txt')]:
    out = subprocess.run(['pprof2ndjson', d + '/rate4096/' + txt],
                         capture_output=True, text=True).stdout
    recs = [json.loads(l) for l in out.splitlines()]
    types = [t['type'] for t in recs[0]['sample_types']]
    # pprof's legacy parser ignores "# labels:" lines, so samples that
    # differ only in labels are one sample to it; it drops zero samples.
    ours = collections.Counter()
    groups = collections.defaultdict(lambda: [0] * len(types))
    for n, r in enumerate(recs[1:]):
        key = json.dumps(r['stack']) if txt.startswith('goroutine') else n
        for i, t in enumerate(types):
            groups[key][i] += r['values'][t]
    for v in groups.values():
        if any(v):
            ours[tuple(v)] += 1
    rows = open(d + '/pprof-oracle-go1.19/' + raw).read()
    rows = rows.split('Samples:\n')[1].split('Locations')[0].splitlines()[1:]
    theirs = collections.Counter(
        tuple(int(x) for x in l.split(':')[0].split())
        for l in rows if re.match(r'^\s+-?\d', l))
    if ours != theirs:
        bad = 1
        print(txt, 'ours', sorted(ours - theirs)[:3], 'pprof', sorted(theirs - ours)[:3])
sys.exit(bad)
PY
else
	echo "skip - debug=1 values equal go tool pprof -raw (no python3 or \$SHARED)"
fi

# The three goroutine forms written at the same moment agree.
for v in go1.19 go1.26; do
	if command -v python3 >/dev/null && [ -s "$FIX/$v/goroutine.debug2.txt" ] &&
	    [ -s "$FIX/$v/goroutine.debug1.txt" ] && [ -s "$FIX/$v/goroutine.pb.gz" ]; then
		run_ok "$v goroutine debug=2, debug=1 and protobuf agree" \
		    python3 "$TOP/tests/goroutines-agree.py" "$FIX/$v"
	else
		echo "skip - $v goroutine debug=2, debug=1 and protobuf agree (no python3 or fixtures)"
	fi
done
