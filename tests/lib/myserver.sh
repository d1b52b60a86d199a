# myserver.sh - a real MariaDB server for one test script (sourced; bash), as
# pgserver.sh does for PostgreSQL:
#
#     . "$top_srcdir/tests/lib/myserver.sh"
#     if my_available; then
#         my_start || exit 99
#         ... "mysql://root@localhost/test?unix_socket=$MYSOCK" ...
#         my_sql -e 'CREATE TABLE ...'
#         my_stop
#     else
#         echo "# SKIP: no MariaDB server (apt-get install mariadb-server)"
#     fi
#
# A temporary data directory (mariadb-install-db), a Unix socket there and no
# TCP port (--skip-networking), no configuration file read (--no-defaults);
# run as `nobody` when the tests run as root. MariaDB's root user has an empty
# password; $MY_PW_USER must give $MY_PW_PASSWORD ($MY_PW_URLPASS in a URL).
# Stopped when the script exits, however it exits (an EXIT trap chained before
# the caller's, and a watchdog for a script killed outright).
#
# Sets MYSOCK (the socket) and MYTESTDIR (the whole temporary tree).

MY_PW_USER=migtree_pw
MY_PW_PASSWORD='s3cret p@ss:/%'
MY_PW_URLPASS='s3cret%20p%40ss%3A%2F%25'

my_available() {
	command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || return 1
	command -v mariadb-install-db >/dev/null 2>&1 && command -v mariadb >/dev/null 2>&1
}

_my_server() {
	command -v mariadbd 2>/dev/null || echo /usr/sbin/mariadbd
}

my_sql() {
	mariadb --no-defaults --socket="$MYSOCK" -u root "$@"
}

my_start() {
	MYTESTDIR=$(mktemp -d "${TMPDIR:-/tmp}/migtree-my-XXXXXX") || return 1
	MYSOCK=$MYTESTDIR/mysqld.sock
	export MYSOCK MYTESTDIR
	_my_chain_trap
	as_user=
	if [ "$(id -u)" = 0 ]; then
		chown nobody "$MYTESTDIR" || return 1
		as_user=--user=nobody
	fi
	if ! (cd "$MYTESTDIR" && mariadb-install-db --no-defaults $as_user --datadir="$MYTESTDIR/data" \
		--auth-root-authentication-method=normal --skip-test-db >"$MYTESTDIR/install.log" 2>&1); then
		echo "# mariadb-install-db failed:"
		sed 's/^/#   /' "$MYTESTDIR/install.log" | tail -n 20
		return 1
	fi
	(cd "$MYTESTDIR" && exec "$(_my_server)" --no-defaults $as_user --datadir="$MYTESTDIR/data" \
		--socket="$MYSOCK" --skip-networking --pid-file="$MYTESTDIR/mysqld.pid" \
		--log-error="$MYTESTDIR/log" --innodb-buffer-pool-size=16M) </dev/null >/dev/null 2>&1 &
	_my_server_pid=$!
	_my_watchdog
	for _ in $(seq 1 120); do
		if my_sql -e 'SELECT 1' >/dev/null 2>&1; then
			my_sql -e "CREATE USER '$MY_PW_USER'@'localhost' IDENTIFIED BY '$MY_PW_PASSWORD'" || return 1
			return 0
		fi
		kill -0 "$_my_server_pid" 2>/dev/null || break
		sleep 0.5
	done
	echo "# mariadbd did not start; its log:"
	sed 's/^/#   /' "$MYTESTDIR/log" 2>/dev/null | tail -n 20
	return 1
}

my_stop() {
	[ -n "${MYTESTDIR:-}" ] && [ -d "$MYTESTDIR" ] || return 0
	if [ -n "${_my_server_pid:-}" ]; then
		kill "$_my_server_pid" 2>/dev/null
		for _ in $(seq 1 60); do
			kill -0 "$_my_server_pid" 2>/dev/null || break
			sleep 0.5
		done
		kill -9 "$_my_server_pid" 2>/dev/null
	fi
	[ -z "${_my_watchdog_pid:-}" ] || kill "$_my_watchdog_pid" 2>/dev/null
	rm -rf "$MYTESTDIR"
	MYTESTDIR=
	_my_server_pid=
	_my_watchdog_pid=
}

_my_chain_trap() {
	[ -z "${_my_trapped:-}" ] || return 0
	_my_trapped=1
	eval "set -- $(trap -p EXIT)"
	trap "my_stop; ${3:-}" EXIT
	for sig in HUP INT TERM; do
		[ -n "$(trap -p $sig)" ] || trap 'exit 1' $sig
	done
}

_my_watchdog() {
	owner=$$
	server=$_my_server_pid
	(
		trap - EXIT HUP INT TERM
		while kill -0 "$owner" 2>/dev/null; do
			sleep 2
		done
		kill "$server" 2>/dev/null
		sleep 5
		kill -9 "$server" 2>/dev/null
		rm -rf "$MYTESTDIR"
	) </dev/null >/dev/null 2>&1 &
	_my_watchdog_pid=$!
}
