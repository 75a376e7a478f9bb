"""The proposal rules, without Slack."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.recommendations import Level, parse_ref, split_themes, validate_proposal
from handlers.blocks.common import escape, quoted


@pytest.mark.parametrize(
    ("text", "number"),
    [("R12", 12), ("r3", 3), ("R-7", 7), (" R 4 ", 4), ("12", None), ("Rx", None), ("", None)],
)
def test_references(text: str, number: int | None) -> None:
    assert parse_ref(text) == number


def test_themes_are_split_trimmed_and_deduplicated() -> None:
    assert split_themes(" R&D ; smes, SMEs,, value  chains") == ("R&D", "smes", "value chains")


def test_a_valid_proposal_is_cleaned() -> None:
    draft = validate_proposal(
        title="  Title\r", text="Line 1\r\nLine 2", rationale=None, themes="", level="EU"
    )
    assert (draft.title, draft.text, draft.rationale, draft.themes, draft.level) == (
        "Title",
        "Line 1\nLine 2",
        "",
        (),
        Level.EU,
    )


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_proposal(
            title="a\nb", text="", rationale="r" * 3001, themes=",".join(f"t{i}" for i in range(9)), level=""
        )
    assert set(caught.value.field_errors) == {"title", "text", "rationale", "themes", "level"}


def test_escaping_fits_the_limit_after_escaping() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    cut = quoted("<" * 1000, 300)
    assert len(cut) <= 300 and "<" not in cut
