#!/usr/bin/env bash
# Starts a PgBouncer in transaction mode in front of one PostgreSQL database, for
# test/db/pgbouncer.test.ts. Prints the URL to use (the runtime role through PgBouncer) on stdout;
# everything else goes to stderr. Exit status 1 when PgBouncer cannot be installed or started.
#
#   .ci/pgbouncer.sh <database> <runtime user> <pg host> <pg port> <listen port> <state dir>
#
# Two database names: <database> with 2 server connections, <database>_single with one.
# Installs Debian's pgbouncer when it is missing (Debian 12 ships 1.18: no named prepared statements in
# transaction mode, so the test runs the driver with them off, as CONVERSE_DB_PREPARED_STATEMENTS=false).
set -euo pipefail
DB=$1 USER_NAME=$2 PG_HOST=$3 PG_PORT=$4 LISTEN_PORT=$5 DIR=$6

if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then
  echo "pgbouncer: installing Debian's package" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  export DEBIAN_FRONTEND=noninteractive
  { timeout 300 $SUDO apt-get install -y -qq pgbouncer || { timeout 300 $SUDO apt-get update -qq && timeout 300 $SUDO apt-get install -y -qq pgbouncer; }; } >&2 || exit 1
fi
BIN=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)

mkdir -p "$DIR"
cat > "$DIR/pgbouncer.ini" <<INI
[databases]
${DB} = host=${PG_HOST} port=${PG_PORT} dbname=${DB} user=${USER_NAME} pool_size=2
${DB}_single = host=${PG_HOST} port=${PG_PORT} dbname=${DB} user=${USER_NAME} pool_size=1

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${LISTEN_PORT}
unix_socket_dir =
auth_type = any
pool_mode = transaction
max_client_conn = 200
default_pool_size = 2
pidfile = ${DIR}/pgbouncer.pid
logfile = ${DIR}/pgbouncer.log
INI
# PgBouncer refuses to run as root; -u drops to the postgres user, which must read and write $DIR.
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  chown -R postgres "$DIR"
  RUN_AS=(-u postgres)
fi
"$BIN" -d "${RUN_AS[@]}" "$DIR/pgbouncer.ini" >&2 || exit 1
for _ in $(seq 1 50); do
  if pg_isready -h 127.0.0.1 -p "$LISTEN_PORT" -d "$DB" -q 2>/dev/null; then
    echo "postgres://${USER_NAME}@127.0.0.1:${LISTEN_PORT}/${DB}"
    exit 0
  fi
  sleep 0.2
done
echo "pgbouncer: not answering on 127.0.0.1:${LISTEN_PORT}; log:" >&2
cat "$DIR/pgbouncer.log" >&2 || true
exit 1
