#!/bin/sh
# make deps: install the Debian packages the build and the tests need.
# Idempotent: does nothing (not even apt-get update) when all are present.
# Plain sh, so it runs on a fresh machine before make is installed.
set -eu

# The build: compiler, pkg-config, the five libraries, protoc-c.
need="gcc make pkg-config libjansson-dev libarchive-dev libprotobuf-c-dev
protobuf-c-compiler zlib1g-dev libcurl4-openssl-dev"
# libcurl's development files come in two flavours that exclude each
# other: either will do.
if dpkg-query -W -f='${Status}\n' libcurl4-gnutls-dev 2>/dev/null |
	grep -q '^install ok installed$'; then
	# shellcheck disable=SC2001 # POSIX sh: no ${var//a/b}
	need=$(echo "$need" | sed 's/libcurl4-openssl-dev/libcurl4-gnutls-dev/')
fi
# The tests and tools around them: jq and python3 (golden and oracle
# comparisons), graphviz (render-dot output), mandoc (man page lint),
# the shellcheck linter, zip (archive test inputs).
need="$need jq python3 graphviz mandoc shellcheck zip"
# zsh and fish check the completions (zsh -n, fish -n); GNU parallel runs
# the README's fleet fan-out for real.
need="$need zsh fish parallel"
# With Go on the machine the differential tests also run Go 1.19, the
# oldest runtime whose formats we check.
if command -v go >/dev/null 2>&1; then
	need="$need golang-1.19-go"
fi

missing=""
for p in $need; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -n "$missing" ] || exit 0

echo "make deps: installing$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
