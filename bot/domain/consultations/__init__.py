"""Consultations, as plain Python, unit-tested without a database or Slack.

kinds: positions, statuses, outcomes and their errors. inputs: what valid positions, amendments,
revisions, outcomes and deadlines are. views: what people see, and a readable diff of two versions.
threads: the messages of a consultation thread.
"""
