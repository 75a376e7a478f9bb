"""The policy document's annex (Markdown, Word), the workbook and Pol.is's layout, read back as a
reader would: Markdown parsed by markdown-it-py, the .docx and .xlsx opened by their libraries."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from markdown_it import MarkdownIt
from markdown_it.token import Token
from openpyxl import load_workbook

from bot.cli import main
from bot.domain.consultations.inputs import OutcomeDraft
from bot.domain.consultations.kinds import Outcome
from bot.domain.polls.answers import Answer, Replacement
from bot.domain.polls.drafts import PollDraft
from bot.domain.polls.kinds import PollKind
from bot.localslack import FakeSlack, SlackSender
from bot.services import Services
from tests.conftest import CHANNEL, DEMO_DATA, eventually
from tests.slack.consultation_support import (
    AUTHOR,
    CATALONIA,
    COORDINATOR,
    LOMBARDY,
    answer,
    consultation_id,
    latest,
    propose,
    start,
    started,
)

FLANDERS = "U0BE00001"
TITLE = "R&D | *pilot* programme"
BLOCK_REASON = "Conflicts with our <b>programme</b> | see §2 & annex"
WITH_CHANGES = '=HYPERLINK("http://x.eu") shorter, please'
STATEMENT = "Endorsed at the Lyon meeting; = Lombardy's concern noted."


@pytest.fixture
def annexed(slack: SlackSender, fake_slack: FakeSlack, consortium: Services) -> Services:
    """An imported set with a validity review, and a consulted, closed recommendation."""
    imported = consortium.recommendations.import_csv(DEMO_DATA / "clusterix_2012_2014.csv")
    first = imported[0]
    review, _ = consortium.polls.create(
        PollDraft(
            question="Still valid?",
            kind=PollKind.VALIDITY,
            options=(f"{first.ref} · {first.title}",),
            option_refs=(first.number,),
        ),
        creator=COORDINATOR,
        channel_id=CHANNEL,
        submission_key="review",
        channel_members=[COORDINATOR, AUTHOR, CATALONIA, LOMBARDY, FLANDERS],
    )
    for user, verdict in ((AUTHOR, 0), (CATALONIA, 0), (LOMBARDY, 0), (FLANDERS, 2)):
        consortium.polls.answer(review.id, user, Replacement(Answer(ratings={0: verdict})), delivery=user)
    consortium.polls.close(review.id, COORDINATOR)

    ref = propose(consortium, title=TITLE)
    root = start(slack, fake_slack, ref)
    eventually(lambda: started(consortium, ref))
    answer(slack, fake_slack, root, CATALONIA, "agree")
    answer(slack, fake_slack, root, LOMBARDY, "block", BLOCK_REASON)
    answer(slack, fake_slack, root, FLANDERS, "disagree", "Too costly & slow")
    answer(slack, fake_slack, root, AUTHOR, "agree_with_changes", WITH_CHANGES)
    eventually(lambda: len(latest(consortium, ref).positions) == 4)
    draft = OutcomeDraft(Outcome.ENDORSED, STATEMENT)
    consortium.consultations.close(consultation_id(root), COORDINATOR, draft, submission_key="close")
    return consortium


def export(services: Services, fmt: str, out: Path) -> None:
    assert main(["export", "--format", fmt, "--out", str(out)]) == 0


@pytest.fixture(autouse=True)
def _cli_database(services: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("DATABASE_URL", services.settings.database_url)


def _inline_text(tokens: list[Token]) -> str:
    return "".join(child.content for t in tokens for child in (t.children or []) if child.type == "text")


def test_the_markdown_annex_is_correct_markdown_with_every_recommendation(
    annexed: Services, tmp_path: Path
) -> None:
    out = tmp_path / "annex.md"
    export(annexed, "markdown", out)
    tokens = MarkdownIt("commonmark").enable("table").parse(out.read_text(encoding="utf-8"))

    headings = [
        tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"
    ]
    refs = [r.ref for r in annexed.recommendations.all()]
    assert [h.split(":")[0] for h in headings] == refs
    consulted = refs[-1]
    heading = next(i for i, t in enumerate(tokens) if t.type == "inline" and t.content.startswith(consulted))
    assert _inline_text([tokens[heading]]) == f"{consulted}: {TITLE}"  # no emphasis, no table, no entity

    # Every table row has the header's number of cells, and people's words come back exactly.
    rows: list[list[str]] = []
    current: list[str] = []
    widths: list[int] = []
    for index, token in enumerate(tokens):
        if token.type == "tr_open":
            current = []
        elif token.type in ("th_open", "td_open"):
            current.append(_inline_text([tokens[index + 1]]))
        elif token.type == "tr_close":
            rows.append(current)
            widths.append(len(current))
    assert rows and all(width in (2, 5) for width in widths)
    by_org = {row[0]: row for row in rows if len(row) == 5}
    assert by_org["Lombardy Region"][3:] == ["Block", BLOCK_REASON]
    assert by_org["Flanders Innovation & Entrepreneurship"][1:] == [
        "BE",
        "Flanders",
        "Disagree",
        "Too costly & slow",
    ]
    assert by_org["ACCIÓ Catalonia"][3] == "Agree"
    assert by_org["Pannon Business Network"][3:] == ["Agree with changes", WITH_CHANGES]  # as written
    facts = {row[0]: row[1] for row in rows if len(row) == 2}
    assert facts["Validity review"] == "Still valid (75 % of 4): keep"
    text = out.read_text(encoding="utf-8")
    assert "Outcome: endorsed" in text and "Support 67 %" not in text
    paragraphs = [_inline_text([t]) for t in tokens if t.type == "inline"]
    assert any(p.endswith(STATEMENT) and p.startswith("Outcome: endorsed.") for p in paragraphs)
    assert any(p.startswith("Positions. Agree: 1, Agree with changes: 1, Abstain: 0") for p in paragraphs)
    assert any(p.startswith("Consensus. Support 50 %") for p in paragraphs)


def test_the_word_annex_has_a_heading_and_a_table_of_positions_per_recommendation(
    annexed: Services, tmp_path: Path
) -> None:
    out = tmp_path / "annex.docx"
    export(annexed, "docx", out)
    document = Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    refs = [r.ref for r in annexed.recommendations.all()]
    assert [h.split(":")[0] for h in headings] == refs and headings[-1] == f"{refs[-1]}: {TITLE}"
    position_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Organisation"]
    (positions,) = position_tables
    cells = {row.cells[0].text: [c.text for c in row.cells] for row in positions.rows[1:]}
    assert cells["Lombardy Region"] == ["Lombardy Region", "IT", "Lombardy", "Block", BLOCK_REASON]
    assert len(cells) == 4
    assert any(p.text == f"Outcome: endorsed. {STATEMENT}" for p in document.paragraphs)


def test_the_workbook_has_a_sheet_per_table_with_typed_formula_safe_cells(
    annexed: Services, tmp_path: Path
) -> None:
    out = tmp_path / "export.xlsx"
    export(annexed, "xlsx", out)
    csv_dir = tmp_path / "csv"
    export(annexed, "csv", csv_dir)
    workbook = load_workbook(out)
    assert set(workbook.sheetnames) == {p.stem for p in csv_dir.glob("*.csv")}
    recs = workbook["recommendations"]
    header = [c.value for c in recs[1]]
    assert header[:3] == ["ref", "title", "text"]
    column = {name: index for index, name in enumerate(header)}
    last = [c.value for c in recs[recs.max_row]]
    assert last[column["title"]] == TITLE and last[column["version"]] == 1
    assert isinstance(last[column["created_at"]], datetime)
    assert last[column["positions_block"]] == 1
    positions = workbook["positions"]
    p_header = [c.value for c in positions[1]]
    rows = [
        dict(zip(p_header, (c.value for c in row), strict=True)) for row in positions.iter_rows(min_row=2)
    ]
    pannon = next(r for r in rows if r["organisation"] == "Pannon Business Network")
    assert pannon["reason"] == "'" + WITH_CHANGES and isinstance(pannon["set_at"], datetime)
    consultations = workbook["consultations"]
    c_header = [c.value for c in consultations[1]]
    row = dict(zip(c_header, (c.value for c in consultations[2]), strict=True))
    assert row["outcome_statement"] == STATEMENT and row["version"] == 1
    # Text that a spreadsheet would run is stored as text, as in the CSV.
    assert all(c.data_type != "f" for sheet in workbook for r in sheet.iter_rows() for c in r)


def test_the_polis_layout_matches_polis_columns_and_votes(annexed: Services, tmp_path: Path) -> None:
    out = tmp_path / "polis"
    export(annexed, "polis", out)
    assert {p.name for p in out.iterdir()} == {"comments.csv", "votes.csv", "participants-votes.csv"}
    with (out / "comments.csv").open(encoding="utf-8") as handle:
        (comment,) = list(csv.DictReader(handle))
    consulted = annexed.recommendations.all()[-1]
    assert list(comment) == [
        "timestamp",
        "datetime",
        "comment-id",
        "author-id",
        "agrees",
        "disagrees",
        "moderated",
        "comment-body",
    ]
    assert comment["comment-id"] == str(consulted.number) and comment["comment-body"] == consulted.text
    assert (comment["agrees"], comment["disagrees"], comment["moderated"]) == ("2", "2", "1")
    with (out / "votes.csv").open(encoding="utf-8") as handle:
        votes = list(csv.DictReader(handle))
    assert list(votes[0]) == ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
    assert sorted(v["vote"] for v in votes) == ["-1", "-1", "1", "1"]
    with (out / "participants-votes.csv").open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        participants = list(reader)
    assert header == [
        "participant",
        "group-id",
        "n-comments",
        "n-votes",
        "n-agree",
        "n-disagree",
        str(consulted.number),
    ]
    assert len(participants) == 4  # one per organisation with a position (the author's among them)
    author_pid = int(comment["author-id"])
    author_row = next(p for p in participants if int(p[0]) == author_pid)
    assert author_row[2:] == ["1", "1", "1", "0", "1"]
    assert sorted(p[-1] for p in participants) == ["-1", "-1", "1", "1"]


@pytest.mark.parametrize("fmt", ["markdown", "docx", "xlsx", "json"])
def test_an_export_to_a_path_that_cannot_be_written_says_so_and_writes_nothing(
    consortium: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where the export wanted a folder", encoding="utf-8")
    assert main(["export", "--format", fmt, "--out", str(blocker / "annex.out")]) == 1
    assert main(["export", "--format", fmt, "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"cannot write the export to {blocker / 'annex.out'}: {blocker} is not a folder" in err
    assert "it is a folder; give a file name" in err and "nothing was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
