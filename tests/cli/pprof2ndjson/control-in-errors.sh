# An error line quotes the input (a bad line, an archive member's name):
# control bytes in it (an ESC sequence that would recolour or clear the
# terminal, a BEL) are '?' on standard error, for every program; a NUL
# in a quoted line is '?' too (the quote ended there).
awk 'NR == 3 { printf "\033[31mred\033[0m\007\n%cnul\n", 0 } { print }' \
	"$FIX/go1.26/heap.debug1.txt" >heap.txt
printf 'x' >"$(printf 'e\033[2J.txt')"
tar -cf esc.tar "$(printf 'e\033[2J.txt')"
for p in pprof2ndjson heapdiff render-dot stackcluster gcycle trace2ndjson; do
	"$p" heap.txt esc.tar >/dev/null 2>err
	echo "$p: exit $?, $(tr -d '\n' <err | tr -d '[:print:]' | wc -c | tr -d ' ') control bytes"
	cat err
done
