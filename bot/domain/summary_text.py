"""What of a summary may be shown at all (defused: no pings, no live links, bounded), and its rendering
for Slack mrkdwn and Markdown with citations as permalinks to the comments. Plain Python."""

from __future__ import annotations

import re
from typing import Final

from bot.domain.summaries import (
    QUOTE_MAX,
    STATEMENT_TEXT_MAX,
    Statement,
    Summary,
    SummaryComment,
    SummaryInput,
    map_sections,
    normalise_for_match,
)

# Control, zero-width and bidirectional characters: invisible, they could split "@channel" or reorder text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# Slack's control sequences: <!channel>, <!here>, <@U1|name>, <#C1|name>, <!subteam^S1|@team>, <url|label>
_SLACK_SEQUENCE = re.compile(r"<([^<>\n]{0,1000})>")
_SCHEME = re.compile(r"\b([a-z][a-z0-9+.\-]{1,30})://", re.IGNORECASE)
_DOMAIN = re.compile(r"\b(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\b", re.IGNORECASE)
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone|all)\b)", re.IGNORECASE)
FULLWIDTH_AT: Final = "＠"  # looks like @ and can never be a mention


def defuse(text: str, limit: int = STATEMENT_TEXT_MAX) -> str:
    """Plain text safe to show anywhere: one line, readable, unable to ping anyone or carry a live link.

    Slack sequences become their readable label (`<@U1>` → `@U1`, `<https://x|see>` → `see (hxxps://x)`),
    URLs are defanged (`https://a.eu/x` → `hxxps://a[.]eu/x`, `www.a.eu` → `www[.]a[.]eu`; Slack and
    Markdown viewers auto-link both forms otherwise), and broadcast words lose their `@` (`＠channel`).
    """
    text = normalise_for_match(_CONTROL.sub(" ", text))
    text = _SLACK_SEQUENCE.sub(_readable_sequence, text)
    text = _SCHEME.sub(_defang_scheme, text)
    text = _DOMAIN.sub(lambda match: match.group(0).replace(".", "[.]"), text)
    text = _BROADCAST.sub(FULLWIDTH_AT, text)
    return truncate(text, limit)


def _readable_sequence(match: re.Match[str]) -> str:
    inside = match.group(1)
    target, _, label = inside.partition("|")
    if target[:1] == "!":
        # <!channel> → @channel (defused later); <!subteam^S1|@team> → @team; <!date^...|fallback> → fallback
        return label or "@" + target[1:].split("^")[0]
    if target[:1] in "@#":
        return target[0] + label.lstrip("@#") if label else target
    return f"{label} ({target})" if label else target


def _defang_scheme(match: re.Match[str]) -> str:
    scheme = match.group(1)
    if scheme.lower() in ("hxxp", "hxxps"):
        return match.group(0)  # defanged already
    if scheme.lower() in ("http", "https"):
        return scheme[0] + "xx" + scheme[3:] + "://"
    return scheme + "[://]"


def truncate(text: str, limit: int) -> str:
    """Cut at a word boundary with an ellipsis, so that the result fits `limit`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def sanitise(summary: Summary) -> Summary:
    """Defuses every statement and quote (run after `ground`: defanging changes the text of quotes)."""

    def defuse_all(statements: tuple[Statement, ...]) -> tuple[Statement, ...]:
        return tuple(
            Statement(
                text=defuse(statement.text, STATEMENT_TEXT_MAX),
                citations=statement.citations,
                quotes=tuple(defuse(quote, QUOTE_MAX) for quote in statement.quotes),
            )
            for statement in statements
        )

    return map_sections(summary, defuse_all)


# -- rendering: citations as permalinks ------------------------------------------------------------------

# Slack mrkdwn has no escape character: formatting marks become lookalikes that never format.
_MRKDWN_LOOKALIKES = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"})
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]|#!<>])")
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_SAFE_LINK = re.compile(r"https?://[^\s<>|()\"'`]+")


def to_mrkdwn(text: str) -> str:
    """Text for a Slack mrkdwn field, shown as written: no pings, links or formatting of its own."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.translate(_MRKDWN_LOOKALIKES)


def to_markdown(text: str) -> str:
    """Text for the Markdown attachment, shown as written: `&` stays `&` (only where it would start an
    entity is it escaped), markup characters are backslash-escaped."""
    return _ENTITY_START.sub(r"\\&", _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def render_statement_mrkdwn(statement: Statement, item: SummaryInput) -> str:
    """`text _“quote”_ (Org (AT), Org (HU))`, each source a link to the comment in Slack."""
    comments = {c.id: c for c in item.comments}
    parts = [to_mrkdwn(defuse(statement.text))]
    parts += [f"_“{to_mrkdwn(defuse(quote, QUOTE_MAX))}”_" for quote in statement.quotes]
    links = [_mrkdwn_citation(comments.get(cid), cid) for cid in statement.citations]
    return " ".join(parts) + (f" ({', '.join(links)})" if links else "")


def render_statement_markdown(statement: Statement, item: SummaryInput) -> str:
    comments = {c.id: c for c in item.comments}
    parts = [to_markdown(defuse(statement.text))]
    parts += [f"*“{to_markdown(defuse(quote, QUOTE_MAX))}”*" for quote in statement.quotes]
    links = [_markdown_citation(comments.get(cid), cid) for cid in statement.citations]
    return " ".join(parts) + (f" ({', '.join(links)})" if links else "")


def citation_label(comment: SummaryComment | None, comment_id: str) -> str:
    if comment is None or not comment.organisation:
        return comment_id
    return f"{comment.organisation} ({comment.country})" if comment.country else comment.organisation


def _mrkdwn_citation(comment: SummaryComment | None, comment_id: str) -> str:
    label = to_mrkdwn(defuse(citation_label(comment, comment_id), 80)).replace("|", "¦")
    link = comment.permalink if comment else None
    return f"<{link}|{label}>" if link and _SAFE_LINK.fullmatch(link) else label


def _markdown_citation(comment: SummaryComment | None, comment_id: str) -> str:
    label = to_markdown(defuse(citation_label(comment, comment_id), 80))
    link = comment.permalink if comment else None
    return f"[{label}]({link})" if link and _SAFE_LINK.fullmatch(link) else label
