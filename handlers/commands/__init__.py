"""Listeners for slash commands, registered in the order Bolt tries them.

To add one: a top-level function in a module of this package (it may take `services`), one line
below, and the command in both app manifests.
"""

from __future__ import annotations

from slack_bolt import App

from handlers.commands import consult, digest, poll, privacy, propose, recs


def register(app: App) -> None:
    app.command("/poll")(poll.poll)
    app.command("/consult")(consult.consult)
    app.command("/propose")(propose.open_proposal_form)
    app.command("/recs")(recs.list_recommendations)
    app.command("/digest")(digest.digest)
    app.command("/privacy")(privacy.privacy)
