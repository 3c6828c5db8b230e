#!/usr/bin/env bash
# recipes.sh - the jq recipes and the jq in the manual's EXAMPLES work.
#
# 1. Each share/recipes/*.jq runs on small hand-written NDJSON inputs in
#    tests/golden/recipes/ and must print exactly CASE.out.
# 2. Each example of pprof2ndjson(1) is cut out of the page and run, with
#    pprof2ndjson and curl replaced by shell functions that print those
#    same inputs, so the jq a reader copies from the manual is known to
#    work.  It must print exactly man-pprof2ndjson-N.out.
# 3. When pprof2ndjson is built: resolve-interned.jq turns its --intern
#    output into exactly its flat output, for the bundled sample archive
#    and the committed fixtures.
# 4. When trace2ndjson is built: the examples of trace2ndjson(1) run on
#    the real program and the committed Go 1.26 tracer fixture (curl
#    stand-in: that fixture), and must print man-trace2ndjson-N.out; the
#    trace recipes find, in the real output, the goroutines the tracer
#    program leaks on purpose.
#
# UPDATE_GOLDEN=1 rewrites the .out files instead of comparing (review the
# diff before committing).  Protocol and environment: see tests/run.sh.
set -u
export LC_ALL=C
top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
gold=$top/tests/golden/recipes
recipes=$top/share/recipes
bindir=${BUILD:-$top/build}/bin

if ! command -v jq >/dev/null 2>&1; then
	echo "skip - recipes (jq not installed)"
	exit 0
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/leakpipe-recipes.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT

# golden_cmp (tests/lib.sh)
# shellcheck source=tests/lib.sh
. "$top/tests/lib.sh"

# 1. Recipes: CASE RECIPE INPUT [JQ ARGS...]
recipe_case() {
	local name=$1 recipe=$2 input=$3
	shift 3
	if ! jq "$@" -f "$recipes/$recipe.jq" "$gold/$input" \
		>"$scratch/$name.out" 2>"$scratch/$name.err"; then
		echo "not ok - $recipe: $name"
		sed 's/^/    /' "$scratch/$name.err"
		return
	fi
	golden_cmp "$recipe: $name" "$gold/$name.out" "$scratch/$name.out"
}

recipe_case top-inuse top-inuse heap.ndjson -n -r
recipe_case top-inuse-interned top-inuse heap-interned.ndjson -n -r
recipe_case top-inuse-src top-inuse two-heaps.ndjson -n -r \
	--arg src new.pb.gz --argjson top 2
recipe_case goroutines-by-state goroutines-by-state goroutines.ndjson -n -r
recipe_case goroutines-by-state-archive goroutines-by-state night.ndjson -n -r
recipe_case stuck-goroutines stuck-goroutines goroutines.ndjson -n -c
recipe_case stuck-goroutines-0 stuck-goroutines goroutines-interned.ndjson \
	-n -c --argjson minutes 0
recipe_case leaf-functions leaf-functions block.ndjson -n -r
recipe_case leaf-functions-type leaf-functions block.ndjson -n -r \
	--arg type contentions
recipe_case leaf-functions-dump leaf-functions goroutines.ndjson -n -r
recipe_case resolve-heap resolve-interned heap-interned.ndjson -n -c
recipe_case resolve-goroutines resolve-interned goroutines-interned.ndjson -n -c
recipe_case trace-blocked trace-blocked trace-goroutines.ndjson -n -r
recipe_case trace-blocked-1s trace-blocked trace-goroutines.ndjson -n -r \
	--argjson seconds 1
recipe_case trace-blocked-dump trace-blocked goroutines-interned.ndjson -n -r
recipe_case gc-pauses gc-pauses trace-gc.ndjson -n -r
recipe_case gc-trend gc-trend gc-records.ndjson -n -c
recipe_case gc-trend-top gc-trend gc-records.ndjson -n -c --argjson top 1

# The resolved interned form is the flat form.
for f in heap goroutines; do
	jq -n -c -f "$recipes/resolve-interned.jq" "$gold/$f-interned.ndjson" \
		>"$scratch/$f.resolved" 2>&1
	jq -c . "$gold/$f.ndjson" >"$scratch/$f.flat"
	if cmp -s "$scratch/$f.flat" "$scratch/$f.resolved"; then
		echo "ok - resolve-interned: $f-interned.ndjson is $f.ndjson"
	else
		echo "not ok - resolve-interned: $f-interned.ndjson is $f.ndjson"
		diff -u "$scratch/$f.flat" "$scratch/$f.resolved" | head -n 20 |
			sed 's/^/    /'
	fi
done

# Every recipe has a test case and a usage header.
for r in "$recipes"/*.jq; do
	n=$(basename "$r" .jq)
	if ! grep -q "^recipe_case [^ ]* $n " "$0"; then
		echo "not ok - $n: has a test case"
		echo "    no recipe_case runs share/recipes/$n.jq"
	elif ! grep -q "^#.*jq .*-f $n.jq" "$r"; then
		echo "not ok - $n: header shows how to run it"
	else
		echo "ok - $n: has a test case and a usage example"
	fi
done

# 2. The examples of pprof2ndjson(1).  The stand-ins print NDJSON from the
# golden inputs, chosen by the file names and URLs the examples use.
cat >"$scratch/fakes.sh" <<'EOF'
curl() {
	local a
	for a; do
		case $a in
		*goroutine\?debug=2*) cat "$GOLD/goroutines.ndjson" ;;
		*/heap*) cat "$GOLD/heap.ndjson" ;;
		*/debug/pprof/trace*) cat "$TRACE" ;;
		esac
	done
}
pprof2ndjson() {
	local a headers=0 intern=0 drop=0 values= files=()
	for a; do
		case $a in
		--headers-only) headers=1 ;;
		--intern) intern=1 ;;
		--drop-runtime) drop=1 ;;
		--values=*) values=${a#--values=} ;;
		-*) ;;
		*) files+=("$a") ;;
		esac
	done
	[ ${#files[@]} -eq 0 ] && files=(-)
	for a in "${files[@]}"; do
		case $a in
		-) cat ;;
		heap.pb.gz)
			if [ $intern = 1 ]; then cat "$GOLD/heap-interned.ndjson"
			else cat "$GOLD/heap.ndjson"; fi ;;
		goroutines.txt) cat "$GOLD/goroutines.ndjson" ;;
		goroutine.pb.gz) cat "$GOLD/goroutine-profile.ndjson" ;;
		old.pb.gz | new.pb.gz)
			jq -c --arg s "$a" 'select(.src == $s)' "$GOLD/two-heaps.ndjson" ;;
		*.tar.gz | profiles/*) cat "$GOLD/night.ndjson" ;;
		service.log | heap.txt)
			jq -c --arg s "${a/service/app}" 'select(.src == $s)' "$GOLD/gc-records.ndjson" ;;
		*) echo "pprof2ndjson stand-in: no data for '$a'" >&2; return 66 ;;
		esac
	done | jq -c --argjson headers $headers --argjson drop $drop \
		--arg values "$values" '
		def runtime: (.fn // "") |
			test("^(runtime\\.|runtime/internal/|internal/runtime/)");
		select($headers == 0 or .kind == "profile")
		| if $drop == 1 and has("stack") then
			.stack |= map(select(runtime | not)) else . end
		| if $values != "" and has("values") then
			($values | split(",")) as $keep
			| .values |= with_entries(select(.key as $k |
				$keep | index($k)))
		  else . end'
}
EOF

# The literal displays of the EXAMPLES section of man/PROG.1, one file
# each, with the mdoc escapes undone and installed paths pointed at this
# tree, run in the scratch directory with the stand-ins; example N must
# print exactly man-PROG-N.out.
run_examples() {
	local prog=$1 ex n name
	rm -f "$scratch"/ex-*.sh
	awk -v dir="$scratch" '
	/^\.Sh / { ex = ($0 == ".Sh EXAMPLES") }
	ex && /^\.Bd -literal/ { n++; f = dir "/ex-" n ".sh"; inb = 1; next }
	inb && /^\.Ed/ { inb = 0; close(f); next }
	inb { gsub(/\\e/, "\\"); gsub(/\\&/, ""); print > f }
	' "$top/man/$prog.1"
	for ex in "$scratch"/ex-*.sh; do
		[ -f "$ex" ] || {
			echo "not ok - $prog(1) has examples"
			break
		}
		n=$(basename "$ex" .sh)
		n=${n#ex-}
		sed -i "s|/usr/local/share/leakpipe/|$top/share/|g" "$ex"
		name="$prog(1) example $n"
		if ! (cd "$scratch" && GOLD=$gold TRACE=$trace bash -c \
			'set -o pipefail; . ./fakes.sh; . "$1"' _ "$ex") \
			>"$scratch/ex-$n.out" 2>"$scratch/ex-$n.err"; then
			echo "not ok - $name"
			sed 's/^/    /' "$ex" "$scratch/ex-$n.err"
			continue
		fi
		golden_cmp "$name" "$gold/man-$prog-$n.out" "$scratch/ex-$n.out"
	done
}
trace=$top/tests/fixtures/trace/go1.26/tracer.trace
run_examples pprof2ndjson

# The example files parse: the shell functions, every crontab entry's
# command (cron's \% undone), and the Makefile snippet.
ex=$top/share/examples
if [ -f "$ex/pipelines.sh" ]; then
	out=$(bash -n "$ex/pipelines.sh" 2>&1)
	if [ -z "$out" ]; then echo "ok - examples: pipelines.sh parses"
	else echo "not ok - examples: pipelines.sh parses"; echo "    $out"; fi
fi
for f in "$ex"/*.crontab; do
	[ -f "$f" ] || continue
	out=$(grep -E '^[0-9*@]' "$f" |
		sed -E 's/^(@[a-z]+|([^ ]+ +){5}) *//; s/\\%/%/g' |
		while IFS= read -r cmd; do
			bash -n -c "$cmd" 2>&1 || echo "bad entry: $cmd"
		done)
	if [ -z "$out" ]; then echo "ok - examples: ${f##*/} entries parse"
	else echo "not ok - examples: ${f##*/} entries parse"
		printf '%s\n' "$out" | sed 's/^/    /'; fi
done
for f in "$ex"/*.mk; do
	[ -f "$f" ] || continue
	mkdir -p "$scratch/mk/leak/20260101T000000" "$scratch/mk/leak/20260102T000000"
	for d in "$scratch"/mk/leak/*/; do
		touch "$d/heap.pb.gz" "$d/goroutines.txt"
	done
	if out=$(cd "$scratch/mk" && make -n -f "$f" leak-report leak-snapshot 2>&1)
	then echo "ok - examples: ${f##*/} dry run"
	else echo "not ok - examples: ${f##*/} dry run"
		printf '%s\n' "$out" | tail -n 5 | sed 's/^/    /'; fi
done

# 3. On the real program's output.
real_pprof() {
	if [ ! -x "$bindir/pprof2ndjson" ]; then
		echo "skip - resolve-interned on pprof2ndjson output (not built)"
		return
	fi
	# All of them in one run, so stacks shared between units are interned
	# once; units that are not profiles are reported on stderr and skipped.
	mapfile -t inputs < <(find "$top"/share/samples "$top"/tests/fixtures \
		-type f \( -name '*.gz' -o -name '*.txt' -o -name '*.pb' \) \
		2>/dev/null | sort)
	if [ ${#inputs[@]} -eq 0 ]; then
		echo "skip - resolve-interned on pprof2ndjson output (no sample inputs)"
		return
	fi
	"$bindir/pprof2ndjson" "${inputs[@]}" 2>/dev/null | jq -c . >"$scratch/flat"
	"$bindir/pprof2ndjson" --intern "${inputs[@]}" 2>/dev/null |
		jq -n -c -f "$recipes/resolve-interned.jq" >"$scratch/resolved" 2>&1
	name="resolve-interned on pprof2ndjson --intern of ${#inputs[@]} fixtures"
	if [ ! -s "$scratch/flat" ]; then
		echo "not ok - $name"
		echo "    pprof2ndjson wrote nothing"
	elif cmp -s "$scratch/flat" "$scratch/resolved"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		diff "$scratch/flat" "$scratch/resolved" | head -n 10 |
			cut -c1-200 | sed 's/^/    /'
	fi
}
real_pprof

# 4. trace2ndjson: its manual's examples and the trace recipes, on the
# real program and the committed tracer fixture.
if [ ! -x "$bindir/trace2ndjson" ]; then
	echo "skip - trace2ndjson(1) examples and trace recipes (not built)"
	exit 0
fi
if [ ! -f "$trace" ]; then
	echo "skip - trace2ndjson(1) examples and trace recipes (no $trace)"
	exit 0
fi
ln -sf "$trace" "$scratch/trace.out"
PATH=$bindir:$PATH run_examples trace2ndjson

# The tracer program (tests/go/fixtures/tracer) leaves eleven goroutines
# blocked for good: three sending on a channel nobody reads (main.leak.func2),
# a receive nobody sends to, a receive on a nil channel, a select, a
# sync.Cond wait, a send cycle, a mutex pair.
"$bindir/trace2ndjson" --goroutines "$trace" 2>"$scratch/tb.err" |
	jq -n -r --argjson seconds 1 -f "$recipes/trace-blocked.jq" \
	>"$scratch/tb.out" 2>>"$scratch/tb.err"
got=$(awk -F '\t' '$4 ~ /^main\.leak\./ { n += $1; print $3 "\t" $4 }
	END { print "total\t" n }' "$scratch/tb.out" | sort)
want=$(printf '%s\n' 'chan receive	main.leak.func3' \
	'chan send	main.leak.func2' 'chan send	main.leak.func7' \
	'chan send	main.leak.func8' 'forever	main.leak.func4' \
	'select	main.leak.func5' 'sync	main.leak.func10' \
	'sync	main.leak.func9' 'sync.(*Cond).Wait	main.leak.func6' \
	'total	11' | sort)
if [ "$got" = "$want" ]; then
	echo "ok - trace-blocked finds the tracer's eleven leaked goroutines"
else
	echo "not ok - trace-blocked finds the tracer's eleven leaked goroutines"
	diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
	sed 's/^/    /' "$scratch/tb.err"
fi

# gc-pauses: one line per cycle the trace shows, then the total.
"$bindir/trace2ndjson" --gc "$trace" 2>"$scratch/gp.err" |
	jq -n -r -f "$recipes/gc-pauses.jq" >"$scratch/gp.out" 2>>"$scratch/gp.err"
cycles=$("$bindir/trace2ndjson" --events=RangeBegin,RangeActive "$trace" |
	grep -c '"name":"GC concurrent mark phase"')
got=$(awk -F '\t' '$1 == "total" { print $2 }' "$scratch/gp.out")
lines=$(grep -vc '^total' "$scratch/gp.out")
if [ "$cycles" -gt 0 ] && [ "$got" = "$cycles" ] && [ "$lines" = "$cycles" ]; then
	echo "ok - gc-pauses: a line per GC cycle of the tracer fixture ($cycles)"
else
	echo "not ok - gc-pauses: a line per GC cycle of the tracer fixture"
	echo "    mark phases: $cycles, lines: $lines, total says: $got"
	sed 's/^/    /' "$scratch/gp.err"
fi
