"""Demo scenes of the App Home: a partner's Home (answered from the Home itself) and the
coordinator's dashboard. Each rendering is also saved under the demo's output directory."""

from __future__ import annotations

import time
from datetime import timedelta

from bot.demo import CHANNEL, COORDINATOR, Stage
from bot.domain.clock import utcnow
from bot.localslack import View
from bot.localslack.render import render_view

LOMBARDY = "U0IT00001"  # Giulia Rossi, Lombardy Region (Europe/Rome)


def _open_home(stage: Stage, user: str) -> View:
    stage.slack.app_home_opened(user)
    return _published(stage, user)


def _published(stage: Stage, user: str) -> View:
    stage.services.polls.votes.flush()
    stage.services.polls.updates.flush()
    stage.services.home.updates.flush()
    home = stage.fake.home_view(user)
    assert home is not None, f"no Home was published for {user}"
    return home


def _posted(stage: Stage, ref: str) -> bool:
    latest = stage.services.consultations.latest(ref)
    return latest is not None and latest.permalink is not None


def _show(stage: Stage, home: View, filename: str) -> None:
    rendered = render_view(home, stage.fake.user_names())
    print("\n".join("    " + line for line in rendered.splitlines()))
    path = stage.out / filename
    path.write_text(rendered + "\n", encoding="utf-8")
    print(f"    saved as {path}")


def partner_home(stage: Stage) -> None:
    """A partner's Home: what waits for their answer, in their own time zone, answered in place"""
    deadline = (utcnow() + timedelta(days=4)).strftime("%Y-%m-%dT12:00")
    question = '"Hold the final conference in Brussels?" "Yes" "No" "Online only"'
    stage.say(f"Simone types  /poll {question} deadline={deadline}")
    stage.slack.slash("/poll", f"{question} deadline={deadline}", user=COORDINATOR, channel=CHANNEL)
    while not all(r.poll.message_ts for r in stage.services.polls.all_results()):
        time.sleep(0.05)  # the bot notes where it posted the poll just after posting it
    consultable = stage.services.consultations.consultable(COORDINATOR)
    if consultable:
        ref = consultable[-1].ref
        stage.say(f"Simone types  /consult {ref}")
        stage.slack.slash("/consult", ref, user=COORDINATOR, channel=CHANNEL)
        while stage.services.consultations.latest(ref) is None or not _posted(stage, ref):
            time.sleep(0.05)
    stage.say("Giulia (Lombardy Region) opens the consult-bot tab in Slack: her Home")
    home = _open_home(stage, LOMBARDY)
    _show(stage, home, "home-partner.txt")
    poll = next(b for b in home.blocks if str(b.get("block_id", "")).endswith("_answer"))
    stage.say("She clicks  Yes  under the poll, right in her Home; the Home is published again")
    stage.slack.click_in_view(home.id, LOMBARDY, "poll_vote_0", block_id=str(poll["block_id"]))
    for _ in range(50):  # the vote, the poll message's update, then the Home's (each coalesced)
        if "Brussels" not in str(_published(stage, LOMBARDY).blocks):
            break
        time.sleep(0.1)
    _show(stage, _published(stage, LOMBARDY), "home-partner-answered.txt")
    print("    The poll has left her list of what waits for her answer.")


def coordinator_dashboard(stage: Stage) -> None:
    """The coordinator's Home: who has answered what, Remind, common actions, the consensus board"""
    stage.say("Simone (coordinator) opens her Home")
    home = _open_home(stage, COORDINATOR)
    _show(stage, home, "home-coordinator.txt")
    reminders = [b for b in home.blocks if (b.get("accessory") or {}).get("action_id") == "home_remind"]
    if not reminders:
        return
    ref = str(reminders[0]["accessory"]["value"])
    stage.say(f"She clicks  Remind  next to {ref}: only those who have not answered get a direct message")
    before = len(stage.fake.calls("chat.postMessage"))
    stage.slack.click_in_view(home.id, COORDINATOR, "home_remind", value=ref)
    stage.fake.wait_until(
        lambda: any(
            c.params.get("channel") == COORDINATOR and "Reminded" in str(c.params.get("text"))
            for c in stage.fake.calls("chat.postMessage")[before:]
        ),
        what="the reminder report",
    )
    report = [
        c for c in stage.fake.calls("chat.postMessage")[before:] if c.params.get("channel") == COORDINATOR
    ]
    print(f"    Simone's direct message: {report[-1].params.get('text')}")


SCENES = [partner_home, coordinator_dashboard]
