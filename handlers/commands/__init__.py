"""Listeners for Slack commands; each module has `register(app, services)`."""
