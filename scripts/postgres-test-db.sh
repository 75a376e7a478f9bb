#!/usr/bin/env bash
# Makes a local PostgreSQL server with the test role and database ready, idempotently.
# Installs the server if missing, starts it if down, creates role and database through the
# local socket (127.0.0.1 asks for a password the postgres role does not have).
# Prints the URL the tests connect with over TCP.
set -euo pipefail

ROLE=consult_test
PASSWORD=consult_test
DB=consult_test

log() { echo "postgres-test-db: $*" >&2; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -n -u postgres sh -c "$1"; fi
}

if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  log "PostgreSQL is not installed; installing it"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
fi
VERSION=$(ls /etc/postgresql | sort -V | tail -n 1)

if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
  log "starting PostgreSQL $VERSION"
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" main start >&2
fi

for _ in $(seq 1 30); do
  as_postgres "psql -qtAc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done

as_postgres "psql -v ON_ERROR_STOP=1 -qtA" >&2 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD' CREATEDB;
  ELSE
    ALTER ROLE $ROLE LOGIN PASSWORD '$PASSWORD' CREATEDB;
  END IF;
END
\$\$;
SQL
if ! as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = '$DB'\"" | grep -q 1; then
  as_postgres "createdb -O $ROLE $DB" >&2
fi
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $3}')
echo "postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
