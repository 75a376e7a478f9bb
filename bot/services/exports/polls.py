"""Polls in `consult-bot export`: the JSON `polls` list and the `polls`, `poll_options` and
`poll_answers` CSV tables (who answered what only for attributed polls)."""

from __future__ import annotations

from typing import Any

from bot.domain.polls.answers import Answer
from bot.domain.polls.kinds import VERDICTS, WHOLE, PollKind
from bot.domain.polls.tallies import OptionTally, PollResults, movements
from bot.services.exports.collect import Contributor, ExportData
from bot.services.exports.tables import Row
from bot.services.polls import PollService


def poll_contributor(polls: PollService) -> Contributor:
    def contribute(data: ExportData) -> None:
        results = polls.all_results()
        data.document["polls"] = [poll_document(r) for r in results]
        data.tables["polls"] = [poll_row(r) for r in results]
        data.tables["poll_options"] = [row for r in results for row in option_rows(r)]
        data.tables["poll_answers"] = [row for r in results for row in answer_rows(r)]

    return contribute


def poll_document(results: PollResults) -> dict[str, Any]:
    poll = results.poll
    return {
        "ref": poll.ref,
        "question": poll.question,
        "kind": poll.kind.value,
        "status": poll.status.value,
        "anonymous": poll.anonymous,
        "visibility": poll.visibility.value,
        "audience": poll.audience.value,
        "results_hidden": results.hidden,
        "created_at": poll.created_at.isoformat(),
        "deadline": poll.deadline.isoformat() if poll.deadline else None,
        "closed_at": poll.closed_at.isoformat() if poll.closed_at else None,
        "respondents": results.respondent_count,
        "audience_size": results.audience_size,
        "non_respondents": [p.name for p in results.non_respondents],
        "max_choices": poll.max_choices,
        "points_budget": poll.points_budget,
        "options": [_option(results, index, label) for index, label in enumerate(poll.options)],
        "round": poll.round,
        "previous_round": _ref(poll.previous_number),
        "next_round": _ref(poll.next_number),
        "rounds": [r.poll.ref for r in results.rounds()],
        "movement": [
            {"label": m.label, "before": _figures(m.before), "after": _figures(m.after)}
            for m in movements(results)
        ],
        "reasons": list(results.general_reasons) if not results.hidden else [],
    }


def _ref(number: int | None) -> str | None:
    return f"P{number}" if number is not None else None


def _option(results: PollResults, index: int, label: str) -> dict[str, Any]:
    if results.hidden:
        return {"label": label, "votes": None}
    entry = results.tallies[index]
    option: dict[str, Any] = {"label": label, "votes": entry.votes, **_figures(entry)}
    if results.poll.kind is PollKind.VALIDITY:
        option["ref"] = f"R{results.poll.option_refs[index]}"
    option["reasons"] = list(entry.reasons)
    return option


def _figures(entry: OptionTally) -> dict[str, Any]:
    """The kind-specific figures of one option, statement or recommendation."""
    figures: dict[str, Any] = {}
    if entry.scale is not None:
        figures["distribution"] = {
            str(point): count for point, count in enumerate(entry.scale.counts, start=1)
        }
        figures["median"] = entry.scale.median
        figures["iqr"] = entry.scale.iqr
        figures["agree_share"] = round(entry.scale.agree_share, 4)
        figures["disagree_share"] = round(entry.scale.disagree_share, 4)
    if entry.verdicts is not None:
        figures["verdicts"] = {verdict.value: entry.verdicts[verdict] for verdict in VERDICTS}
    if entry.points is not None:
        figures["points"] = entry.points
    if entry.borda is not None:
        figures["borda"] = entry.borda
    if entry.mean_rank is not None:
        figures["mean_rank"] = round(entry.mean_rank, 4)
    return figures


def poll_row(results: PollResults) -> Row:
    document = poll_document(results)
    return {
        key: value
        for key, value in document.items()
        if key not in ("options", "movement", "reasons", "non_respondents", "rounds")
    } | {
        "options": "; ".join(results.poll.options),
        "non_respondents": "; ".join(document["non_respondents"]),
    }


def option_rows(results: PollResults) -> list[Row]:
    rows = []
    for option in poll_document(results)["options"]:
        row: Row = {"poll": results.poll.ref}
        for key, value in option.items():
            if isinstance(value, dict):
                row.update({f"{key}_{k}": v for k, v in value.items()})
            elif isinstance(value, list):
                row[key] = " | ".join(str(v) for v in value)
            else:
                row[key] = value
        rows.append(row)
    return rows


def answer_rows(results: PollResults) -> list[Row]:
    """One row per attributed answer; anonymous polls never get here (`answers` is empty)."""
    if results.poll.anonymous:
        return []
    return [
        {
            "poll": results.poll.ref,
            "slack_user_id": item.partner.slack_user_id,
            "name": item.partner.name,
            "organisation": item.partner.organisation,
            "region": item.partner.region,
            "country": item.partner.country,
            "answer": describe_answer(results, item.answer),
            "reason": item.answer.reasons.get(WHOLE, ""),
        }
        for item in results.answers
    ]


def describe_answer(results: PollResults, answer: Answer) -> str:
    """An answer in words, e.g. `A; C` or `Statement 1: 4; Statement 2: 2`."""
    poll = results.poll
    if poll.kind.by_buttons:
        return "; ".join(poll.options[i] for i in answer.choices)
    parts = []
    for index, value in sorted(answer.ratings.items()):
        shown = VERDICTS[value].label if poll.kind is PollKind.VALIDITY else str(value)
        reason = answer.reasons.get(index)
        parts.append(f"{poll.options[index]}: {shown}" + (f" ({reason})" if reason else ""))
    return "; ".join(parts)
