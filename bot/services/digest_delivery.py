"""Sending a digest: to every coordinator (and optionally a channel), each exactly once.

Every recipient is claimed in the database before anything is posted, so a second process, a
second fire of the job or a second `--send` finds the claim and sends nothing. A recipient whose
send fails is released, so the next run (the scheduled job retries) tries again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.config import Settings
from bot.domain.clock import utcnow
from bot.services.digest import BuiltDigest, DigestService
from bot.services.partners import PartnerService
from bot.services.ports import Attachment, DeliveryFailed, DigestNotices

log = logging.getLogger("consult_bot.digest")


@dataclass
class DeliveryReport:
    digest: BuiltDigest
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every recipient has the digest (now or before)."""
        return not self.failed

    def describe(self) -> str:
        parts = [f"sent to {len(self.sent)}"]
        if self.already_sent:
            parts.append(f"already sent to {len(self.already_sent)}")
        if self.failed:
            parts.append("failed for " + ", ".join(f"{who} ({why})" for who, why in self.failed))
        return "; ".join(parts)


class DigestDelivery:
    def __init__(
        self, settings: Settings, partners: PartnerService, digest: DigestService, notices: DigestNotices
    ) -> None:
        self.settings = settings
        self.partners = partners
        self.digest = digest
        self.notices = notices

    def recipients(self) -> list[str]:
        recipients = [c.slack_user_id for c in self.partners.coordinators()]
        if self.settings.digest_channel:
            recipients.append(self.settings.digest_channel)
        return recipients

    def deliver(self, built: BuiltDigest) -> DeliveryReport:
        assert built.digest_id is not None, "only a stored digest is delivered"
        report = DeliveryReport(built)
        recipients = self.recipients()
        if not recipients:
            log.warning(
                "the digest has no recipient: no coordinator is registered and DIGEST_CHANNEL is not set"
            )
        files = attachments(built)
        for recipient in recipients:
            if not self.digest.claim_delivery(built.digest_id, recipient):
                report.already_sent.append(recipient)
                continue
            try:
                channel, ts = self.notices.deliver_digest(recipient, built.content, files)
            except DeliveryFailed as failure:
                self.digest.release_delivery(built.digest_id, recipient)
                report.failed.append((recipient, failure.error))
                log.warning("the digest could not be sent to %s: %s", recipient, failure)
                continue
            self.digest.delivered(built.digest_id, recipient, channel, ts, utcnow())
            report.sent.append(recipient)
        return report


def attachments(built: BuiltDigest) -> list[Attachment]:
    """The digest's Markdown, and its chart when there is one to draw."""
    from bot.services.charts import digest_chart  # matplotlib loads only when a digest is sent

    key = built.content.period_key[:10]
    files = [Attachment(f"consensus-digest-{key}.md", f"Consensus digest {key}", built.markdown)]
    chart = digest_chart(built.content)
    if chart:
        files.append(Attachment(f"consensus-chart-{key}.png", "Support by country", chart))
    return files
