#!/usr/bin/env bash
# Sets up consult-bot and plays the demo consortium through the real bot (no Slack, no LLM key).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
exec .venv/bin/consult-bot demo "$@"
