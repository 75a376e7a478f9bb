#!/usr/bin/env bash
# Autogenerates an Alembic migration from the models: scripts/new-migration.sh "add polls"
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: scripts/new-migration.sh \"what changed\"" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
.venv/bin/python - "$1" "sqlite:///$scratch/scratch.db" <<'PY'
import sys
from alembic import command
from storage.db import Database, alembic_config
message, url = sys.argv[1], sys.argv[2]
Database(url).upgrade()
command.revision(alembic_config(url), message=message, autogenerate=True)
PY
.venv/bin/ruff format -q storage/migrations/versions
