# lib.sh - the harness of the shell-level tests (sourced).
#
# Each test case runs the sanitized migtree ($MIGTREE) in a scratch copy of the
# fixtures and compares its stdout with tests/cli/NAME.out, its stderr with
# tests/cli/NAME.err and its exit status. An absent NAME.err means stderr must be
# empty (as in tig's harness): a stray warning is a change to review, not noise.
# Run with MIGTREE_UPDATE=1 to (re)write the expected files (both) after reviewing
# a change.
# The script ends with the line `N passed, N failed`. A case that cannot run for
# a missing dependency (`missing`) fails under CI=true and is skipped loudly
# elsewhere (the script then exits 77: automake shows it as SKIP).

set -u
: "${MIGTREE:?MIGTREE must name the migtree binary}"
: "${top_srcdir:?top_srcdir must be set}"
LC_ALL=C.UTF-8
export LC_ALL
unset NO_COLOR
unset MIGTREE_DB # the database a test reads is the one it names

passed=0
failed=0
skipped=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/migtree-test-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cp -R "$top_srcdir/tests/fixtures" "$scratch/fixtures"
cp -R "$top_srcdir/examples" "$scratch/examples"
chmod -R u+w "$scratch"
cd "$scratch" || exit 99

ok() {
	passed=$((passed + 1))
	echo "ok - $1"
}

not_ok() {
	failed=$((failed + 1))
	echo "not ok - $1"
}

# compare NAME KIND ACTUAL_FILE: against tests/cli/NAME.KIND
compare() {
	expected="$top_srcdir/tests/cli/$1.$2"
	if [ "${MIGTREE_UPDATE:-}" = 1 ]; then
		cp "$3" "$expected"
		return 0
	fi
	if [ ! -f "$expected" ]; then
		if [ "$2" = err ]; then
			[ -s "$3" ] || return 0
			echo "# stderr not empty and no $expected:"
			sed 's/^/#   /' "$3"
			return 1
		fi
		echo "# missing $expected"
		return 1
	fi
	if ! diff -u "$expected" "$3" >"$scratch/diff"; then
		sed 's/^/# /' "$scratch/diff"
		return 1
	fi
	return 0
}

# case NAME STATUS ARGS...: run migtree ARGS, expect exit STATUS and the files
case_() {
	name=$1
	want=$2
	shift 2
	"$MIGTREE" "$@" >"$scratch/out.raw" 2>"$scratch/err.raw" </dev/null
	got=$?
	# absolute paths (history -v prints them) differ per run: name the scratch dir
	sed "s|$scratch|SCRATCH|g" "$scratch/out.raw" >"$scratch/out"
	sed "s|$scratch|SCRATCH|g" "$scratch/err.raw" >"$scratch/err"
	if [ "$got" != "$want" ]; then
		echo "# exit status $got, expected $want; stderr:"
		sed 's/^/#   /' "$scratch/err"
		not_ok "$name"
		return
	fi
	if compare "$name" out "$scratch/out" && compare "$name" err "$scratch/err"; then
		ok "$name"
	else
		not_ok "$name"
	fi
}

# case_in DIR NAME STATUS ARGS...: case_ run from DIR (relative to the scratch
# copy), for what depends on the current directory (the search for a config)
case_in() {
	dir=$1
	shift
	if ! cd "$scratch/$dir"; then
		not_ok "$1"
		return
	fi
	case_ "$@"
	cd "$scratch" || exit 99
}

# screen NAME COLSxLINES 'KEYS' ARGS...: run the explorer headless (real ncurses
# drawing on a virtual screen, keys from a script) and compare the final screen,
# text and attributes (colour roles, reverse, bold: src/ui/headless.c), with
# tests/screens/NAME.screen. Colour is on as on a terminal (stdout is a file
# here); a case's own --color=never comes later and wins.
screen() {
	name=$1
	size=$2
	printf '%s\n' "$3" >"$scratch/keys"
	shift 3
	MIGTREE_SCRIPT="$scratch/keys" COLUMNS=${size%x*} LINES=${size#*x} LC_ALL=${SCREEN_LC_ALL:-$LC_ALL} \
		"$MIGTREE" --color=always "$@" >"$scratch/screen" 2>"$scratch/err" </dev/null
	got=$?
	if [ "$got" != 0 ]; then
		echo "# exit status $got; stderr:"
		sed 's/^/#   /' "$scratch/err"
		not_ok "$name"
		return
	fi
	expected="$top_srcdir/tests/screens/$name.screen"
	if [ "${MIGTREE_UPDATE:-}" = 1 ]; then
		cp "$scratch/screen" "$expected"
	fi
	if [ -f "$expected" ] && diff -u "$expected" "$scratch/screen" >"$scratch/diff"; then
		ok "$name"
	else
		[ -f "$expected" ] || echo "# missing $expected"
		sed 's/^/# /' "$scratch/diff" 2>/dev/null
		not_ok "$name"
	fi
}

# check NAME COMMAND...: a shell condition as a test
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# missing NAME PACKAGE: case NAME cannot run because the Debian package PACKAGE
# is not installed. CI must run every case, so there (CI=true, which CI services
# set and .ci/run exports) it is a failure; on a developer's machine a skip that
# says what to install.
missing() {
	if [ "${CI:-}" = true ]; then
		not_ok "$1: needs the Debian package(s) $2, not installed (apt-get install $2)"
		return
	fi
	skipped=$((skipped + 1))
	echo "ok - $1 # SKIP needs the Debian package(s) $2 (apt-get install $2)"
	echo "SKIP: $1: needs the Debian package(s) $2 (apt-get install $2)" >&2
}

finish() {
	[ "$skipped" -eq 0 ] || echo "# $skipped skipped for a missing dependency (CI=true makes that a failure)"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] || exit 1
	[ "$skipped" -eq 0 ] || exit 77
	exit 0
}
