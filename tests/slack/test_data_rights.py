"""Data rights through the CLI: a person's data, erasure, the retention period and the audit log."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.domain.consultations.inputs import OutcomeDraft
from bot.domain.consultations.kinds import Outcome
from bot.domain.periods import current_period
from bot.domain.polls.answers import Answer, Replacement
from bot.domain.polls.drafts import PollDraft
from bot.domain.polls.kinds import PollKind
from bot.jobs.retention import RETENTION_JOB, apply_retention, register
from bot.localslack import FakeSlack, Message, SlackSender
from bot.scheduler import BotScheduler
from bot.services import Services
from bot.services.data_rights import ERASED_MARKER, FORMER_MEMBER, RETENTION_MARKER, DataRightsService
from tests.conftest import CHANNEL, eventually
from tests.slack.consultation_support import (
    CATALONIA,
    COORDINATOR,
    LOMBARDY,
    OUTSIDER,
    answer,
    consultation_id,
    latest,
    propose,
    start,
    started,
)

NAME = "Giulia Rossi"
COMMENT = "Our regional law 12/2019 forbids this."
POLL_REASON = "Our budget is already committed."
BLOCK_REASON = "Conflicts with our programme."


@pytest.fixture
def discussed(
    slack: SlackSender,
    fake_slack: FakeSlack,
    consortium: Services,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> tuple[Services, str, Message]:
    """Lombardy has a Block with its reason, a comment with a file and an attributed poll answer."""
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("DATABASE_URL", consortium.settings.database_url)
    ref = propose(consortium)
    root = start(slack, fake_slack, ref)
    eventually(lambda: started(consortium, ref))
    answer(slack, fake_slack, root, CATALONIA, "agree")
    answer(slack, fake_slack, root, LOMBARDY, "block", BLOCK_REASON)
    slack.user_posts(CHANNEL, LOMBARDY, COMMENT, root.ts, files=["law-12-2019.pdf"])
    slack.user_posts(CHANNEL, CATALONIA, "We can live with it.", root.ts)
    eventually(lambda: latest(consortium, ref).comments == 2)
    poll, _ = consortium.polls.create(
        PollDraft(question="Which budget line?", kind=PollKind.SINGLE, options=("ERDF", "National")),
        creator=COORDINATOR,
        channel_id=CHANNEL,
        submission_key="budget",
        channel_members=[COORDINATOR, CATALONIA, LOMBARDY],
    )
    consortium.polls.answer(
        poll.id, LOMBARDY, Replacement(Answer((1,), reasons={-1: POLL_REASON})), delivery="1"
    )
    consortium.polls.answer(poll.id, CATALONIA, Replacement(Answer((0,))), delivery="2")
    return consortium, ref, root


def figures(document: dict[str, Any]) -> dict[str, Any]:
    """What erasure must leave as it was: positions, consensus, poll tallies and comment counts."""
    return {
        "recommendations": [
            (r["ref"], r["positions"], r.get("consensus")) for r in document["recommendations"]
        ],
        "polls": [
            (p["ref"], p["respondents"], [o["votes"] for o in p["options"]]) for p in document["polls"]
        ],
        "consultations": [
            (
                c["ref"],
                c["comments"],
                [(p["organisation"], p["position"], p["reason"]) for p in c["positions"]],
            )
            for c in document["consultations"]
        ],
    }


def test_erasing_a_person_keeps_every_figure_and_removes_their_name_and_words(
    discussed: tuple[Services, str, Message], capsys: pytest.CaptureFixture[str]
) -> None:
    services, _, _ = discussed
    before = services.export.collect().document
    assert NAME in json.dumps(before, ensure_ascii=False)

    assert main(["partners", "erase", LOMBARDY]) == 0
    assert "erased as erased-" in capsys.readouterr().out

    after = services.export.collect().document
    assert figures(after) == figures(before)
    text = json.dumps(after, ensure_ascii=False)
    for trace in (NAME, LOMBARDY, COMMENT, POLL_REASON, "law-12-2019.pdf"):
        assert trace not in text
    (consultation,) = after["consultations"]
    erased = next(r for r in consultation["replies"] if r["organisation"] == "Lombardy Region")
    assert (
        erased["text"] == ERASED_MARKER
        and erased["files"] == []
        and erased["author_name"] == "Erased partner"
    )
    lombardy = next(p for p in consultation["positions"] if p["organisation"] == "Lombardy Region")
    assert lombardy["position"] == "block" and lombardy["reason"] == BLOCK_REASON  # the organisation's
    now = datetime.now(UTC)
    settings = services.settings
    digest = services.digest.preview(current_period(settings.digest_cron, settings.timezone, now), now)
    assert NAME not in digest.markdown and COMMENT not in digest.markdown
    assert LOMBARDY not in {p.slack_user_id for p in services.partners.all()}
    assert main(["audit"]) == 0
    audit = capsys.readouterr().out
    assert " erase " in audit and "1 comments" in audit and NAME not in audit and LOMBARDY not in audit


def test_erasing_an_unknown_id_changes_nothing_and_exits_non_zero(
    discussed: tuple[Services, str, Message], capsys: pytest.CaptureFixture[str]
) -> None:
    services, _, _ = discussed
    before = services.export.collect().document
    assert main(["partners", "erase", "U0NOBODY1"]) == 1
    assert (
        "no partner or comment author with the Slack id U0NOBODY1; nothing was changed"
        in capsys.readouterr().err
    )
    after = services.export.collect().document
    assert {k: v for k, v in after.items() if k != "generated_at"} == {
        k: v for k, v in before.items() if k != "generated_at"
    }
    assert not any(e.action == "erase" for e in services.audit.entries())


def test_export_data_holds_everything_stored_about_the_person(
    discussed: tuple[Services, str, Message], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    services, ref, _ = discussed
    out = tmp_path / "giulia.json"
    assert main(["partners", "export-data", LOMBARDY, "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["slack_user_id"] == LOMBARDY and data["partner"]["name"] == NAME
    assert data["partner"]["organisation"] == "Lombardy Region" and data["partner"]["country"] == "IT"
    assert [(c["ref"], c["text"]) for c in data["comments"]] == [(ref, COMMENT)]
    assert data["comments"][0]["files"][0]["name"] == "law-12-2019.pdf"
    assert [(p["ref"], p["position"], p["reason"]) for p in data["positions"]] == [
        (ref, "block", BLOCK_REASON)
    ]
    (poll_answer,) = data["poll_answers"]
    assert poll_answer["poll"] == "P1" and poll_answer["choices"] == ["National"]
    assert poll_answer["reasons"] == {"the answer as a whole": POLL_REASON}
    assert main(["partners", "export-data", "U0NOBODY1", "--out", str(tmp_path / "x.json")]) == 1
    assert not (tmp_path / "x.json").exists()
    assert [e.action for e in services.audit.entries() if e.action.startswith("export")] == [
        "export personal data"
    ]


def test_the_retention_period_erases_what_closed_longer_ago_and_keeps_the_figures(
    discussed: tuple[Services, str, Message],
) -> None:
    services, _, root = discussed
    services.consultations.close(
        consultation_id(root), COORDINATOR, OutcomeDraft(Outcome.ENDORSED, "Agreed."), submission_key="close"
    )
    services.polls.close(1, COORDINATOR)
    before = services.export.collect()
    assert DataRightsService(services.db, None).apply_retention().changed is False  # unset: keep

    retention = DataRightsService(services.db, 30)
    assert retention.apply_retention(datetime.now(UTC) + timedelta(days=29)).changed is False
    report = retention.apply_retention(datetime.now(UTC) + timedelta(days=31))
    assert (report.comments, report.files, report.answers, report.reasons, report.positions) == (
        2,
        1,
        2,
        1,
        2,
    )
    after = services.export.collect()
    assert figures(after.document) == figures(before.document)
    (consultation,) = after.document["consultations"]
    assert {r["text"] for r in consultation["replies"]} == {RETENTION_MARKER}
    assert {p["set_by_name"] for p in consultation["positions"]} == {FORMER_MEMBER}
    assert LOMBARDY not in {p["set_by"] for p in consultation["positions"]}
    assert after.tables["poll_answers"] == []  # no answer is linked to its voter any more
    assert COMMENT not in json.dumps(after.document) and POLL_REASON not in json.dumps(after.document)
    assert retention.apply_retention(datetime.now(UTC) + timedelta(days=32)).changed is False  # once
    assert [e.action for e in services.audit.entries()].count("retention") == 1


def test_the_daily_job_applies_the_retention_period_only_when_one_is_set(
    discussed: tuple[Services, str, Message],
) -> None:
    services, _, root = discussed
    draft = OutcomeDraft(Outcome.WITHDRAWN, "Dropped.")
    services.consultations.close(consultation_id(root), COORDINATOR, draft, submission_key="close")
    keeping = BotScheduler(services.settings.timezone)
    register(keeping, services)
    assert RETENTION_JOB not in keeping.job_names()  # DATA_RETENTION_DAYS unset: everything is kept

    retained = replace(
        services,
        settings=services.settings.model_copy(update={"data_retention_days": 7}),
        data_rights=DataRightsService(services.db, 7),
    )
    scheduler = BotScheduler(services.settings.timezone)
    register(scheduler, retained)
    assert RETENTION_JOB in scheduler.job_names()
    assert apply_retention(retained, datetime.now(UTC) + timedelta(days=8)).comments == 2
    assert COMMENT not in json.dumps(services.export.collect().document)


def test_the_comments_of_someone_who_is_not_a_partner_can_be_erased(
    discussed: tuple[Services, str, Message], slack: SlackSender, capsys: pytest.CaptureFixture[str]
) -> None:
    services, ref, root = discussed
    slack.user_posts(CHANNEL, OUTSIDER, "A visitor's opinion.", root.ts)
    eventually(lambda: latest(services, ref).comments == 3)
    assert main(["partners", "erase", OUTSIDER]) == 0
    document = json.loads(json.dumps(services.export.collect().document))
    assert "A visitor's opinion." not in json.dumps(document) and OUTSIDER not in json.dumps(document)
    assert document["consultations"][0]["comments"] == 3


def test_the_audit_log_records_a_coordinators_poll_actions_once(
    discussed: tuple[Services, str, Message], capsys: pytest.CaptureFixture[str]
) -> None:
    services, _, _ = discussed
    assert services.polls.remind_now(1, COORDINATOR, delivery="click-1") is not None
    assert services.polls.remind_now(1, COORDINATOR, delivery="click-1") is None  # a retried click
    services.polls.close(1, COORDINATOR)
    services.polls.close(1, COORDINATOR)  # already closed: nothing happens, nothing is logged
    assert main(["audit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sum("remind poll" in line and "P1" in line and COORDINATOR in line for line in lines) == 1
    assert sum("close poll" in line and "P1" in line for line in lines) == 1


def test_the_audit_log_prints_coordinator_actions_since_a_day(
    discussed: tuple[Services, str, Message], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit"]) == 0
    out = capsys.readouterr().out
    assert "consultation started" in out and "consultation position" not in out
    assert main(["audit", "--since", (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")]) == 0
    assert "no entries since" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["audit", "--since", "yesterday"])
    assert "is not a date: write it as YYYY-MM-DD" in capsys.readouterr().err
