#!/bin/sh
# Container entry point: `run` (the default) migrates the database, then becomes the bot;
# anything else is passed to consult-bot as is (e.g. `partners import /in/partners.csv`).
set -e

if [ "$#" -eq 0 ] || [ "$1" = "run" ]; then
    consult-bot db upgrade
    exec consult-bot run
fi
exec consult-bot "$@"
