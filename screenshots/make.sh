#!/bin/sh
# screenshots/make.sh - PNG pictures of the real explorer on the bundled example.
#
# Each picture is a real run: migtree in a tmux pane, keys sent, the screen
# captured with its colours (capture-pane -e), turned into HTML by aha and
# photographed by headless Chromium. Needs Debian's tmux, aha, chromium and
# fonts-dejavu-core. Run from the top directory after `make`: sh screenshots/make.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
migtree=${MIGTREE:-$top/migtree}
out=$top/screenshots
work=$(mktemp -d "${TMPDIR:-/tmp}/migtree-shots-XXXXXX")
trap 'tmux -S "$work/sock" kill-server 2>/dev/null; rm -rf "$work"' EXIT
cols=112
lines=30

shoot() { # NAME KEYS... (more migtree options in $ARGS)
	name=$1
	shift
	tmux -S "$work/sock" -f /dev/null new-session -d -x $cols -y $lines -s shot \
		"cd '$top' && env LC_ALL=C.UTF-8 TERM=screen-256color '$migtree' -c examples/acgs2/alembic.ini ${ARGS:-}; sleep 30"
	sleep 1
	for key in "$@"; do
		tmux -S "$work/sock" send-keys -t shot "$key"
		sleep 0.2
	done
	sleep 0.5
	tmux -S "$work/sock" capture-pane -e -p -t shot >"$work/$name.ansi"
	tmux -S "$work/sock" kill-server
	{
		printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
		printf 'body{margin:0;background:#1d1f21;color:#c5c8c6}'
		printf 'pre{margin:12px;font:15px/1.25 "DejaVu Sans Mono",monospace}</style></head><body><pre>'
		aha --no-header --black <"$work/$name.ansi"
		printf '</pre></body></html>'
	} >"$work/$name.html"
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$work/profile" --hide-scrollbars --window-size=1060,600 \
		--screenshot="$out/$name.png" "file://$work/$name.html" >/dev/null 2>&1
	echo "screenshots/$name.png"
}

shoot main
shoot detail j j j Enter
shoot problems p
shoot search / w i n a Enter
shoot help "?"
shoot repair / t a s k 8 Enter e
shoot plan P
# a database stamped at 003_simplify_rls: applied revisions marked, heads pending
python3 -c "import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)')
c.execute(\"INSERT INTO alembic_version VALUES ('003_simplify_rls')\")
c.commit()" "$work/stamped.db"
ARGS="--db sqlite:///$work/stamped.db" shoot database
