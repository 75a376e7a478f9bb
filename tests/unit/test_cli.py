"""The command line: imports (all or nothing), listing and export, as INTERFACE.md gives them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.services import Services
from tests.conftest import DEMO_DATA

PARTNER_HEADER = "slack_user_id,name,organisation,region,country,role\n"


@pytest.fixture
def cli_env(db: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Services:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("DATABASE_URL", db.db.url)
    return db


def run(*args: str | Path) -> int:
    return main([str(a) for a in args])


def test_partners_import_upserts_and_lists(
    cli_env: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("partners", "import", DEMO_DATA / "partners.csv") == 0
    assert "11 partners added" in capsys.readouterr().out
    changed = tmp_path / "changed.csv"
    changed.write_text(
        PARTNER_HEADER
        + "U0HU00001,Zsófia Kovács-Szabó,Pannon Business Network,Western Transdanubia,HU,coordinator\n"
    )
    assert run("partners", "import", changed) == 0
    assert "0 partners added, 1 updated" in capsys.readouterr().out
    assert run("partners", "list") == 0
    listing = capsys.readouterr().out
    assert "Zsófia Kovács-Szabó" in listing and "coordinator" in listing and len(listing.splitlines()) == 12


@pytest.mark.parametrize(
    ("row", "line", "column"),
    [
        ("U0XX00001,Ann,Org,Region,Austria,partner", 3, "country"),
        ("not-an-id,Ann,Org,Region,AT,partner", 3, "slack_user_id"),
        ("U0XX00001,,Org,Region,AT,partner", 3, "name"),
        ("U0XX00001,Ann,Org,Region,AT,boss", 3, "role"),
        ("U0ES00001,Ann,ACCIÓ Catalonia,Madrid,ES,partner", 3, "slack_user_id"),
    ],
)
def test_a_bad_partner_row_names_line_and_column_and_imports_nothing(
    cli_env: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, line: int, column: str
) -> None:
    path = tmp_path / "partners.csv"
    path.write_text(
        PARTNER_HEADER + "U0ES00001,Laia Puig,ACCIÓ Catalonia,Catalonia,ES,partner\n" + row + "\n"
    )
    assert run("partners", "import", path) == 1
    err = capsys.readouterr().err
    assert f"line {line}, column '{column}'" in err and "Nothing was imported" in err
    assert cli_env.partners.all() == []


def test_an_organisation_in_two_regions_is_refused(
    cli_env: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "partners.csv"
    path.write_text(
        PARTNER_HEADER
        + "U0ES00001,Laia Puig,ACCIÓ Catalonia,Catalonia,ES,partner\n"
        + "U0ES00002,Jordi Vila,ACCIÓ Catalonia,Valencia,ES,partner\n"
    )
    assert run("partners", "import", path) == 1
    assert "line 3, column 'region'" in capsys.readouterr().err


def test_recs_import_gives_references_and_refuses_bad_files_whole(
    cli_env: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("recs", "import", DEMO_DATA / "clusterix_2012_2014.csv") == 0
    assert "4 recommendations imported as R1 to R4" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "title,text,rationale,themes,level,origin\nGood,Text,,a;b,eu,OLD\nBad,Text,,,planetary,OLD\n"
    )
    assert run("recs", "import", bad) == 1
    err = capsys.readouterr().err
    assert "line 3, column 'level'" in err and "'planetary'" in err
    assert [r.ref for r in cli_env.recommendations.all()] == ["R1", "R2", "R3", "R4"]
    rec = cli_env.recommendations.get("R1")
    assert rec.origin == "CLUSTERIX 2012-2014" and rec.status.value == "imported"
    assert rec.themes == ("internationalisation", "value chains")


def test_a_missing_header_column_is_named(
    cli_env: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("title,text\nA,B\n")
    assert run("recs", "import", bad) == 1
    assert "line 1, column 'level'" in capsys.readouterr().err


def test_export_json_and_csv(cli_env: Services, tmp_path: Path) -> None:
    cli_env.partners.import_csv(DEMO_DATA / "partners.csv")
    formula = tmp_path / "formula.csv"
    formula.write_text('title,text,rationale,themes,level,origin\n=HYPERLINK("x"),@SUM(A1),+1,-2,eu,OLD\n')
    run("recs", "import", formula)
    assert run("export", "--format", "json", "--out", tmp_path / "out.json") == 0
    document = json.loads((tmp_path / "out.json").read_text())
    assert document["recommendations"][0]["ref"] == "R1"
    assert document["recommendations"][0]["title"] == '=HYPERLINK("x")'  # JSON keeps the words as typed
    assert document["recommendations"][0]["status"] == "imported"
    assert document["polls"] == [] and document["consultations"] == []

    assert run("export", "--format", "csv", "--out", tmp_path / "csv") == 0
    with (tmp_path / "csv" / "recommendations.csv").open() as handle:
        row = next(csv.DictReader(handle))
    assert row["title"] == '\'=HYPERLINK("x")' and row["text"] == "'@SUM(A1)"
    assert row["rationale"] == "'+1" and row["themes"] == "'-2"
    assert (tmp_path / "csv" / "partners.csv").read_text().count("\n") == 12


def test_run_without_a_token_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert run("run") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "SLACK_BOT_TOKEN is not set" in err and "Traceback" not in err
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert run("run") == 2
    assert "SLACK_SIGNING_SECRET is not set" in capsys.readouterr().err


def test_a_malformed_setting_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PORT", "eighty")
    assert run("partners", "list") == 2
    err = capsys.readouterr().err
    assert "PORT" in err and err.count("\n") == 1


def test_a_missing_file_and_an_unreachable_slack_are_one_clear_line(
    cli_env: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("partners", "import", "/no/such/partners.csv") == 1
    assert capsys.readouterr().err.strip() == (
        "consult-bot: there is no file /no/such/partners.csv; check the path and try again."
    )
    cli_env.partners.import_csv(DEMO_DATA / "partners.csv")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")  # nothing listens on port 9
    assert run("digest", "--send") == 1
    err = capsys.readouterr().err
    assert "cannot reach Slack at SLACK_API_URL" in err and "Traceback" not in err
