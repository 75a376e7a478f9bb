"""Listeners for Slack events; each module has `register(app, services)`."""
