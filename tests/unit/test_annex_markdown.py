"""People's words in the Markdown annex read back exactly as written, whatever Markdown they contain."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.services.exports.markdown import cell, escape

MARKDOWN = MarkdownIt("commonmark").enable("table")
# Pieces that mean something in Markdown, HTML or a table, and ordinary text.
PIECES = st.sampled_from(
    [*"ab #*_`[]()<>&;|~!\\-+=.1)", "&amp;", "&#38;", "http://x.eu", "<b>", "1.", "- ", "R&D"]
)
WORDS = (
    st.lists(PIECES, min_size=1, max_size=16).map(lambda parts: " ".join("".join(parts).split())).filter(bool)
)


def shown(tokens: list[Token]) -> str:
    """The text a reader sees; anything else (emphasis, links, HTML, code) shows as a marker."""
    parts: list[str] = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "text":
                parts.append(child.content)
            elif child.type == "softbreak":
                parts.append("\n")
            else:
                parts.append(f"<{child.type}>")
    return "".join(parts)


def inline(source: str) -> list[Token]:
    return [t for t in MARKDOWN.parse(source) if t.type == "inline"]


@settings(max_examples=300, deadline=None)
@given(WORDS)
def test_a_title_in_a_heading_reads_as_written(title: str) -> None:
    assert shown(inline(f"## R1: {escape(title)}")) == f"R1: {title}"


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=4))
def test_a_quoted_text_of_several_lines_reads_as_written(lines: list[str]) -> None:
    text = "\n".join(line for line in lines if line) or "x"
    quoted = "\n".join(f"> {line}" for line in escape(text).split("\n"))
    assert shown(inline(quoted)) == text


@settings(max_examples=300, deadline=None)
@given(WORDS)
def test_a_table_cell_stays_one_cell_and_reads_as_written(text: str) -> None:
    cells = inline(f"| a | b |\n| --- | --- |\n| x | {cell(text)} |\n")
    assert len(cells) == 4 and shown(cells[3:]) == text
