"""Vote acknowledgements of consult-bot beside a bare Bolt app that only acknowledges.

Run `.venv/bin/python -m benchmarks.vote_ack` (about a minute and a half). Four processes: this
one holds the local Slack stand-in and orchestrates; the bot, the bare app and the load generator
each run in their own (apps.py, load.py). The two apps get the same signed vote clicks on a quick
poll (workspace.py) in alternating rounds: open loop at fixed rates (latency from each click's due
time) and closed loop with concurrent clickers (acknowledgements per second). The report (report.py)
prints the table and each target, met or missed, and also checks that every click was answered
200, every acknowledged vote is in the database, the poll message got at most one `chat.update` a
second, and the bot's memory after the run.
"""
