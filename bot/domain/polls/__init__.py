"""Polls, as plain Python: the service stores and loads, these modules decide.

kinds: Slack-derived limits, kinds, statuses, references. drafts: what a valid poll is.
quick: the `/poll "Question?" "A" "B"` syntax. answers: what a valid answer is.
tallies: counts, rankings and results. Anonymous answers reach these modules without any identity.
"""
