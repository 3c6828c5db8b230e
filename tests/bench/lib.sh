# tests/bench/lib.sh - what the bench scripts share (sourced): where things
# are, and leg and ratio.
#
# Sets top (the source tree), BUILD (made absolute), RUNS (best of, default
# 3), bin, tools and data ($BUILD/bench, made; a script may point data
# elsewhere before its first leg).

# shellcheck disable=SC2034 # what it sets is for the script sourcing it
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
RUNS=${RUNS:-3}
bin=$BUILD/bin
tools=$BUILD/go-tools
data=$BUILD/bench
mkdir -p "$data"

# leg NAME CMD...: run CMD RUNS times and print one line (leg_print).
# Sets secs (the best wall seconds), rss (that run's peak RSS, MB) and cpu
# (that run's user + system seconds; with leg_cpu=min, the least of any
# run).  What differs between the scripts is set before a leg:
#   leg_out       where CMD's stdout goes (/dev/null; a file to read it)
#   leg_ok        the highest exit status that is not a failure (0)
#   leg_errlines  how many lines of stderr a failed leg shows (all)
#   leg_cpu       "run" or "min", as above
#   leg_print     a function of NAME printing the line; the default gives
#                 wall seconds and RSS in a name column leg_width wide (44)
leg_out=/dev/null
leg_ok=0
leg_errlines=
leg_cpu=run
leg_width=44
leg_print() {
	printf '  %-*s %8.2f s %7d MB\n' "$leg_width" "$1" "$secs" "$rss"
}

leg() {
	local name=$1 best="" bestrss="" bestcpu="" mincpu="" i t u s r c rc
	shift
	for ((i = 0; i < RUNS; i++)); do
		/usr/bin/time -f '%e %U %S %M' -o "$data/time.txt" "$@" >"$leg_out" 2>"$data/err.txt"
		rc=$?
		if [ "$rc" -gt "$leg_ok" ]; then
			echo "bench: '$name' failed:" >&2
			if [ -n "$leg_errlines" ]; then
				head -n "$leg_errlines" "$data/err.txt" >&2
			else
				cat "$data/err.txt" >&2
			fi
			return 1
		fi
		# After a status it lets pass, time puts a line before its own.
		read -r t u s r < <(tail -n 1 "$data/time.txt")
		c=$(awk -v u="$u" -v s="$s" 'BEGIN{ print u + s }')
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
			best=$t bestrss=$r bestcpu=$c
		fi
		if [ -z "$mincpu" ] || awk -v a="$c" -v b="$mincpu" 'BEGIN{exit !(a<b)}'; then
			mincpu=$c
		fi
	done
	secs=$best
	rss=$((bestrss / 1024))
	cpu=$bestcpu
	[ "$leg_cpu" = min ] && cpu=$mincpu
	leg_print "$name"
}

# ratio A B: A/B as "N.Nx" (ratio_digits decimals, default 1), "inf" when
# B is 0.
ratio_digits=1
ratio() {
	awk -v a="$1" -v b="$2" -v d="$ratio_digits" \
		'BEGIN{ if (b > 0) printf "%." d "fx", a / b; else print "inf" }'
}
