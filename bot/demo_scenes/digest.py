"""Demo scene of the digest: what the coordinator receives at the end of the week."""

from __future__ import annotations

from bot.demo import COORDINATOR, Stage
from bot.domain.clock import utcnow
from bot.domain.periods import current_period
from bot.jobs.digest import send_period_digest


def weekly_digest(stage: Stage) -> None:
    """The coordinator's weekly digest of emerging consensus (offline summarizer, no LLM key)"""
    settings = stage.services.settings
    period = current_period(settings.digest_cron, settings.timezone, utcnow())
    stage.say("The scheduler fires DIGEST_CRON; the digest goes to every coordinator by direct message")
    since = len(stage.fake.all_messages())
    report = send_period_digest(stage.services, period)
    print(f"    {report.describe()}")
    stage.show_new_messages(since)
    for stored in stage.fake.files():
        if stored.content is None or not stored.name.startswith("consensus-"):
            continue
        path = stage.out / stored.name
        path.write_bytes(stored.content)
        print(f"    attached in the digest's thread, saved as {path}")
    stage.say("Sending it again (a second process, or the job firing twice) sends nothing")
    again = send_period_digest(stage.services, period)
    print(f"    {again.describe()}")
    stage.say("Simone types  /digest past")
    stage.slack.slash("/digest", "past", user=COORDINATOR, channel="C0POLICY")
    stage.show_ephemeral(COORDINATOR)


SCENES = [weekly_digest]
