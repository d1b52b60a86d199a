# pgserver.sh - a real PostgreSQL server for one test script (sourced; bash).
#
#     . "$top_srcdir/tests/lib/pgserver.sh"
#     if pg_available; then
#         pg_start || exit 99
#         ... "postgresql:///postgres?host=$PGSOCKDIR" ...
#         pg_psql -c 'CREATE TABLE ...'
#         pg_stop
#     else
#         missing "NAME" postgresql
#     fi
#
# The server lives in a temporary directory (initdb + pg_ctl), listens on a Unix
# socket there and on no TCP port, and stops when the script exits, however it
# exits (an EXIT trap chained before the caller's, and a watchdog in case the
# script is killed outright). initdb refuses to run as root: then the server runs
# as `nobody` (runuser), its files owned by it. The superuser is named after the
# user running the tests, so libpq's default user connects ("postgresql:///db"),
# with no password (trust); the role $PG_PW_USER alone must give its password,
# $PG_PW_PASSWORD ($PG_PW_URLPASS percent-encoded for a URL), for the tests of
# refused credentials. The PG* variables of the caller's environment and its
# ~/.pgpass are put aside: the tests name everything in their URLs.
#
# Sets PGSOCKDIR (the socket directory) and PGTESTDIR (the whole temporary tree).
# PG_BINDIR may name the server's programs (default: the newest
# /usr/lib/postgresql/*/bin, Debian's place, else those on PATH).

PG_PW_USER=migtree_pw
PG_PW_PASSWORD='s3cret p@ss:/%'
PG_PW_URLPASS='s3cret%20p%40ss%3A%2F%25'

pg_bindir() {
	if [ -n "${PG_BINDIR:-}" ]; then
		echo "$PG_BINDIR"
		return
	fi
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$d" ]; then
		echo "$d"
	elif command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
	fi
}

# Whether a server can be started here (Debian's postgresql package).
pg_available() {
	d=$(pg_bindir)
	[ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/psql" -o -x /usr/bin/psql ]
}

# Run the server's programs as the user the server runs as.
_pg_as_owner() {
	if [ "$(id -u)" = 0 ]; then
		(cd "$PGTESTDIR" && runuser -u nobody -- "$@")
	else
		(cd "$PGTESTDIR" && "$@")
	fi
}

pg_psql() {
	psql=$(pg_bindir)/psql
	[ -x "$psql" ] || psql=psql
	"$psql" -X -q -v ON_ERROR_STOP=1 -h "$PGSOCKDIR" -d postgres "$@"
}

_pg_log_tail() {
	echo "# PostgreSQL's log:"
	sed 's/^/#   /' "$PGTESTDIR/log" 2>/dev/null | tail -n 20
}

pg_start() {
	bindir=$(pg_bindir)
	for v in PGHOST PGHOSTADDR PGPORT PGUSER PGPASSWORD PGDATABASE PGSERVICE PGSERVICEFILE \
		PGSSLMODE PGCONNECT_TIMEOUT PGOPTIONS PGAPPNAME PGTARGETSESSIONATTRS; do
		unset "$v"
	done
	PGTESTDIR=$(mktemp -d "${TMPDIR:-/tmp}/migtree-pg-XXXXXX") || return 1
	PGSOCKDIR=$PGTESTDIR
	PGPASSFILE=$PGTESTDIR/no-pgpass # not the caller's ~/.pgpass
	export PGSOCKDIR PGTESTDIR PGPASSFILE
	_pg_chain_trap
	[ "$(id -u)" != 0 ] || chown nobody "$PGTESTDIR" || return 1
	if ! _pg_as_owner "$bindir/initdb" -D "$PGTESTDIR/data" -U "$(id -un)" -A trust -E UTF8 \
		--no-locale -N >"$PGTESTDIR/initdb.log" 2>&1; then
		echo "# initdb failed:"
		sed 's/^/#   /' "$PGTESTDIR/initdb.log"
		return 1
	fi
	# the password role first: pg_hba.conf takes the first line that matches
	printf 'local all %s scram-sha-256\nlocal all all trust\n' "$PG_PW_USER" >"$PGTESTDIR/hba"
	_pg_as_owner cp "$PGTESTDIR/hba" "$PGTESTDIR/data/pg_hba.conf" || return 1
	if ! _pg_as_owner "$bindir/pg_ctl" -D "$PGTESTDIR/data" -l "$PGTESTDIR/log" -w -t 60 \
		-o "-k $PGSOCKDIR -c listen_addresses= -F" start >/dev/null 2>&1; then
		echo "# pg_ctl start failed"
		_pg_log_tail
		return 1
	fi
	_pg_watchdog
	pg_psql -c "CREATE ROLE $PG_PW_USER LOGIN PASSWORD '$PG_PW_PASSWORD'" || return 1
}

pg_stop() {
	[ -n "${PGTESTDIR:-}" ] && [ -d "$PGTESTDIR" ] || return 0
	if [ -f "$PGTESTDIR/data/postmaster.pid" ]; then
		_pg_as_owner "$(pg_bindir)/pg_ctl" -D "$PGTESTDIR/data" -m immediate -w stop >/dev/null 2>&1
	fi
	[ -z "${_pg_watchdog_pid:-}" ] || kill "$_pg_watchdog_pid" 2>/dev/null
	rm -rf "$PGTESTDIR"
	PGTESTDIR=
	_pg_watchdog_pid=
}

# pg_stop runs first on exit, then whatever the caller's EXIT trap did (lib.sh
# removes its scratch directory). A signal exits, so that the EXIT trap runs.
_pg_chain_trap() {
	[ -z "${_pg_trapped:-}" ] || return 0
	_pg_trapped=1
	eval "set -- $(trap -p EXIT)"
	trap "pg_stop; ${3:-}" EXIT
	for sig in HUP INT TERM; do
		[ -n "$(trap -p $sig)" ] || trap 'exit 1' $sig
	done
}

# The script killed with SIGKILL runs no trap: a process outside it stops the
# server once the script's process is gone.
_pg_watchdog() {
	owner=$$
	(
		trap - EXIT HUP INT TERM
		while kill -0 "$owner" 2>/dev/null; do
			sleep 2
		done
		if [ -d "$PGTESTDIR/data" ]; then
			_pg_as_owner "$(pg_bindir)/pg_ctl" -D "$PGTESTDIR/data" -m immediate stop
			rm -rf "$PGTESTDIR"
		fi
	) </dev/null >/dev/null 2>&1 &
	_pg_watchdog_pid=$!
}
