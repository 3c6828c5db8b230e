# Every example of gcycle(1) that runs offline, as written, on the
# committed trace named as the examples name it.  render-dot's runs when
# render-dot is built; curl's reads the committed dump instead.
cp "$FIX/gcycle/go1.26/waitgraph.trace" trace.out
curl() { cat "$FIX/gcycle/go1.26/waitgraph.dump.txt"; }
export -f curl
awk '
/^\.Sh / { ex = ($0 == ".Sh EXAMPLES") }
ex && /^\.Dl \$ / { n++; sub(/^\.Dl \$ /, ""); gsub(/\\e/, "\\"); gsub(/\\&/, ""); print > ("ex-" n ".sh"); close("ex-" n ".sh") }
' "$TOP/man/gcycle.1"
for ex in ex-*.sh; do
	echo "== $ex: $(cat "$ex")"
	if grep -q 'render-dot' "$ex" && ! command -v render-dot >/dev/null; then
		echo "(render-dot not built)"
		continue
	fi
	bash -o pipefail "$ex" | cut -c1-100
	echo "exit $?"
done
