#!/usr/bin/env bash
# make-inputs.sh DIR - build the Go tools into DIR (tests/go/build-tools.sh)
# and write the bench inputs next to them, unless already there:
#   DIR/bigheap.pb.gz   (bigheap, 262144 distinct stacks)
#   DIR/bigdump.txt     (bigdump, 200000 goroutines)
# Exit status as build-tools.sh: 2 no usable go, 3 modules not downloadable.
set -u
[ $# -eq 1 ] || {
	echo "usage: make-inputs.sh DIR" >&2
	exit 1
}
top=$(cd "$(dirname "$0")/../../.." && pwd)
"$top/tests/go/build-tools.sh" "$1" || exit $?
if [ ! -s "$1/bigheap.pb.gz" ]; then
	"$1/bigheap" -out "$1/bigheap.pb.gz.tmp" && mv "$1/bigheap.pb.gz.tmp" "$1/bigheap.pb.gz" || exit 1
fi
if [ ! -s "$1/bigdump.txt" ]; then
	"$1/bigdump" -out "$1/bigdump.txt.tmp" && mv "$1/bigdump.txt.tmp" "$1/bigdump.txt" || exit 1
fi
exit 0
