#!/usr/bin/env bash
# make install into a temporary DESTDIR puts every file in its place, and
# make uninstall takes every one of them away again.
set -u
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
mk() { make -s -C "$TOP" --no-print-directory BUILD="$BUILD" DESTDIR="$dest" PREFIX=/usr "$@"; }
if ! mk install >"$dest.log" 2>&1; then
	echo "not ok - make install"
	sed 's/^/  /' "$dest.log"
	exit 0
fi
missing=""
for p in "$TOP"/cmd/*/; do
	p=$(basename "$p")
	for f in usr/bin/$p usr/share/man/man1/$p.1 usr/share/bash-completion/completions/$p \
		usr/share/zsh/site-functions/_$p usr/share/fish/vendor_completions.d/$p.fish; do
		[ -f "$dest/$f" ] || missing="$missing $f"
	done
done
for f in usr/share/man/man7/leakpipe.7 usr/share/leakpipe/samples/nightly.tar.gz \
	usr/share/leakpipe/recipes/top-inuse.jq usr/share/leakpipe/proto/profile.proto; do
	[ -f "$dest/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then echo "ok - make install puts every file in place"; else
	echo "not ok - make install"; echo "  missing:$missing"; fi
# The installed examples point at where this install put things, not at
# /usr/local whatever PREFIX was.
ex=$dest/usr/share/leakpipe/examples
bad=$(grep -l '/usr/local' "$ex"/* 2>/dev/null)
if [ -z "$bad" ] && grep -q '/usr/share/leakpipe/recipes' "$ex/pipelines.sh" &&
	grep -q 'PATH=/usr/bin:' "$ex/nightly.crontab"; then
	echo "ok - installed examples follow PREFIX"
else
	echo "not ok - installed examples follow PREFIX"
	grep -n '/usr/local\|LEAKPIPE_RECIPES:=\|^PATH=' "$ex"/* | sed 's/^/  /'
fi
mk uninstall >"$dest.log" 2>&1
left=$(find "$dest" -type f | sed "s|^$dest/||")
if [ -z "$left" ]; then echo "ok - make uninstall removes them all"; else
	echo "not ok - make uninstall"; printf '%s\n' "$left" | sed 's/^/  left: /'; fi
rm -f "$dest.log"
