"""Common-wording rounds in `consult-bot export`: each ranking poll's Schulze order and pairwise table,
each consultation's rounds with their candidates and winner, and a `bridging_rounds` CSV table."""

from __future__ import annotations

from typing import Any

from bot.domain.bridging_rounds import RoundView
from bot.services.bridging import BridgingService
from bot.services.exports.collect import Contributor, ExportData
from bot.services.exports.tables import Row


def bridging_contributor(bridging: BridgingService) -> Contributor:
    """Runs after the polls and consultations contributors: it completes their entries."""

    def contribute(data: ExportData) -> None:
        consultations = data.document.get("consultations") or []
        rounds = bridging.rounds_for([int(c["id"]) for c in consultations])
        polls = {p["ref"]: p for p in data.document.get("polls") or []}
        for consultation in consultations:
            own = rounds.get(int(consultation["id"]), [])
            consultation["rounds"] = [_round(r) for r in own]
            for view in own:
                if view.poll_number is not None and f"P{view.poll_number}" in polls:
                    polls[f"P{view.poll_number}"].update(_ranking(view))
        data.tables["bridging_rounds"] = [
            _row(str(c["ref"]), r) for c in consultations for r in rounds.get(int(c["id"]), [])
        ]

    return contribute


def _ranking(view: RoundView) -> dict[str, Any]:
    pairwise = {a: dict(row) for a, row in (view.pairwise or {}).items()}
    return {"schulze": list(view.schulze), "pairwise": pairwise}


def _round(view: RoundView) -> dict[str, Any]:
    return {
        "round": view.round,
        "status": view.status.value,
        "poll": f"P{view.poll_number}" if view.poll_number is not None else None,
        "drafted_by": view.drafted_by,
        "fallback_reason": view.fallback_reason,
        "tokens": view.prompt_tokens + view.completion_tokens,
        "material": [
            {"id": p.id, "kind": kind, "organisation": p.organisation, "text": p.text}
            for kind, p in view.material
        ],
        "candidates": [
            {"label": c.label, "text": c.text, "source": c.source, "addresses": list(c.addresses)}
            for c in view.candidates
        ],
        "ballots": view.ballots,
        "schulze": list(view.schulze),
        "winner": view.winner_label,
        "winner_text": view.winner.text if view.winner else None,
        "closed_at": view.closed_at.isoformat() if view.closed_at else None,
    }


def _row(ref: str, view: RoundView) -> Row:
    return {
        "ref": ref,
        "round": view.round,
        "status": view.status.value,
        "poll": f"P{view.poll_number}" if view.poll_number is not None else None,
        "drafted_by": view.drafted_by,
        "candidates": len(view.candidates),
        "ballots": view.ballots,
        "winner": view.winner_label,
        "winner_text": view.winner.text if view.winner else None,
        "schulze": " > ".join(view.schulze),
    }
