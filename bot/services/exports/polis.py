"""Consultations in Pol.is's export layout, for tools built on it (sensemaking-tools, Talk to the City).

Pol.is's report export (server/src/routes/export.ts) writes `comments.csv` (timestamp, datetime,
comment-id, author-id, agrees, disagrees, moderated, comment-body), `votes.csv` (timestamp, datetime,
comment-id, voter-id, vote) and `participants-votes.csv` (participant, group-id, n-comments, n-votes,
n-agree, n-disagree, then one column per comment id: 1, -1, 0, or empty for no vote).

Here a comment is a recommendation in consultation (its id is the recommendation's number), a
participant is an organisation, and a vote is its position: agree and agree with changes 1,
disagree and block -1, abstain 0. Group ids are left empty: no opinion clustering is computed.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.domain.recommendations import parse_ref
from bot.services.exports.annex import latest_consultations
from bot.services.exports.tables import neutralise_cell

VOTE = {"agree": 1, "agree_with_changes": 1, "abstain": 0, "disagree": -1, "block": -1}
# An imported recommendation has no author among the participants.
NO_AUTHOR = -1
COMMENT_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
VOTE_COLUMNS = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
PARTICIPANT_COLUMNS = ("participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")


@dataclass(frozen=True)
class PolisVote:
    at: datetime
    comment: int
    voter: int
    vote: int


def write_polis(document: Mapping[str, Any], folder: Path) -> list[Path]:
    consultations = latest_consultations(document.get("consultations", []))
    recs = [r for r in document.get("recommendations", []) if r["ref"] in consultations]
    authors = {r["ref"]: (r.get("proposer") or {}).get("organisation") for r in recs}
    organisations = sorted(
        {p["organisation"] for c in consultations.values() for p in c.get("positions", [])}
        | {org for org in authors.values() if org},
        key=str.casefold,
    )
    pid = {org: index for index, org in enumerate(organisations)}
    votes = sorted(
        (
            PolisVote(_moment(p["set_at"]), _tid(ref), pid[p["organisation"]], VOTE[p["position"]])
            for ref, consultation in consultations.items()
            for p in consultation.get("positions", [])
        ),
        key=lambda v: (v.comment, v.voter),
    )
    comment_rows = [
        _comment_row(rec, consultations[rec["ref"]], pid.get(authors[rec["ref"]] or "", NO_AUTHOR), votes)
        for rec in sorted(recs, key=lambda r: _tid(r["ref"]))
    ]
    return [
        _write(folder / "comments.csv", COMMENT_COLUMNS, comment_rows),
        _write(
            folder / "votes.csv",
            VOTE_COLUMNS,
            [[_epoch(v.at), _js_datetime(v.at), v.comment, v.voter, v.vote] for v in votes],
        ),
        _write(
            folder / "participants-votes.csv",
            (*PARTICIPANT_COLUMNS, *(str(_tid(r["ref"])) for r in recs)),
            _participant_rows(organisations, authors, votes, [_tid(r["ref"]) for r in recs]),
        ),
    ]


def _comment_row(
    rec: Mapping[str, Any], consultation: Mapping[str, Any], author: int, votes: Sequence[PolisVote]
) -> list[object]:
    tid = _tid(rec["ref"])
    opened = _moment(consultation["opened_at"])
    mine = [v.vote for v in votes if v.comment == tid]
    return [
        _epoch(opened),
        _js_datetime(opened),
        tid,
        author,
        mine.count(1),
        mine.count(-1),
        1,  # moderated in: every recommendation put to consultation is a statement to vote on
        neutralise_cell(" ".join(str(rec["text"]).split())),
    ]


def _participant_rows(
    organisations: Sequence[str],
    authors: Mapping[str, str | None],
    votes: Sequence[PolisVote],
    comment_ids: Sequence[int],
) -> list[list[object]]:
    rows: list[list[object]] = []
    for index, organisation in enumerate(organisations):
        mine = {v.comment: v.vote for v in votes if v.voter == index}
        rows.append(
            [
                index,
                "",
                sum(1 for org in authors.values() if org == organisation),
                len(mine),
                sum(1 for vote in mine.values() if vote == 1),
                sum(1 for vote in mine.values() if vote == -1),
                *(mine.get(tid, "") for tid in comment_ids),
            ]
        )
    return rows


def _write(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _tid(ref: str) -> int:
    number = parse_ref(ref)
    assert number is not None, ref
    return number


def _moment(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _js_datetime(moment: datetime) -> str:
    """As Pol.is writes it (JavaScript's Date.toString), in UTC."""
    return moment.astimezone(UTC).strftime("%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)")
