"""Listeners for Slack actions; each module has `register(app, services)`."""
