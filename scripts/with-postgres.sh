#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on 127.0.0.1.
# initdb refuses to run as root, so the server runs as the postgres user.
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
PGPORT=${PGPORT:-55432}
PGTMP=$(mktemp -d /tmp/haven-pg.XXXXXX)
AS_PG=()
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$PGTMP"
  AS_PG=(runuser -u postgres --)
fi
chmod 755 "$PGTMP"

pg_stop() {
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
trap pg_stop EXIT

"${AS_PG[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $PGPORT -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
"$PGBIN/psql" "postgresql://postgres@127.0.0.1:$PGPORT/postgres" -q -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE haven LOGIN PASSWORD 'haven' CREATEDB" -c "CREATE DATABASE haven OWNER haven"

export DATABASE_URL="postgres://haven:haven@127.0.0.1:$PGPORT/haven"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT"
"$@"
