# The program's own output written into a gctrace line (the runtime
# writes the line piece by piece): joined again where only one cut works,
# reported where digits after a number leave several.
L=$FIX/gctrace/go1.19/gctrace.log
split() { # split CUT: cycle 10's line cut after CUT, a log line in between
	awk -v cut="$1" '/^gc 10 @/ { i = index($0, cut) + length(cut);
		print substr($0, 1, i - 1) "2026/12/02 14:13:22 gcburst: burst 7"
		print substr($0, i); next } { print }' "$L"
}
pprof2ndjson "$L" | jq -c 'del(.src, .line)' > want
for cut in 'gc ' ' @' '%: ' '0.053+' 'ms clock, ' '2 P' '6->7' 'gc 10'; do
	split "$cut" > split.log
	pprof2ndjson split.log 2>err | jq -c 'del(.src, .line)' > got
	echo "cut after '$cut': $(wc -l < got) cycles, $(cmp -s want got && echo same || echo differ) $(cat err)"
done
