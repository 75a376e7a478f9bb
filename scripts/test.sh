#!/usr/bin/env bash
# Sets up everything the tests need and runs them on SQLite and PostgreSQL.
# Extra arguments go to pytest, e.g. scripts/test.sh tests/slack/test_propose.py -k duplicated
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh dev

if url=$(./scripts/postgres-test-db.sh); then
  export CONSULT_TEST_POSTGRES_URL="$url"
  export CONSULT_REQUIRE_POSTGRES=1
else
  echo "*** PostgreSQL could not be prepared: the tests run on SQLite only. ***" >&2
  [ "${CI:-}" = true ] && { echo "CI needs PostgreSQL; failing." >&2; exit 1; }
fi
exec .venv/bin/pytest "$@"
