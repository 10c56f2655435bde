#!/usr/bin/env bash
# Source this file: starts a throwaway PostgreSQL server for the tests and exports
# OBOLE_TEST_PG_URL (or OBOLE_TEST_PG_SKIP with the reason it could not start).
# The server lives in a temporary folder and is stopped when the calling shell exits.

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  export OBOLE_TEST_PG_SKIP="PostgreSQL server binaries not installed (Debian package postgresql)"
  return 0
fi
OBOLE_PG_DIR=$(mktemp -d /tmp/obole-pg.XXXXXX)
OBOLE_PG_PORT=${OBOLE_PG_PORT:-$(( 20000 + RANDOM % 20000 ))}
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$OBOLE_PG_DIR" 2>/dev/null || true
  as_pg=(runuser -u postgres --)
fi
if ! "${as_pg[@]}" "$pg_bin/initdb" -D "$OBOLE_PG_DIR/data" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 >"$OBOLE_PG_DIR/initdb.log" 2>&1; then
  export OBOLE_TEST_PG_SKIP="initdb failed: $(tail -n 1 "$OBOLE_PG_DIR/initdb.log")"
  return 0
fi
if ! "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$OBOLE_PG_DIR/data" -l "$OBOLE_PG_DIR/server.log" -w \
      -o "-p $OBOLE_PG_PORT -k $OBOLE_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off \
          -c max_connections=100" start >/dev/null; then
  export OBOLE_TEST_PG_SKIP="PostgreSQL did not start: $(tail -n 1 "$OBOLE_PG_DIR/server.log")"
  return 0
fi
export OBOLE_TEST_PG_URL="postgresql://postgres@127.0.0.1:$OBOLE_PG_PORT/postgres"
obole_stop_pg() { "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$OBOLE_PG_DIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$OBOLE_PG_DIR"; }
trap obole_stop_pg EXIT
