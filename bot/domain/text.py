"""Checks for text people type into Slack before it is stored."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def has_control_characters(value: str, allow_newlines: bool) -> bool:
    checked = value if not allow_newlines else value.replace("\n", "").replace("\t", "")
    if not allow_newlines and ("\n" in value or "\t" in value):
        return True
    return bool(_CONTROL.search(checked))


def normalise(value: str) -> str:
    """NFC, Windows line endings folded, outer whitespace trimmed."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def check_text(
    value: str | None, *, label: str, max_length: int, required: bool, multiline: bool
) -> tuple[str, str | None]:
    """Returns the cleaned text and the problem with it, if any."""
    cleaned = normalise(value or "")
    if not cleaned:
        return cleaned, f"{label} is required." if required else None
    if len(cleaned) > max_length:
        return (
            cleaned,
            f"{label} is {len(cleaned):,} characters long; the limit is {max_length:,}. Shorten it.",
        )
    if has_control_characters(cleaned, allow_newlines=multiline):
        where = "" if multiline else " (and must be on one line)"
        return cleaned, f"{label} contains control characters{where}; remove them and try again."
    return cleaned, None


def check_field(
    errors: dict[str, str],
    field: str,
    value: str | None,
    *,
    label: str,
    max_length: int,
    required: bool,
    multiline: bool,
) -> str:
    """The cleaned text of one form field; its problem, if any, goes into `errors` under `field`."""
    cleaned, problem = check_text(
        value, label=label, max_length=max_length, required=required, multiline=multiline
    )
    if problem:
        errors[field] = problem
    return cleaned
