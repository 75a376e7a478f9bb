"""Renders the LLM prompts: one Jinja2 environment over the templates of this package.

Autoescaping is off (prompts are not HTML); partner text is escaped explicitly with the `xml` filter so
that it stays inside its delimiters: a comment cannot close `</comment>` or `</data>`.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES: Final = Path(__file__).resolve().parent


def xml(value: object) -> str:
    """Escapes text for a delimited data section (element content or a double-quoted attribute)."""
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|~"})
# `&` is shown as typed, except where a Markdown reader would take it for an entity (`&amp;`, `&#38;`).
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def md(value: object) -> str:
    """People's words in a Markdown document: shown as typed, on one line, never as markup."""
    text = "" if value is None else " ".join(str(value).split())
    return _ENTITY_START.sub(r"\\&", text.translate(_MARKDOWN_SPECIALS))


def pct(value: float) -> str:
    return f"{round(value * 100)} %"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["xml"] = xml
    env.filters["md"] = md
    env.filters["pct"] = pct
    return env


_ENV: Final = _environment()


def render(template: str, **context: Any) -> str:
    return _ENV.get_template(template).render(**context).strip() + "\n"


def source_hash(*templates: str) -> str:
    """sha256 of the templates' source: part of the summary cache key, so editing a prompt re-summarises."""
    digest = hashlib.sha256()
    for name in templates:
        digest.update(name.encode("utf-8") + b"\0" + (TEMPLATES / name).read_bytes() + b"\0")
    return digest.hexdigest()
