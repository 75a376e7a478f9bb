"""Slack CLI entry point: `slack run` executes this file (with `slack-cli-hooks` installed).

The Slack CLI supplies SLACK_BOT_TOKEN and SLACK_APP_TOKEN, so the bot starts in Socket Mode, exactly
as `consult-bot run` would. Everywhere else, use the `consult-bot` command itself.
"""

from __future__ import annotations

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main(["run"]))
