"""The quick poll: `/poll "Question?" "A" "B" flags` parsed into a draft."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo

from bot.domain.errors import DomainError
from bot.domain.polls.drafts import PollDraft, check_items
from bot.domain.polls.kinds import OPTION_MAX, QUESTION_MAX, Audience, PollKind, Visibility
from bot.domain.text import check_text

FLAGS = ("anonymous", "multiple", "multiple=N", "hide-results", "deadline=YYYY-MM-DDTHH:MM")
_QUOTES = {'"': '"', "“": "”", "„": "“", "”": "”", "«": "»"}
_DEADLINE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?P<offset>Z|[+-]\d{2}:?\d{2})?$"
)
# The furthest any time zone is behind UTC: a local time this long ago has passed everywhere.
_LATEST_ZONE = timedelta(hours=12)


class QuickPollError(DomainError):
    """The text of a quick poll is not valid: nothing was posted (the command adds how to write one)."""


@dataclass(frozen=True)
class QuickPoll:
    """A parsed quick poll. A deadline without an offset is local to the creator (`local_deadline`)."""

    draft: PollDraft
    local_deadline: datetime | None = None

    def resolve(self, zone: tzinfo, now: datetime) -> PollDraft:
        """The draft with the deadline placed in the creator's time zone."""
        if self.local_deadline is None:
            return self.draft
        deadline = self.local_deadline.replace(tzinfo=zone).astimezone(UTC)
        if deadline <= now:
            raise DomainError(
                f"The deadline {self.local_deadline:%Y-%m-%d %H:%M} (your time zone) has already passed. "
                "Give a time in the future, e.g. `deadline=" + f"{(now + timedelta(days=7)):%Y-%m-%dT17:00}`."
            )
        return replace(self.draft, deadline=deadline)


def _quick_error(problem: str) -> QuickPollError:
    return QuickPollError(f"{problem} No poll was posted.")


def split_quick_poll(text: str) -> tuple[list[str], list[str]]:
    """Quoted parts and the bare words after them; straight and typographic quotes both work."""
    quoted: list[str] = []
    words: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char in _QUOTES:
            if words:
                raise _quick_error(
                    f"Put every quoted part before the flags: {words[-1]!r} comes before a quote."
                )
            closing = {_QUOTES[char], '"', "”", "“"} if char != "«" else {"»"}
            end = i + 1
            buffer: list[str] = []
            while end < len(text) and text[end] not in closing:
                if text[end] == "\\" and end + 1 < len(text):
                    end += 1
                buffer.append(text[end])
                end += 1
            if end >= len(text):
                raise _quick_error(
                    f"A quote is not closed: {text[i : i + 40]!r}. "
                    "Close every question and option with a quote."
                )
            quoted.append("".join(buffer))
            i = end + 1
            if i < len(text) and not text[i].isspace():
                raise _quick_error(f"Leave a space after the closing quote of {quoted[-1][:40]!r}.")
            continue
        end = i
        while end < len(text) and not text[end].isspace():
            end += 1
        word = text[i:end]
        if any(q in word for q in _QUOTES):
            raise _quick_error(
                f"{word[:40]!r} has a quote inside a word; put a space before the opening quote."
            )
        words.append(word)
        i = end
    return quoted, words


def parse_deadline(raw: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """(aware UTC deadline, naive local deadline): one of them is set."""
    match = _DEADLINE.match(raw.strip())
    problem = (
        f"`deadline={raw[:40]}` is not a date and time. Write it as `deadline=YYYY-MM-DDTHH:MM`, "
        "e.g. `deadline=2026-12-01T17:00` (your time zone) or `deadline=2026-12-01T17:00+01:00`."
    )
    if not match:
        raise _quick_error(problem)
    time_part = match.group("time")
    if len(time_part.split(":")[0]) == 1:
        time_part = "0" + time_part
    try:
        naive = datetime.fromisoformat(f"{match.group('date')}T{time_part}")
    except ValueError:
        raise _quick_error(problem) from None
    offset = match.group("offset")
    if offset:
        normalised = "+00:00" if offset == "Z" else offset if ":" in offset else offset[:3] + ":" + offset[3:]
        try:
            aware = datetime.fromisoformat(naive.isoformat() + normalised).astimezone(UTC)
        except ValueError:
            raise _quick_error(problem) from None
        if aware <= now:
            raise _quick_error(f"The deadline {raw[:40]} has already passed; give a time in the future.")
        return aware, None
    if naive.replace(tzinfo=UTC) + _LATEST_ZONE <= now:
        raise _quick_error(f"The deadline {raw[:40]} has already passed; give a time in the future.")
    return None, naive


def parse_quick_poll(text: str, now: datetime) -> QuickPoll:
    """`"Question?" "A" "B" anonymous multiple=2 hide-results deadline=...`; DomainError says what to fix."""
    quoted, words = split_quick_poll(text)
    if not quoted:
        raise _quick_error("Put the question and each option in quotes.")
    question, options = quoted[0].strip(), [" ".join(o.split()) for o in quoted[1:]]
    if not question:
        raise _quick_error("The question is empty.")
    if len(question) > QUESTION_MAX:
        raise _quick_error(f"The question is {len(question)} characters long; the limit is {QUESTION_MAX}.")
    if any(not option for option in options):
        raise _quick_error("An option is empty; remove the empty quotes.")
    flags = _parse_flags(words, now, len(options))
    kind = PollKind.MULTIPLE if flags.multiple else PollKind.SINGLE
    if problem := check_items(options, kind):
        raise _quick_error(problem)
    for option in options:
        _, text_problem = check_text(
            option, label="An option", max_length=OPTION_MAX, required=True, multiline=False
        )
        if text_problem:
            raise _quick_error(text_problem)
    draft = PollDraft(
        question=question,
        kind=kind,
        options=tuple(options),
        anonymous=flags.anonymous,
        visibility=Visibility.AFTER_CLOSE if flags.hide_results else Visibility.LIVE,
        audience=Audience.CHANNEL,
        max_choices=flags.max_choices,
        deadline=flags.deadline,
    )
    return QuickPoll(draft=draft, local_deadline=flags.local_deadline)


@dataclass
class _Flags:
    anonymous: bool = False
    multiple: bool = False
    max_choices: int | None = None
    hide_results: bool = False
    deadline: datetime | None = None
    local_deadline: datetime | None = None


def _parse_flags(words: Sequence[str], now: datetime, option_count: int) -> _Flags:
    flags = _Flags()
    seen: set[str] = set()
    for word in words:
        name, has_value, value = word.partition("=")
        name = name.lower()
        if name in seen:
            raise _quick_error(f"The flag `{name}` is given twice; give it once.")
        seen.add(name)
        if name == "anonymous" and not has_value:
            flags.anonymous = True
        elif name == "hide-results" and not has_value:
            flags.hide_results = True
        elif name == "multiple":
            flags.multiple = True
            flags.max_choices = _max_choices(value, option_count) if has_value else None
        elif name == "deadline" and has_value:
            flags.deadline, flags.local_deadline = parse_deadline(value, now)
        else:
            known = ["anonymous", "multiple", "hide-results", "deadline"]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            raise _quick_error(
                f"`{word[:40]}` is not a flag I know.{hint} The flags are: "
                + ", ".join(f"`{f}`" for f in FLAGS)
                + "."
            )
    return flags


def _max_choices(value: str, option_count: int) -> int:
    if not value.isdigit() or not 1 <= int(value) <= max(option_count, 1):
        raise _quick_error(
            f"`multiple={value[:10]}` needs a whole number from 1 to the number of options ({option_count})."
        )
    return int(value)
