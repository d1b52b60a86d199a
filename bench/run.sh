#!/bin/sh
# bench/run.sh - `make bench`: time and peak memory of migtree on synthetic
# histories of 1,000 to 100,000 revisions. Measurements, not pass/fail tests.
set -eu
migtree=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/migtree-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
printf '%-9s %-22s %10s %12s\n' revisions command seconds "max RSS KiB"
for n in 1000 10000 100000; do
	python3 "$here/gen_history.py" "$work/h$n" "$n" --broken
	for cmd in "check" "history" "heads" "tree" "export"; do
		/usr/bin/env time -f '%e %M' -o "$work/t" "$migtree" -c "$work/h$n/alembic.ini" $cmd \
			>/dev/null 2>&1 || true
		read -r secs rss <<EOF
$(tail -n 1 "$work/t")
EOF
		printf '%-9s %-22s %10s %12s\n' "$n" "$cmd" "$secs" "$rss"
	done
	# the explorer, headless: load, draw, and ten keys (search, jumps, unfold all)
	printf 'G g /step_5_ <Enter> n ] <Enter> q Z G' >"$work/keys"
	MIGTREE_SCRIPT="$work/keys" LINES=40 COLUMNS=120 LC_ALL=C.UTF-8 \
		/usr/bin/env time -f '%e %M' -o "$work/t" "$migtree" -c "$work/h$n/alembic.ini" >/dev/null 2>&1 || true
	read -r secs rss <<EOF
$(tail -n 1 "$work/t")
EOF
	printf '%-9s %-22s %10s %12s\n' "$n" "explorer (10 keys)" "$secs" "$rss"
done
