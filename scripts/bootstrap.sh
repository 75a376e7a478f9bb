#!/usr/bin/env bash
# Creates .venv (Python 3.11+) and installs consult-bot into it; `dev` adds the test and lint tools.
# Re-running is cheap: nothing is reinstalled unless pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRA=${1:-}
PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "consult-bot needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2; exit 1; }
  echo "creating .venv" >&2
  "$PYTHON" -m venv .venv
fi
SPEC="."
[ "$EXTRA" = dev ] && SPEC=".[dev]"
STAMP=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-${EXTRA:-main}"
if [ ! -f "$STAMP" ]; then
  echo "installing consult-bot${EXTRA:+ with $EXTRA tools} into .venv" >&2
  # Some machines' pip configs name local mirrors that may be absent: those warnings are noise.
  log=$(mktemp)
  if ! { .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip &&
         .venv/bin/python -m pip install -q --disable-pip-version-check -e "$SPEC"; } >"$log" 2>&1; then
    grep -v "^WARNING: Location .* is ignored" "$log" >&2
    rm -f "$log"
    echo "installing consult-bot failed" >&2
    exit 1
  fi
  grep -v "^WARNING: Location .* is ignored" "$log" >&2 || true
  rm -f "$log"
  touch "$STAMP"
fi
