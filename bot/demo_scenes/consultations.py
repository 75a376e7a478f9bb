"""Demo scenes of consultations: a thread per draft, positions per organisation, comments, amendments,
a revised version, a position recorded by the coordinator, reminders, catching up after an outage, closing."""

from __future__ import annotations

from datetime import timedelta

from bot.demo import CHANNEL, COORDINATOR, Stage
from bot.domain.consultations.views import CommentView
from bot.jobs.consultations import reconcile_open, sweep
from bot.localslack import Message
from bot.localslack.render import render_blocks, render_message

REF = "R5"
AUTHOR = "U0HU00001"  # Zsófia Kovács, Pannon Business Network: proposed R5
CATALONIA = "U0ES00001"
LOMBARDY = "U0IT00001"
LODZ = "U0PL00001"
FLANDERS = "U0BE00001"
LOWER_AUSTRIA = "U0AT00002"
NEW_TEXT = (
    "Create an EU-wide programme for collaborative R&D projects in which large companies and cluster SMEs "
    "work together, similar to CORNET, open to cluster organisations as applicants and with simplified "
    "rules for SMEs."
)


class _Watch:
    """Prints what appeared in Slack since the last look, saying where: channel, thread or DM."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.seen = {m.ts for m in stage.fake.all_messages()}
        self.eph_seen = len(stage.fake.ephemerals())

    def show(self, *, skip_dms: bool = False, limit: int = 50) -> None:
        fake = self.stage.fake
        users = fake.user_names()
        new = [m for m in fake.all_messages() if m.ts not in self.seen]
        self.seen.update(m.ts for m in new)
        shown = 0
        for message in new:
            where = self._where(message)
            if (skip_dms and where.startswith("DM")) or shown >= limit:
                continue
            shown += 1
            print(f"    ── {where}")
            print(render_message(message, users, indent="    ", width=96))
        if len(new) > shown:
            print(f"    ({len(new) - shown} more messages not shown)")
        for eph in fake.ephemerals()[self.eph_seen :]:
            print(f"    ── only {users.get(eph.user, eph.user)} sees")
            print(render_message(eph, users, indent="    ", width=96))
        self.eph_seen = len(fake.ephemerals())

    def _where(self, message: Message) -> str:
        channel = self.stage.fake.channel(message.channel)
        if channel.is_im:
            return f"DM to {self.stage.fake.user_names().get(channel.im_user or '', channel.im_user)}"
        if message.is_reply:
            return f"#{channel.name}, in the thread"
        return f"#{channel.name}"


def _root(stage: Stage) -> Message:
    view = stage.services.consultations.latest(REF)
    assert view is not None and view.message_ts is not None
    return stage.fake.message(CHANNEL, view.message_ts)


def _started(stage: Stage) -> bool:
    view = stage.services.consultations.latest(REF)
    return view is not None and view.permalink is not None


def _comments(stage: Stage) -> list[CommentView]:
    view = stage.services.consultations.latest(REF)
    return stage.services.consultations.comments(view.id) if view else []


def _answer(
    stage: Stage, root: Message, user: str, position: str, reason: str, *, channel: str = CHANNEL
) -> None:
    before = len(stage.fake.calls("views.open"))
    stage.slack.click(root, channel, user, f"consultation_position_{position}")
    view_id = str(stage.fake.wait_for("views.open", count=before + 1)[-1].response["view"]["id"])
    updates = _calls(stage, "chat.update")
    response = stage.slack.submit_view(view_id, user, {"reason": reason}, check_required=False)
    errors = (response.json or {}).get("errors") or {}
    for field, problem in errors.items():
        print(f"    The form shows under '{field}': {problem}")
    if not errors:
        _wait(stage, "chat.update", updates)


def _open_modal(stage: Stage, root: Message, user: str, action: str) -> str:
    before = len(stage.fake.calls("views.open"))
    stage.slack.click(root, CHANNEL, user, action)
    return str(stage.fake.wait_for("views.open", count=before + 1)[-1].response["view"]["id"])


def _calls(stage: Stage, method: str) -> int:
    return len(stage.fake.calls(method))


def _wait(stage: Stage, method: str, before: int, more: int = 1) -> None:
    """Waits for the Web API calls the bot makes after its acknowledgement."""
    stage.fake.wait_for(method, count=before + more)


def _stored_comments(stage: Stage, count: int) -> None:
    def stored() -> bool:
        view = stage.services.consultations.latest(REF)
        return view is not None and len(stage.services.consultations.comments(view.id)) >= count

    stage.fake.wait_until(stored, what=f"{count} stored comments")


def start_consultation(stage: Stage) -> None:
    """The coordinator opens the consultation on R5 with /consult"""
    watch = _Watch(stage)
    stage.say(f"Simone (coordinator) types  /consult {REF}")
    stage.slack.slash("/consult", REF, user=COORDINATOR, channel=CHANNEL)
    stage.fake.wait_until(lambda: _started(stage), what="the consultation thread")
    watch.show()
    stage.say(f"Zsófia types  /consult {REF}  again, and  /consult R999")
    for text in (REF, "R999"):
        response = stage.slack.slash("/consult", text, user=AUTHOR, channel=CHANNEL)
        print("    Only Zsófia sees: " + str((response.json or {}).get("text", response.body)))


def positions_and_comments(stage: Stage) -> None:
    """Partners give their organisations' positions and discuss in the thread"""
    root = _root(stage)
    watch = _Watch(stage)
    stage.say("Laia (ACCIÓ Catalonia) clicks  Agree with changes  and gives a reason")
    _answer(stage, root, CATALONIA, "agree_with_changes", "Add simplified rules for SMEs.")
    stage.say("Giulia (Lombardy Region) clicks  Block  and submits without a reason")
    _answer(stage, root, LOMBARDY, "block", "")
    stage.say("Giulia thinks again: she clicks  Disagree  and gives the reason")
    _answer(stage, root, LOMBARDY, "disagree", "Overlaps with our regional R&D vouchers.")
    stage.say("Zsófia (the author) and Markus (ecoplus Lower Austria) agree")
    _answer(stage, root, AUTHOR, "agree", "")
    _answer(stage, root, LOWER_AUSTRIA, "agree", "")
    stage.say("The root message now shows each organisation's position (updated in place)")
    positions = next(b for b in _root(stage).blocks if "*Positions*" in str(b))
    for line in render_blocks([positions], stage.fake.user_names(), width=92).splitlines():
        print("      " + line)
    stage.say("Replies in the thread: a comment, a file, an edit, a deletion, and a retried delivery")
    stage.slack.user_posts(CHANNEL, LODZ, "CORNET works well for our clusters; count us in.", root.ts)
    stage.slack.user_posts(
        CHANNEL, FLANDERS, "Our evaluation of CORNET", root.ts, files=["cornet-evaluation.pdf"]
    )
    typo, _ = stage.slack.user_posts(CHANNEL, CATALONIA, "SMEs ned simpler rules.", root.ts)
    stage.slack.user_edits(CHANNEL, typo.ts, "SMEs need simpler rules than in Horizon Europe.")
    oops, _ = stage.slack.user_posts(CHANNEL, LOMBARDY, "Wrong thread, sorry", root.ts)
    stage.slack.user_deletes(CHANNEL, oops.ts)
    stage.slack.redeliver(stage.slack.deliveries[-3], retry_num=1)
    _stored_comments(stage, 4)
    stage.fake.wait_until(lambda: any(c.deleted for c in _comments(stage)), what="the deletion")
    stage.fake.wait_until(lambda: any(c.edited for c in _comments(stage)), what="the edit")
    watch.show()
    view = stage.services.consultations.latest(REF)
    assert view is not None
    print(f"\n    Stored: {view.comments} comments (the deleted one is kept, marked, and not counted)")
    for comment in stage.services.consultations.comments(view.id):
        state = " (deleted)" if comment.deleted else " (edited)" if comment.edited else ""
        files = "".join(f" [file {f.name}]" for f in comment.files)
        who = f"{comment.author_name}, {comment.organisation} ({comment.country})"
        print(f"      {who}: {comment.text}{files}{state}")


def catch_up_after_outage(stage: Stage) -> None:
    """The bot was down: it reads the thread back from Slack and catches up"""
    root = _root(stage)
    stage.say("While the bot is down, Pieter (Flanders) replies and Piotr (Łódź) edits his comment")
    stage.fake.post_user_message(CHANNEL, FLANDERS, "Flanders would co-fund the pilot.", thread_ts=root.ts)
    piotr = next(m for m in stage.fake.thread(CHANNEL, root.ts) if m.user == LODZ)
    stage.fake.edit_user_message(CHANNEL, piotr.ts, "CORNET works well for our clusters; count Łódź in.")
    stage.say("On start (and before every digest) it reconciles each open thread with conversations.replies")
    for report in reconcile_open(stage.services):
        print(f"    {report.ref}: {report.added} added, {report.edited} edited, {report.deleted} deleted")


def amendments_and_revision(stage: Stage) -> None:
    """A partner suggests wording; the author publishes version 2 with a readable diff"""
    root = _root(stage)
    watch = _Watch(stage)
    stage.say("Laia clicks  Suggest wording")
    view_id = _open_modal(stage, root, CATALONIA, "consultation_suggest")
    updates = _calls(stage, "chat.update")
    stage.slack.submit_view(
        view_id, CATALONIA, {"wording": NEW_TEXT, "note": "Simplified rules make SMEs apply."}
    )
    _wait(stage, "chat.update", updates)
    stage.say("Zsófia (the author) clicks  Publish new version  and takes up the suggestion")
    view_id = _open_modal(stage, root, AUTHOR, "consultation_revise")
    view = stage.services.consultations.latest(REF)
    assert view is not None
    adopted = [str(a.id) for a in view.amendments]
    posts = _calls(stage, "chat.postMessage")
    stage.slack.submit_view(
        view_id, AUTHOR, {"text": NEW_TEXT, "note": "Simplified rules for SMEs.", "adopted": adopted}
    )
    # The diff in the thread, then one direct message per organisation that had a position.
    _wait(stage, "chat.postMessage", posts, 1 + len(view.positions))
    watch.show()
    stage.say("Laia keeps her organisation's position on version 2 from her direct message")
    dm = stage.fake.dm_messages(CATALONIA)[-1]
    updates = _calls(stage, "chat.update")
    stage.slack.click(dm, CATALONIA, CATALONIA, "consultation_confirm")
    _wait(stage, "chat.update", updates)
    print(render_message(stage.fake.dm_messages(CATALONIA)[-1], stage.fake.user_names(), indent="    "))


def on_behalf(stage: Stage) -> None:
    """The coordinator records a position the Council of Tampere Region sent by e-mail"""
    root = _root(stage)
    watch = _Watch(stage)
    view_id = _open_modal(stage, root, COORDINATOR, "consultation_on_behalf")
    updates = _calls(stage, "chat.update")
    stage.slack.submit_view(
        view_id,
        COORDINATOR,
        {
            "organisation": "Council of Tampere Region",
            "position": "agree",
            "reason": "",
            "source": "by e-mail on 2 December",
        },
    )
    _wait(stage, "chat.update", updates)
    watch.show()


def deadline_and_close(stage: Stage) -> None:
    """Reminders before the deadline, then the coordinator closes with an outcome"""
    view = stage.services.consultations.latest(REF)
    assert view is not None
    stage.say("Two days before the deadline the scheduler reminds organisations without a position")
    report = sweep(stage.services, now=view.deadline - timedelta(hours=47))
    print(f"    {report.reminded} reminders sent by direct message; one of them:")
    users = stage.fake.user_names()
    print(render_message(stage.fake.dm_messages("U0DE00001")[-1], users, indent="    "))
    again = sweep(stage.services, now=view.deadline - timedelta(hours=46))
    print(f"    A second sweep an hour later sends {again.reminded} reminders.")
    root = _root(stage)
    watch = _Watch(stage)
    stage.say("Simone clicks  Close consultation  and records the outcome")
    view_id = _open_modal(stage, root, COORDINATOR, "consultation_close")
    updates = _calls(stage, "chat.update")
    stage.slack.submit_view(
        view_id,
        COORDINATOR,
        {
            "outcome": "endorsed",
            "statement": "Endorsed with version 2; Lombardy's concern goes to the annex.",
        },
    )
    _wait(stage, "chat.update", updates)
    watch.show()
    stage.say("The recommendation's status follows, and the root message shows the result")
    rec = stage.services.recommendations.get(REF)
    print(f"    {rec.ref} is now: {rec.status.value} (version {rec.version})")
    print(render_message(_root(stage), users, indent="    "))
    # The next scenes count Web API calls from here on, as after the foundation's proposals.
    stage.fake.reset_calls()


SCENES = [
    start_consultation,
    positions_and_comments,
    catch_up_after_outage,
    amendments_and_revision,
    on_behalf,
    deadline_and_close,
]
