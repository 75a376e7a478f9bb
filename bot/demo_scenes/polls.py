"""Demo scenes of polls: a quick poll, an anonymous agreement scale with a Delphi round, a
prioritisation, a validity review of the earlier recommendations, and deadlines with reminders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.demo import CHANNEL, COORDINATOR, Stage
from bot.domain.clock import utcnow
from bot.jobs.polls import close_due_polls, send_due_reminders
from bot.localslack import Message
from bot.localslack.render import render_message

PARTNERS = ["U0AT00002", "U0HU00001", "U0ES00001", "U0IT00001", "U0PL00001", "U0DE00001", "U0FI00001"]


def _name(stage: Stage, user: str) -> str:
    return stage.fake.user_names()[user]


def _latest_poll(stage: Stage) -> Message:
    """The newest poll message in the channel, as Slack shows it now."""
    stage.services.polls.updates.flush()
    polls = [m for m in stage.fake.messages(CHANNEL) if "Poll" in m.text or "poll" in m.text]
    return polls[-1]


def _show(stage: Stage, message: Message) -> None:
    """The poll message as Slack shows it now (after the coalesced update)."""
    stage.services.polls.updates.flush()
    rendered = render_message(stage.fake.message(CHANNEL, message.ts), stage.fake.user_names())
    print("\n".join("    " + line for line in rendered.splitlines()))


def _wait_ephemeral(stage: Stage, user: str, before: int) -> None:
    stage.fake.wait_until(lambda: len(stage.fake.ephemerals(user)) > before, what="an ephemeral answer")


def _last_ephemeral(stage: Stage, user: str, before: int) -> None:
    _wait_ephemeral(stage, user, before)
    stage.show_ephemeral(user)


def _click(stage: Stage, message: Message, user: str, action_id: str, **kwargs: Any) -> None:
    before = len(stage.fake.ephemerals(user))
    stage.slack.click(stage.fake.message(CHANNEL, message.ts), CHANNEL, user, action_id, **kwargs)
    _last_ephemeral(stage, user, before)


def _open_answer_form(stage: Stage, message: Message, user: str) -> str:
    opened = len(stage.fake.calls("views.open"))
    stage.slack.click(stage.fake.message(CHANNEL, message.ts), CHANNEL, user, "poll_answer")
    call = stage.fake.wait_for("views.open", count=opened + 1)[-1]
    return str(call.response["view"]["id"])


def _post_with_form(stage: Stage, values: dict[str, Any]) -> Message:
    posted, opened = len(stage.fake.calls("chat.postMessage")), len(stage.fake.calls("views.open"))
    stage.slack.slash("/poll", "", user=COORDINATOR, channel=CHANNEL)
    view_id = str(stage.fake.wait_for("views.open", count=opened + 1)[-1].response["view"]["id"])
    response = stage.slack.submit_view(view_id, COORDINATOR, values)
    for field, problem in ((response.json or {}).get("errors") or {}).items():
        print(f"    The form shows under '{field}': {problem}")
    stage.fake.wait_for("chat.postMessage", count=posted + 1)
    return _latest_poll(stage)


def quick_poll(stage: Stage) -> None:
    """A quick poll: /poll with quoted options, buttons, a changed mind, and the close"""
    stage.say('Simone types  /poll "Meet in Vienna?" "Yes"')
    response = stage.slack.slash("/poll", '"Meet in Vienna?" "Yes"', user=COORDINATOR, channel=CHANNEL)
    print("    Only Simone sees: " + str((response.json or {}).get("text", response.body)))
    deadline = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%dT17:00")
    text = (
        '"Which day suits the partner meeting in Vienna?" "Tue 3 March" "Wed 4 March" "Thu 5 March" '
        f"deadline={deadline}"
    )
    stage.say(f"Simone types  /poll {text}")
    stage.slack.slash("/poll", text, user=COORDINATOR, channel=CHANNEL)
    stage.fake.wait_for("chat.postMessage", lambda c: c.params.get("channel") == CHANNEL)
    message = _latest_poll(stage)
    _show(stage, message)
    for user, option in zip(PARTNERS[:5], (0, 1, 1, 2, 1), strict=True):
        stage.say(f"{_name(stage, user)} clicks  {['Tue 3 March', 'Wed 4 March', 'Thu 5 March'][option]}")
        _click(stage, message, user, f"poll_vote_{option}")
    stage.say(f"{_name(stage, PARTNERS[0])} changes their mind and clicks  Wed 4 March")
    _click(stage, message, PARTNERS[0], "poll_vote_1")
    stage.say(f"{_name(stage, PARTNERS[5])} (not the creator) clicks  Close poll")
    _click(stage, message, PARTNERS[5], "poll_close")
    still_open = stage.fake.message(CHANNEL, message.ts)
    stage.say("Simone clicks  Close poll: the message now carries the final results")
    _click(stage, message, COORDINATOR, "poll_close")
    _show(stage, message)
    stage.say(f"{_name(stage, PARTNERS[6])}, whose Slack still showed the open poll, clicks  Thu 5 March")
    before = len(stage.fake.ephemerals(PARTNERS[6]))
    stage.slack.click(still_open, CHANNEL, PARTNERS[6], "poll_vote_2")
    _last_ephemeral(stage, PARTNERS[6], before)


def delphi(stage: Stage) -> None:
    """An anonymous agreement scale in two Delphi rounds"""
    statements = (
        "Cluster organisations should be eligible as applicants in EU R&D programmes\n"
        "Interregional cooperation needs its own funding line"
    )
    stage.say(
        "Simone types  /poll  and fills in the form: agreement scale, anonymous, a reason required "
        "on disagreement"
    )
    message = _post_with_form(
        stage,
        {
            "question": "Where do we stand on these two statements?",
            "kind": "scale",
            "options": statements,
            "settings": ["anonymous", "require_reason"],
        },
    )
    _show(stage, message)
    answers = [(4, 5), (2, 4), (5, 4), (4, 2), (1, 3)]
    reasons = {
        (0, 2): "Cluster bodies are not research performers.",
        (0, 1): "Applicants should be the companies themselves.",
        (1, 2): "Mainstream Interreg programmes already cover it.",
    }
    for user, (first, second) in zip(PARTNERS, answers, strict=False):
        view_id = _open_answer_form(stage, message, user)
        values: dict[str, Any] = {"item-0": str(first), "item-1": str(second)}
        if user == PARTNERS[1]:
            stage.say(f"{_name(stage, user)} answers 'Disagree' without saying why")
            errors = (stage.slack.submit_view(view_id, user, values).json or {}).get("errors", {})
            for field, problem in errors.items():
                print(f"    The form shows under '{field}': {problem}")
        for index, value in enumerate((first, second)):
            if value <= 2:
                values[f"reason-{index}"] = reasons[(index, value)]
        stage.say(f"{_name(stage, user)} answers {first} and {second}")
        stage.slack.submit_view(view_id, user, values)
    stage.say("Simone closes round 1")
    _click(stage, message, COORDINATOR, "poll_close")
    _show(stage, message)
    stage.say("Simone clicks  Start next round")
    posted = len(stage.fake.calls("chat.postMessage"))
    stage.slack.click(stage.fake.message(CHANNEL, message.ts), CHANNEL, COORDINATOR, "poll_next_round")
    stage.fake.wait_for("chat.postMessage", count=posted + 1)
    second_round = _latest_poll(stage)
    _show(stage, second_round)
    stage.say(f"{_name(stage, PARTNERS[1])} opens round 2 and first sees the group's answers and reasons")
    stage.show_view(_open_answer_form(stage, second_round, PARTNERS[1]))
    for user, (first, second) in zip(PARTNERS, [(4, 5), (4, 4), (5, 4), (4, 3), (3, 3)], strict=False):
        view_id = _open_answer_form(stage, second_round, user)
        stage.slack.submit_view(view_id, user, {"item-0": str(first), "item-1": str(second)})
    stage.say("Simone closes round 2: the message shows how positions moved")
    _click(stage, second_round, COORDINATOR, "poll_close")
    _show(stage, second_round)


def prioritisation(stage: Stage) -> None:
    """Prioritisation: partners spread 100 points; results by points and by Borda count"""
    stage.say("Simone opens the form: prioritisation by points over three themes")
    message = _post_with_form(
        stage,
        {
            "question": "Which theme should the action plan put first?",
            "kind": "points",
            "options": "Internationalisation\nSkills\nDigitalisation",
        },
    )
    for user, points in zip(
        PARTNERS[:4], [(60, 30, 10), (20, 50, 30), (50, 0, 50), (40, 40, 20)], strict=True
    ):
        view_id = _open_answer_form(stage, message, user)
        stage.say(f"{_name(stage, user)} spreads {points[0]} / {points[1]} / {points[2]} points")
        values = {f"item-{i}": str(p) for i, p in enumerate(points)}
        stage.slack.submit_view(view_id, user, values)
    _show(stage, message)


def validity_review(stage: Stage) -> None:
    """A validity review of the CLUSTERIX 2012-2014 recommendations, one row per recommendation"""
    stage.say("Simone opens the form: validity review of 'all imported from CLUSTERIX 2012-2014'")
    message = _post_with_form(
        stage,
        {
            "question": "Are the CLUSTERIX 2012-2014 recommendations still valid?",
            "kind": "validity",
            "options": "all imported from CLUSTERIX 2012-2014",
        },
    )
    verdicts = [(0, 1, 2, 3), (0, 1, 2, 2), (1, 1, 0, 3)]
    for user, chosen in zip(PARTNERS[:3], verdicts, strict=True):
        view_id = _open_answer_form(stage, message, user)
        stage.say(f"{_name(stage, user)} gives each recommendation a verdict")
        values = {f"item-{i}": str(v) for i, v in enumerate(chosen)}
        stage.slack.submit_view(view_id, user, values)
    _show(stage, message)


def deadlines(stage: Stage) -> None:
    """Deadlines and reminders: the scheduler reminds non-respondents once and closes the poll once"""
    deadline = utcnow() + timedelta(days=2)
    text = (
        '"Can you host a study visit in 2027?" "Yes" "No" "Not sure" anonymous '
        f"deadline={deadline:%Y-%m-%dT%H:%M}+00:00"
    )
    stage.say(f"Simone types  /poll {text}")
    stage.slack.slash("/poll", text, user=COORDINATOR, channel=CHANNEL)
    stage.fake.wait_for("chat.postMessage", lambda c: "study visit" in str(c.params.get("text")))
    message = _latest_poll(stage)
    stage.say("Four partners answer Yes")
    for user in PARTNERS[:4]:
        before = len(stage.fake.ephemerals(user))
        stage.slack.click(stage.fake.message(CHANNEL, message.ts), CHANNEL, user, "poll_vote_0")
        _wait_ephemeral(stage, user, before)
    later = deadline - timedelta(hours=23)
    dms_before = len(stage.fake.calls("chat.postMessage"))
    sent = send_due_reminders(stage.services, now=later)
    again = send_due_reminders(stage.services, now=later + timedelta(minutes=1))
    stage.say(
        f"The reminder sweep runs 23 hours before the deadline: {sent} direct messages; run again: {again}"
    )
    dms = stage.fake.calls("chat.postMessage")[dms_before:]
    users = stage.fake.user_names()
    print(
        "    Reminded: "
        + ", ".join(users.get(str(c.params["channel"]), str(c.params["channel"])) for c in dms)
    )
    print("    " + str(dms[0].params["text"]) if dms else "    (nobody)")
    after = deadline + timedelta(minutes=1)
    first, second = (
        close_due_polls(stage.services, now=after),
        close_due_polls(stage.services, now=after),
    )
    stage.say(
        f"The close sweep runs after the deadline twice: it closed {len(first)} poll(s), then {len(second)}"
    )
    _show(stage, message)


SCENES = [quick_poll, delphi, prioritisation, validity_review, deadlines]
