"""Sending a digest: a DM to every coordinator (and optionally a channel), each exactly once.

Every recipient is claimed in the database before anything is posted, so a second process, a
second fire of the job or a second `--send` finds the claim and sends nothing. A recipient whose
send fails is released, so the next run tries again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import Services
from bot.services.digest import BuiltDigest
from handlers.blocks.digest import digest_overview, digest_thread_parts

log = logging.getLogger("consult_bot.digest")


@dataclass
class DeliveryReport:
    digest: BuiltDigest
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"sent to {len(self.sent)}"]
        if self.already_sent:
            parts.append(f"already sent to {len(self.already_sent)}")
        if self.failed:
            parts.append("failed for " + ", ".join(f"{who} ({why})" for who, why in self.failed))
        return "; ".join(parts)


def deliver_digest(services: Services, client: WebClient, built: BuiltDigest) -> DeliveryReport:
    assert built.digest_id is not None, "only a stored digest is delivered"
    report = DeliveryReport(built)
    recipients = [c.slack_user_id for c in services.partners.coordinators()]
    if services.settings.digest_channel:
        recipients.append(services.settings.digest_channel)
    if not recipients:
        log.warning("the digest has no recipient: no coordinator is registered and DIGEST_CHANNEL is not set")
    attachments = _attachments(built)
    for recipient in recipients:
        if not services.digest.claim_delivery(built.digest_id, recipient):
            report.already_sent.append(recipient)
            continue
        try:
            channel, ts = _post(client, recipient, built, attachments)
        except SlackApiError as exc:
            services.digest.release_delivery(built.digest_id, recipient)
            report.failed.append((recipient, str(exc.response.get("error"))))
            log.warning("the digest could not be sent to %s: %s", recipient, exc.response.get("error"))
            continue
        services.digest.delivered(built.digest_id, recipient, channel, ts, datetime.now(UTC))
        report.sent.append(recipient)
    return report


def _attachments(built: BuiltDigest) -> list[dict[str, object]]:
    from bot.services.charts import digest_chart  # matplotlib loads only when a digest is sent

    key = built.content.period_key[:10]
    files: list[dict[str, object]] = [
        {
            "content": built.markdown,
            "filename": f"consensus-digest-{key}.md",
            "title": f"Consensus digest {key}",
        }
    ]
    chart = digest_chart(built.content)
    if chart:
        files.append({"file": chart, "filename": f"consensus-chart-{key}.png", "title": "Support by country"})
    return files


def _post(
    client: WebClient, recipient: str, built: BuiltDigest, files: list[dict[str, object]]
) -> tuple[str, str]:
    """One top-level message; the summaries, the chart and the Markdown go in its thread."""
    channel = recipient
    if recipient.startswith(("U", "W")):
        channel = client.conversations_open(users=recipient)["channel"]["id"]
    text, blocks = digest_overview(built.content)
    posted = client.chat_postMessage(channel=channel, text=text, blocks=blocks, unfurl_links=False)
    ts = str(posted["ts"])
    for part_text, part_blocks in digest_thread_parts(built.content):
        client.chat_postMessage(
            channel=channel, thread_ts=ts, text=part_text, blocks=part_blocks, unfurl_links=False
        )
    client.files_upload_v2(
        file_uploads=files,
        channel=channel,
        thread_ts=ts,
        initial_comment="The full digest (Markdown) and the chart",
    )
    return channel, ts
