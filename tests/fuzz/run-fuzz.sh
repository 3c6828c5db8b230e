#!/usr/bin/env bash
# make fuzz: each libFuzzer target for FUZZ_TIME seconds, with ASan and UBSan.
# New crashes land in $BUILD/fuzz/<target>/crash-*: add each fixed one to
# tests/fuzz/corpus/<target>/ so `make check` replays it forever after.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
command -v clang >/dev/null || { echo "make fuzz needs clang (apt-get install clang; make deps does not install it)" >&2; exit 1; }
BUILD=${BUILD:-build}
out=$BUILD/fuzz
mkdir -p "$out"
make --no-print-directory CC=clang BUILD="$out/lib" CFLAGS="-O1 -g" \
	SANITIZE=fuzzer-no-link,address,undefined "$out/lib/libleakpipe.a" >/dev/null
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g -iquote lib -iquote $out/lib/gen"
libs=$(pkg-config --libs jansson libarchive libprotobuf-c zlib)
for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	# shellcheck disable=SC2086
	clang $flags -fsanitize=fuzzer,address,undefined -o "$out/$t" "$src" \
		"$out/lib/libleakpipe.a" $libs -lm
	mkdir -p "$out/$t.corpus"
	dict=""
	[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
	echo "== $t for ${FUZZ_TIME:-60}s"
	(cd "$out" && "./$t" -max_total_time="${FUZZ_TIME:-60}" -rss_limit_mb=2048 \
		-artifact_prefix="$t-" $dict "$t.corpus" "$top/tests/fuzz/corpus/$t")
done
