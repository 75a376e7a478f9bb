"""Listeners for Slack shortcuts; each module has `register(app, services)`."""
