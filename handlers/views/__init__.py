"""Listeners for Slack views; each module has `register(app, services)`."""
