"""The consultations' part of `consult-bot export` (INTERFACE.md): JSON and the CSV tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.consultations.views import (
    AmendmentView,
    CommentView,
    ConsultationView,
    PositionView,
    position_counts,
)
from bot.services.consultations import ConsultationService
from bot.services.consultations.reads import ExportRows
from bot.services.exports.collect import Contributor, ExportData
from bot.services.exports.tables import Row


def consultation_contributor(service: ConsultationService) -> Contributor:
    def contribute(data: ExportData) -> None:
        add_consultations(data, service.export_rows())

    return contribute


def add_consultations(data: ExportData, rows: ExportRows) -> None:
    comments_by_consultation: dict[int, list[CommentView]] = {}
    for view in rows.consultations:
        comments_by_consultation[view.id] = [
            c for c in rows.comments if (c.channel_id, c.thread_ts) == (view.channel_id, view.message_ts)
        ]
    data.document["consultations"] = [
        _consultation(view, comments_by_consultation[view.id]) for view in rows.consultations
    ]
    _add_recommendation_positions(data, rows)
    data.tables["consultations"] = [_consultation_row(view) for view in rows.consultations]
    data.tables["comments"] = [_comment(c) | {"files": _files_cell(c)} for c in rows.comments]
    data.tables["positions"] = [
        {"ref": view.ref, "consultation_version": view.version} | _position(p)
        for view in rows.consultations
        for p in view.positions
    ]
    data.tables["amendments"] = [
        {"ref": view.ref} | _amendment(a) for view in rows.consultations for a in view.amendments
    ]
    data.tables["audit"] = [
        {
            "ref": e.ref,
            "at": _iso(e.at),
            "actor": e.actor,
            "action": e.action,
            "organisation": e.organisation,
            "detail": e.detail,
        }
        for e in rows.audit
    ]


def _add_recommendation_positions(data: ExportData, rows: ExportRows) -> None:
    """Each recommendation's `positions`: organisations per position in its latest consultation."""
    by_id = {view.id: view for view in rows.consultations}
    counts = {ref: position_counts(by_id[cid].positions) for ref, cid in rows.latest.items() if cid in by_id}
    empty = position_counts([])
    for rec in data.document.get("recommendations", []):
        rec["positions"] = counts.get(rec["ref"], empty)
    for row in data.tables.get("recommendations", []):
        for key, value in counts.get(row["ref"], empty).items():
            row[f"positions_{key}"] = value


def _consultation(view: ConsultationView, comments: list[CommentView]) -> Row:
    return {
        "id": view.id,
        "ref": view.ref,
        "title": view.title,
        "status": view.status.value,
        "recommendation_status": view.recommendation_status.value,
        "version": view.version,
        "comments": view.comments,
        "channel": view.channel_id,
        "ts": view.message_ts,
        "permalink": view.permalink,
        "deadline": _iso(view.deadline),
        "opened_at": _iso(view.opened_at),
        "started_by": view.started_by,
        "closed_at": _iso(view.closed_at),
        "outcome": view.outcome.value if view.outcome else None,
        "outcome_statement": view.outcome_statement,
        "outcome_by": view.outcome_by,
        "position_counts": view.counts(),
        "positions": [_position(p) for p in view.positions],
        "without_position": view.without_position(),
        "amendments": [_amendment(a) for a in view.amendments],
        "replies": [_comment(c) | {"files": [vars(f) for f in c.files]} for c in comments],
    }


def _consultation_row(view: ConsultationView) -> Row:
    row = {k: v for k, v in _consultation(view, []).items() if not isinstance(v, list | dict)}
    row.update({f"positions_{key}": value for key, value in view.counts().items()})
    row["without_position"] = "; ".join(view.without_position())
    return row


def _position(p: PositionView) -> Row:
    return {
        "organisation": p.organisation,
        "region": p.region,
        "country": p.country,
        "position": p.position.value,
        "label": p.position.label,
        "reason": p.reason,
        "version": p.version,
        "about_old_version": p.about_old_version,
        "set_by": p.set_by,
        "set_by_name": p.set_by_name,
        "set_at": _iso(p.set_at),
        "recorded_by_coordinator": p.recorded_on_behalf,
        "source": p.source,
    }


def _amendment(a: AmendmentView) -> Row:
    return {
        "id": a.id,
        "version": a.version,
        "author": a.author,
        "author_name": a.author_name,
        "organisation": a.organisation,
        "text": a.text,
        "note": a.note,
        "created_at": _iso(a.created_at),
        "adopted_in_version": a.adopted_in_version,
    }


def _comment(c: CommentView) -> Row:
    return {
        "ref": c.ref,
        "id": c.id,
        "ts": c.ts,
        "author": c.author,
        "author_name": c.author_name,
        "organisation": c.organisation,
        "region": c.region,
        "country": c.country,
        "text": c.text,
        "permalink": c.permalink,
        "posted_at": _iso(c.posted_at),
        "edited_at": _iso(c.edited_at),
        "deleted_at": _iso(c.deleted_at),
    }


def _files_cell(c: CommentView) -> str:
    return "; ".join(f"{f.name} <{f.permalink}>" for f in c.files)


def _iso(moment: datetime | None) -> Any:
    return moment.isoformat(timespec="seconds") if moment else None
