"""Demo scene of the exports: the policy document's annex, and a partner's own data."""

from __future__ import annotations

import json

from bot.demo import COORDINATOR, Stage
from bot.services.exports import ExportFormat

_ANNEX_FILES = {
    ExportFormat.MARKDOWN: "annex.md",
    ExportFormat.DOCX: "annex.docx",
    ExportFormat.XLSX: "export.xlsx",
}
_PARTNER = "U0IT00001"  # Giulia Rossi, Lombardy Region


def annex(stage: Stage) -> None:
    """The annex of the joint policy document: Markdown, Word and the workbook"""
    for fmt, name in _ANNEX_FILES.items():
        path = stage.out / name
        stage.services.export.write(fmt, path)
        print(f"    consult-bot export --format {fmt.value} --out {path}")
    stage.say("Simone types  /recs export docx  and gets the Word annex in her direct messages")
    uploads = len(stage.fake.calls("files.completeUploadExternal"))
    stage.slack.slash("/recs", "export docx", user=COORDINATOR, channel="C0POLICY")
    stage.fake.wait_for("files.completeUploadExternal", count=uploads + 1)
    uploaded = [f.name for f in stage.fake.files() if f.name.startswith("consult-bot-docx-")]
    print(f"    in her DM: {', '.join(uploaded)}")


def own_data(stage: Stage) -> None:
    """A partner asks for everything the bot holds about her (/privacy)"""
    stage.say("Giulia types  /privacy")
    uploads = len(stage.fake.calls("files.completeUploadExternal"))
    stage.slack.slash("/privacy", "", user=_PARTNER, channel="C0POLICY")
    stage.fake.wait_for("files.completeUploadExternal", count=uploads + 1)
    (stored,) = [f for f in stage.fake.files() if f.name == f"personal-data-{_PARTNER}.json"]
    data = json.loads(stored.content or b"{}")
    print(
        "    in her DM: "
        + stored.name
        + ": "
        + ", ".join(f"{len(v)} {k}" for k, v in data.items() if isinstance(v, list))
    )


SCENES = [annex, own_data]
