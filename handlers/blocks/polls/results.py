"""Poll results as text: bars, scales, Borda counts, who answered, and how positions moved between rounds."""

from __future__ import annotations

from slack_sdk.models.blocks import SectionBlock

from bot.domain.polls.drafts import PollView
from bot.domain.polls.kinds import SCALE_LABELS, VERDICTS, PollKind, Visibility
from bot.domain.polls.tallies import OptionTally, PollResults, ScaleSummary, movements, ranked, respondents_by
from handlers.blocks.common import SECTION_TEXT_MAX, escape, packed_sections, quoted, slack_date, truncate

_BAR_WIDTH = 10
_SCALE_SHORT = ("SD", "D", "N", "A", "SA")


def _bar(share: float) -> str:
    filled = round(share * _BAR_WIDTH)
    return "▇" * filled + "▁" * (_BAR_WIDTH - filled)


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def scale_line(summary: ScaleSummary) -> str:
    counts = " · ".join(f"{short} {count}" for short, count in zip(_SCALE_SHORT, summary.counts, strict=True))
    if not summary.n:
        return f"`{counts}`"
    return (
        f"`{counts}` · median {summary.median:g} · IQR {summary.iqr:g} · "
        f"{_percent(summary.agree_share)} agree, {_percent(summary.disagree_share)} disagree"
    )


def item_line(poll: PollView, entry: OptionTally, respondents: int) -> str:
    label = f"*{quoted(entry.label, 400)}*"
    if poll.kind.by_buttons:
        share = entry.votes / respondents if respondents else 0.0
        return f"{label}\n`{_bar(share)}` {entry.votes} ({_percent(share)})"
    if entry.scale is not None:
        return f"{label}\n{scale_line(entry.scale)}"
    if entry.verdicts is not None:
        counts = " · ".join(f"{v.label} {entry.verdicts[v]}" for v in VERDICTS)
        return f"{label}\n{counts}"
    if poll.kind is PollKind.POINTS:
        return f"{label} — {entry.points} points · Borda {entry.borda:g}"
    mean = f" · mean rank {entry.mean_rank:.1f}" if entry.mean_rank is not None else ""
    return f"{label} — Borda {entry.borda:g}{mean}"


def result_lines(results: PollResults) -> list[str]:
    poll = results.poll
    ordered = ranked(poll, results.tallies)
    return [item_line(poll, entry, results.respondent_count) for entry in ordered]


def rating_text(poll: PollView, value: int) -> str:
    if poll.kind is PollKind.SCALE:
        return SCALE_LABELS[value - 1]
    if poll.kind is PollKind.VALIDITY:
        return VERDICTS[value].label
    if poll.kind is PollKind.POINTS:
        return f"{value} points"
    return f"rank {value}"


def hidden_note(results: PollResults) -> str:
    poll = results.poll
    if poll.visibility is Visibility.AFTER_CLOSE:
        when = f" on {slack_date(poll.deadline)}" if poll.deadline else ""
        return f":lock: Results are hidden until the poll closes{when}."
    return ":see_no_evil: Results are shown to each partner once they have answered (`My answer & results`)."


def coverage(results: PollResults) -> str:
    return f"{results.respondent_count} of {results.audience_size} partners have answered"


def closing_summary(results: PollResults) -> str:
    """Who answered (by organisation and country, unless anonymous) and who did not."""
    lines = [f"*Answered: {results.respondent_count} of {results.audience_size}*"]
    if results.poll.anonymous:
        lines[0] += " (anonymous: no answer can be linked to anyone any more)"
    elif results.respondents:
        grouped = respondents_by(results.respondents, lambda p: f"{p.organisation} ({p.country})")
        lines.append(
            " · ".join(f"{escape(org)}: {escape(', '.join(names))}" for org, names in grouped.items())
        )
    if results.non_respondents:
        missing = [f"{p.name} ({p.organisation}, {p.country})" for p in results.non_respondents]
        lines.append("*Not answered:* " + escape("; ".join(missing)))
    else:
        lines.append("Everyone answered.")
    return truncate("\n".join(lines), SECTION_TEXT_MAX)


def previous_round(results: PollResults) -> list[SectionBlock]:
    """The previous round's figures on a later round's message; how positions moved once closed."""
    previous = results.previous
    if previous is None or previous.hidden:
        return []
    moved = movements(results) if not results.poll.is_open else ()
    if moved:
        lines = [f"*How positions moved since round {previous.poll.round} ({previous.poll.ref})*"]
        lines += [f"*{quoted(m.label, 300)}*\n{_movement(m.before, m.after)}" for m in moved]
    else:
        lines = [f"*Round {previous.poll.round} ({previous.poll.ref}), {previous.respondent_count} answers*"]
        lines += [
            item_line(previous.poll, e, previous.respondent_count)
            for e in ranked(previous.poll, previous.tallies)
        ]
    return packed_sections(lines, limit=3)


def _movement(before: OptionTally, after: OptionTally) -> str:
    if before.scale is not None and after.scale is not None:
        b, a = before.scale, after.scale
        if not b.n or not a.n:
            return f"answers {b.n} → {a.n}"
        return (
            f"median {b.median:g} → {a.median:g} · IQR {b.iqr:g} → {a.iqr:g} · "
            f"agree {_percent(b.agree_share)} → {_percent(a.agree_share)}"
        )
    if before.points is not None and after.points is not None:
        return f"points {before.points} → {after.points} · Borda {before.borda:g} → {after.borda:g}"
    return f"Borda {before.borda or 0:g} → {after.borda or 0:g}"
