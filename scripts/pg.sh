#!/usr/bin/env bash
# Runs a private PostgreSQL for the test suite.
#
#   scripts/pg.sh start|stop|status [DIR] [PORT]
#
# DIR (default /tmp/freshet-test-pg) holds the data directory (DIR/data), the log
# (DIR/log) and the unix socket; PORT defaults to 55433. The server listens on
# 127.0.0.1 only, trusts every local connection (user postgres, no password), runs
# with wal_level=logical (for CDC tests) and fsync=off (for speed: the data is
# throw-away). The cluster is created with initdb on first start, in UTF8 with the
# C.UTF-8 locale (text sorts by code point) and English messages.
#
# PostgreSQL refuses to run as root, so as root the binaries run as the postgres
# OS user through runuser; as any other user they run as that user.
#
# start waits until the server accepts connections and is a no-op if it already
# runs; stop is a fast, clean shutdown and a no-op if it is not running; status
# exits 0 if it runs and 3 if not.
set -euo pipefail

usage() {
	echo "usage: $0 start|stop|status [DIR] [PORT]" >&2
	exit 2
}

die() {
	echo "pg.sh: $*" >&2
	exit 1
}

(($# >= 1)) || usage
cmd=$1
dir=${2:-/tmp/freshet-test-pg}
port=${3:-55433}
[[ $port =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data=$dir/data
log=$dir/log

# The newest Debian server install, e.g. /usr/lib/postgresql/15/bin.
bin=$(compgen -G '/usr/lib/postgresql/*/bin/postgres' | sort -V | tail -n 1 || true)
[[ -n $bin ]] || die "no PostgreSQL server under /usr/lib/postgresql/<version>/bin: run scripts/deps.sh"
bin=$(dirname "$bin")

as_pg=()
if [[ $(id -u) -eq 0 ]]; then
	id postgres >/dev/null 2>&1 || die "the postgres OS user does not exist: run scripts/deps.sh"
	as_pg=(runuser -u postgres --)
	chown postgres "$dir"
fi

# The postgres user may not be allowed into the caller's directory.
cd "$dir"

pg() {
	"${as_pg[@]}" "$@" </dev/null
}

running() {
	[[ -f $data/postmaster.pid ]] && pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

ready() {
	"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres
}

wait_ready() {
	for _ in $(seq 1 120); do
		ready && return 0
		sleep 0.5
	done
	tail -n 30 "$log" >&2 || true
	die "PostgreSQL in $data does not accept connections on 127.0.0.1:$port after 60s"
}

case $cmd in
start)
	if running; then
		wait_ready
		echo "pg.sh: PostgreSQL already running on 127.0.0.1:$port (data $data)"
		exit 0
	fi
	if [[ ! -f $data/PG_VERSION ]]; then
		rm -rf "$data"
		if ! pg "$bin/initdb" -D "$data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
			--lc-messages=C -N >"$dir/initdb.log" 2>&1; then
			tail -n 30 "$dir/initdb.log" >&2
			die "initdb failed (see $dir/initdb.log)"
		fi
	fi
	: >"$log"
	[[ ${#as_pg[@]} -eq 0 ]] || chown postgres "$log"
	opts="-p $port -k $dir -c listen_addresses=127.0.0.1"
	opts+=" -c wal_level=logical -c max_wal_senders=10 -c max_replication_slots=10"
	opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	opts+=" -c max_connections=200 -c timezone=UTC -c lc_messages=C"
	if ! pg "$bin/pg_ctl" -D "$data" -l "$log" -o "$opts" -w -t 60 start >/dev/null 2>&1; then
		tail -n 30 "$log" >&2 || true
		die "PostgreSQL did not start on 127.0.0.1:$port (log: $log)"
	fi
	wait_ready
	echo "pg.sh: PostgreSQL $(basename "$(dirname "$bin")") running on 127.0.0.1:$port (data $data)"
	;;
stop)
	if running; then
		pg "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null ||
			die "PostgreSQL in $data did not stop (log: $log)"
		echo "pg.sh: PostgreSQL on 127.0.0.1:$port stopped"
	fi
	;;
status)
	if running; then
		echo "pg.sh: PostgreSQL running (data $data, port $port)"
		exit 0
	fi
	echo "pg.sh: PostgreSQL not running (data $data)"
	exit 3
	;;
*)
	usage
	;;
esac
