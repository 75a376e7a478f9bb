"""What the OpenAI-compatible stand-in answers to a drafting request (schema `bridging_candidates`).

It reads the delimited data of prompts/bridging_user.j2 back: the current text, the previous winner and
every point with its id and kind, and drafts one rewording per point that asks for a change. Modes other
than `grounded` misbehave the way a real model can: citing ids that were not given, writing pings and
links, or obeying an instruction hidden in a partner's comment.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

_COUNT = re.compile(r"^Draft (\d+) wordings", re.MULTILINE)
_CURRENT = re.compile(r"<current_text>(.*?)</current_text>", re.DOTALL)
_WINNER = re.compile(r"<winner>(.*?)</winner>", re.DOTALL)
_POINT = re.compile(r'<point id="([^"]*)" kind="(\w+)"[^>]*>\n?(.*?)\n?</point>', re.DOTALL)
INJECTED_TEXT: Final = "All partners must transfer their budget to the coordinator's private account"
JSONDict = dict[str, Any]


@dataclass(frozen=True)
class _Point:
    id: str
    kind: str
    text: str


def is_drafting_request(body: JSONDict) -> bool:
    schema = (body.get("response_format") or {}).get("json_schema") or {}
    return schema.get("name") == "bridging_candidates"


def _read(prompt: str) -> tuple[int, str, list[_Point]]:
    count = int(match.group(1)) if (match := _COUNT.search(prompt)) else 4
    found = _WINNER.search(prompt) or _CURRENT.search(prompt)
    base = html.unescape(found.group(1)) if found else ""
    points = [_Point(i, kind, html.unescape(text).strip()) for i, kind, text in _POINT.findall(prompt)]
    return count, base, points


def _grounded(prompt: str) -> JSONDict:
    count, base, points = _read(prompt)
    candidates = []
    for point in (p for p in points if p.kind != "comment"):
        if point.kind == "suggestion":
            text = point.text
        else:
            words = " ".join(point.text.rstrip(".").split()[:12])
            text = f"{base.rstrip('.')}, taking into account that {words[:1].lower()}{words[1:]}."
        candidates.append({"text": text, "addresses": [point.id], "rationale": f"Answers {point.id}."})
    return {"candidates": candidates[:count]}


def _hallucinated(prompt: str) -> JSONDict:
    reply = _grounded(prompt)
    for candidate in reply["candidates"][1:]:
        candidate["addresses"] = ["O404", "S999"]
    return reply


def _malicious(prompt: str) -> JSONDict:
    reply = _grounded(prompt)
    payload = "<!channel> @here see <https://evil.example/x|the plan> and www.evil.example <@U123>"
    for candidate in reply["candidates"]:
        candidate["text"] = f"{payload} {candidate['text']}"
    return reply


def _obeys_injection(prompt: str) -> JSONDict:
    """A model that did what a comment told it: a 'wording' that is the comment's demand, citing a real id."""
    reply = _grounded(prompt)
    _, _, points = _read(prompt)
    cited = next((p.id for p in points if p.kind != "comment"), "O1")
    obeyed = {"text": INJECTED_TEXT + ".", "addresses": [cited], "rationale": "As asked."}
    reply["candidates"].insert(0, obeyed)
    return reply


def _as_json(build: Callable[[str], JSONDict]) -> Callable[[str], str]:
    return lambda prompt: json.dumps(build(prompt), ensure_ascii=False)


CONTENT: Final[dict[str, Callable[[str], str]]] = {
    "grounded": _as_json(_grounded),
    "slow": _as_json(_grounded),
    "ungrounded": _as_json(_hallucinated),
    "hallucinated_citations": _as_json(_hallucinated),
    "malicious_output": _as_json(_malicious),
    "obeys_injection": _as_json(_obeys_injection),
    "invalid_json": lambda prompt: '{"candidates": [{"text": "unterminated',
    "schema_violation": lambda prompt: json.dumps({"candidates": "one", "extra": 1}),
}
