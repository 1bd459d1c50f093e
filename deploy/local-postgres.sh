#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, benchmarks and `make pipeline-postgres`.
#   deploy/local-postgres.sh start DIR PORT   initdb (first time) and start on 127.0.0.1:PORT
#   deploy/local-postgres.sh stop DIR         stop it (the data stays in DIR)
#   deploy/local-postgres.sh status DIR       exit 0 when it is running
#   deploy/local-postgres.sh createdb DIR PORT NAME   create database NAME unless it exists
# Local trust authentication on loopback only, no Unix socket. PostgreSQL refuses to run as root,
# so as root the cluster is owned and run by the unprivileged `postgres` user (Debian's package
# creates it). The superuser is `postgres`: postgresql://postgres@127.0.0.1:PORT/postgres
set -euo pipefail
action=${1:?start|stop} dir=${2:?data directory} port=${3:-55432}
bindir=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/pg_ctl" ]; then bindir=$candidate; break; fi
done
if [ -z "$bindir" ]; then
    if command -v pg_ctl >/dev/null; then bindir=$(dirname "$(command -v pg_ctl)"); else
        echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2; exit 2; fi
fi
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $action in
start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; chmod 700 "$dir"; fi
    if [ ! -s "$dir/PG_VERSION" ]; then
        as_owner "$bindir/initdb" -D "$dir" -U postgres -A trust -E UTF8 --no-locale >"$dir.initdb.log" 2>&1 \
            || { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    as_owner "$bindir/pg_ctl" -D "$dir" -w -t 60 -l "$dir/server.log" \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=200" start >/dev/null
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    as_owner "$bindir/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    ;;
status)
    as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null
    ;;
createdb)
    name=${4:?database name}
    as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1 \
        || as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$name"
    ;;
*) echo "unknown action $action" >&2; exit 2 ;;
esac
