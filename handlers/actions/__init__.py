"""Listeners for Slack actions (button clicks, menus), registered in the order Bolt tries them.

To add one: write it as a top-level function in a module of this package (it may take `services`
like any Bolt argument), then add one line below, next to its kind. Votes stay first.
"""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import (
    bridging,
    consultation_confirm,
    consultation_forms,
    consultation_position,
    digest_past,
    home_controls,
    poll_answer,
    poll_controls,
    recs_navigation,
)
from handlers.ids import Action, BridgingAction, ConsultAction, DigestAction, HomeAction, PollAction


def register(app: App) -> None:
    # Votes: by far the most frequent request.
    app.action(poll_answer.VOTE_BUTTON)(poll_answer.vote)
    app.action(PollAction.SELECT.value)(poll_answer.vote)
    app.action(PollAction.MULTI_SELECT.value)(poll_answer.vote_many)
    # The rest of a poll message.
    app.action(PollAction.ANSWER.value)(poll_answer.open_answer_form)
    app.action(PollAction.MINE.value)(poll_controls.show_mine)
    app.action(PollAction.CLOSE.value)(poll_controls.close_poll)
    app.action(PollAction.REMIND.value)(poll_controls.remind)
    app.action(PollAction.NEXT_ROUND.value)(poll_controls.next_round)
    # Consultations.
    app.action(consultation_position.POSITION_BUTTON)(consultation_position.choose_position)
    app.action(ConsultAction.CONFIRM.value)(consultation_confirm.keep_position)
    app.action(ConsultAction.SUGGEST.value)(consultation_forms.suggest_wording)
    app.action(ConsultAction.REVISE.value)(consultation_forms.publish_version)
    app.action(ConsultAction.ON_BEHALF.value)(consultation_forms.record_for_organisation)
    app.action(ConsultAction.CLOSE.value)(consultation_forms.close_consultation)
    app.action(BridgingAction.FIND.value)(bridging.find_common_wording)
    app.action(BridgingAction.REVISE.value)(bridging.revise_with_critiques)
    # Recommendations and digests.
    app.action(Action.RECS_PAGE.value)(recs_navigation.turn_page)
    app.action(Action.RECS_DETAIL.value)(recs_navigation.show_detail)
    app.action(DigestAction.SHOW_PAST.value)(digest_past.show_past)
    # The App Home's own controls (its vote and position controls are the ones above).
    app.action(home_controls.PAGE_BUTTON)(home_controls.turn_page)
    app.action(HomeAction.REMIND.value)(home_controls.remind)
    app.action(HomeAction.NEW_POLL.value)(home_controls.new_poll)
    app.action(HomeAction.NEW_CONSULTATION.value)(home_controls.new_consultation)
    app.action(HomeAction.DIGEST_PREVIEW.value)(home_controls.preview_digest)
    app.action(home_controls.ANNEX_BUTTON)(home_controls.send_annex)
    app.action(HomeAction.MY_DATA.value)(home_controls.send_my_data)
