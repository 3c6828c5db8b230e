#!/usr/bin/env bash
# fleet.sh - the README's fan-out recipes, run for real (issue 15).
#
# Two nightly tarballs of heap profiles; the trend of one heapdiff run over
# both must be byte for byte what the README's two fan-outs give: partials
# per archive with xargs -P, merged; and GNU parallel --nonall over hosts,
# here the one host ":" (this machine, no ssh), merged.
# Environment (set by tests/run.sh): TOP; $BUILD/bin on PATH.
set -u

top=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
fix=$top/tests/fixtures/go1.26
if ! command -v heapdiff >/dev/null 2>&1; then
	echo "skip - fleet (heapdiff not built)"
	exit 0
fi
tmp=$(mktemp -d) || exit 0
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 0
mkdir -p d1 d2 profiles
cp "$fix/heap.1.pb.gz" "$fix/heap.2.pb.gz" d1/
cp "$fix/heap.3.pb.gz" "$fix/heap.4.pb.gz" d2/
if ! tar czf profiles/2026-12-01.tar.gz -C d1 . ||
	! tar czf profiles/2026-12-02.tar.gz -C d2 .; then
	echo "not ok - tar failed"
	exit 0
fi
P=$tmp/profiles
heapdiff --series "$P"/*.tar.gz >single 2>err || {
	echo "not ok - the single run failed"
	sed 's/^/  /' err
	exit 0
}

# Fan out over local cores (README, verbatim).
# shellcheck disable=SC2011,SC2016
ls "$P"/*.tar.gz |
	xargs -P 4 -I{} sh -c 'test -s "$1.part" || heapdiff --partial "$1" > "$1.part"' _ {}
heapdiff --merge --series "$P"/*.part >trend.ndjson 2>err
if cmp -s single trend.ndjson && [ ! -s err ]; then
	echo "ok - xargs -P partials, merged: the same bytes as one run ($(wc -l <single) records)"
else
	echo "not ok - xargs -P partials, merged: the same bytes as one run"
	diff single trend.ndjson | head -n 5 | cut -c1-200 | sed 's/^/  /'
	sed 's/^/  /' err
fi

# ...or over hosts (README), the host being this machine.
if ! command -v parallel >/dev/null 2>&1; then
	echo "skip - fleet: GNU parallel (not installed: make deps)"
	exit 0
fi
parallel --will-cite --nonall -S : "heapdiff --partial $P/*.tar.gz" >fleet.part 2>err
rc=$?
heapdiff --merge --series fleet.part >merged 2>>err
if [ $rc = 0 ] && cmp -s single merged && [ ! -s err ]; then
	echo "ok - parallel --nonall -S : partial, merged: the same bytes as one run"
else
	echo "not ok - parallel --nonall -S : partial, merged: the same bytes as one run"
	echo "  parallel exit $rc"
	diff single merged | head -n 5 | cut -c1-200 | sed 's/^/  /'
	sed 's/^/  /' err | head -n 5
fi
