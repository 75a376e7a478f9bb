"""`consult-bot export`: consultations, comments, positions per organisation, amendments, audit."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.localslack import FakeSlack, SlackSender
from bot.services import Services
from tests.conftest import CHANNEL, eventually
from tests.slack.consultation_support import (
    AUTHOR,
    CATALONIA,
    COORDINATOR,
    LOMBARDY,
    answer,
    latest,
    propose,
    start,
    started,
)


def test_the_export_carries_consultations_positions_comments_and_amendments(
    slack: SlackSender, fake_slack: FakeSlack, consortium: Services, tmp_path: Path
) -> None:
    ref = propose(consortium)
    propose(consortium, title="Meeting places for cluster managers", text="Fund meeting places.")
    root = start(slack, fake_slack, ref)
    eventually(lambda: started(consortium, ref))
    answer(slack, fake_slack, root, CATALONIA, "agree")
    answer(slack, fake_slack, root, LOMBARDY, "block", "Conflicts with our programme.")
    answer(slack, fake_slack, root, AUTHOR, "agree_with_changes", "=cmd|' /C calc'!A0")
    kept, _ = slack.user_posts(CHANNEL, CATALONIA, "Good idea", root.ts)
    gone, _ = slack.user_posts(CHANNEL, LOMBARDY, "Deleted later", root.ts)
    slack.user_posts(CHANNEL, AUTHOR, "Thanks", root.ts)
    slack.user_deletes(CHANNEL, gone.ts)
    slack.click(root, CHANNEL, CATALONIA, "consultation_suggest")
    view_id = str(fake_slack.wait_for("views.open", count=4)[-1].response["view"]["id"])
    slack.submit_view(view_id, CATALONIA, {"wording": "A shorter wording.", "note": ""})
    eventually(lambda: latest(consortium, ref).comments == 2 and len(latest(consortium, ref).amendments) == 1)

    out = tmp_path / "export.json"
    consortium.export.write_json(out)
    document = json.loads(out.read_text(encoding="utf-8"))

    (consultation,) = document["consultations"]
    assert consultation["ref"] == ref and consultation["comments"] == 2
    assert consultation["status"] == "open" and consultation["version"] == 1
    assert consultation["permalink"].startswith("https://") and consultation["ts"] == root.ts
    positions = {p["organisation"]: p for p in consultation["positions"]}
    assert positions["Lombardy Region"]["position"] == "block"
    assert positions["Lombardy Region"]["reason"] == "Conflicts with our programme."
    assert positions["Lombardy Region"]["country"] == "IT"
    assert [a["text"] for a in consultation["amendments"]] == ["A shorter wording."]
    replies = {r["ts"]: r for r in consultation["replies"]}
    assert (
        replies[gone.ts]["deleted_at"] is not None and replies[kept.ts]["organisation"] == "ACCIÓ Catalonia"
    )
    recs = {r["ref"]: r for r in document["recommendations"]}
    assert recs[ref]["positions"] == {
        "agree": 1,
        "agree_with_changes": 1,
        "abstain": 0,
        "disagree": 0,
        "block": 1,
    }
    assert recs["R2"]["positions"] == dict.fromkeys(recs[ref]["positions"], 0)

    out_dir = tmp_path / "csv"
    consortium.export.write_csv(out_dir)
    tables = {p.stem for p in out_dir.glob("*.csv")}
    assert {"consultations", "comments", "positions", "amendments", "audit"} <= tables
    with (out_dir / "positions.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    pannon = next(r for r in rows if r["organisation"] == "Pannon Business Network")
    assert pannon["reason"].startswith("'=")  # a spreadsheet shows it, never runs it
    with (out_dir / "audit.csv").open(encoding="utf-8") as handle:
        audit = list(csv.DictReader(handle))
    assert [r["action"] for r in audit].count("position") == 3 and audit[0]["action"] == "started"
    assert {r["actor"] for r in audit} >= {COORDINATOR, CATALONIA}


def test_the_cli_export_exits_zero_with_consultations(
    consortium: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", consortium.settings.database_url)
    assert main(["export", "--format", "json", "--out", str(tmp_path / "e.json")]) == 0
    assert json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))["consultations"] == []
