"""A local stand-in for an OpenAI-compatible server, over real HTTP on 127.0.0.1.

The bot talks to it with the ordinary ``openai.OpenAI(base_url=fake.base_url)``. It checks the bearer key,
records every request (so a test can read the prompts), and answers each chat completion according to a
*mode*: the next one scripted with ``fake.script(...)``, else ``fake.default_mode``.

Modes: ``grounded`` (a valid summary built from the comments, or merged from the partial summaries, found
in the prompt: real ids, verbatim quotes), ``invalid_json``, ``schema_violation``,
``obeys_injection`` (drafting only: a candidate that does what a partner's comment demands),
``hallucinated_citations`` (one statement mixes real and invented ids and quotes, another cites only
invented ids), ``ungrounded`` (every statement cites invented ids only), ``malicious_output`` (pings,
links and broken formatting in a reply that is otherwise grounded), ``rate_limited`` (429 with
Retry-After), ``server_error`` (500) and ``slow`` (answers after ``slow_seconds``, past a short client
timeout).

Token counts in ``usage`` are derived from the text: characters / 4.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

from bot.localhttp import LocalHttpService, Reply
from bot.localllm import bridging

__all__ = ["MODES", "FakeLLM", "Mode", "RecordedRequest"]

Mode = Literal[
    "grounded",
    "invalid_json",
    "schema_violation",
    "hallucinated_citations",
    "ungrounded",
    "malicious_output",
    "obeys_injection",
    "rate_limited",
    "server_error",
    "slow",
]
MODES: Final[tuple[str, ...]] = get_args(Mode)
JSONDict = dict[str, Any]

_COMMENT = re.compile(r"<comment ([^>]*)>\n?(.*?)\n?</comment>", re.DOTALL)
_STATEMENT = re.compile(r'<statement section="(\w+)" citations="([^"]*)">(.*?)</statement>', re.DOTALL)
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
_QUOTE = re.compile(r"<quote>(.*?)</quote>", re.DOTALL)
_TEXT = re.compile(r"<text>(.*?)</text>", re.DOTALL)
_SECTION_OF_POSITION: Final = {
    "agree": "common_ground",
    "agree_with_changes": "wording_suggestions",
    "disagree": "disagreements",
    "block": "disagreements",
}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: Mapping[str, str]
    body: JSONDict
    mode: str | None  # how it was answered (chat completions only)

    @property
    def messages(self) -> list[JSONDict]:
        return list(self.body.get("messages") or [])

    def content_of(self, role: str) -> str:
        return "\n".join(str(m.get("content") or "") for m in self.messages if m.get("role") == role)

    @property
    def system(self) -> str:
        return self.content_of("system")

    @property
    def user(self) -> str:
        return self.content_of("user")


class FakeLLM(LocalHttpService):
    """Use it as a context manager::

    with FakeLLM(api_key="sk-test") as fake:
        client = openai.OpenAI(api_key="sk-test", base_url=fake.base_url)
        fake.script("invalid_json", "grounded")  # the next two replies; then the default mode
    """

    server_name = "FakeLLM"

    def __init__(self, api_key: str = "sk-fake", *, model: str = "fake-model", slow_seconds: float = 2.0):
        super().__init__()
        self.api_key = api_key
        self.model = model
        self.slow_seconds = slow_seconds
        self.default_mode: Mode = "grounded"
        self._lock = threading.Lock()
        self._scripted: deque[Mode] = deque()
        self._requests: list[RecordedRequest] = []
        self._ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        """What goes into OPENAI_BASE_URL: ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    # -- scripting and inspection -------------------------------------------------------------------

    def script(self, *modes: Mode) -> None:
        """How the next chat completions are answered, in order; after them, `default_mode`."""
        unknown = [mode for mode in modes if mode not in MODES]
        if unknown:
            raise ValueError(f"unknown modes {unknown}; known: {', '.join(MODES)}")
        with self._lock:
            self._scripted.extend(modes)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def completions(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def reset(self) -> None:
        with self._lock:
            self._scripted.clear()
            self._requests.clear()
            self.default_mode = "grounded"

    # -- serving ------------------------------------------------------------------------------------

    def handle_http(self, method: str, path: str, headers: Mapping[str, str], raw: bytes) -> Reply:
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            body = {}
        route = path.split("?", 1)[0].rstrip("/")
        mode = self._next_mode() if (method, route) == ("POST", "/v1/chat/completions") else None
        with self._lock:
            self._requests.append(RecordedRequest(method, route, dict(headers), body, mode))
        if headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
        if (method, route) == ("GET", "/v1/models"):
            return Reply.json({"object": "list", "data": [_model(self.model)]})
        if mode is None:
            return _error(404, f"Unknown request URL: {method} {route}", "invalid_request_error", None)
        if not isinstance(body.get("messages"), list) or not body.get("model"):
            return _error(400, "model and messages are required.", "invalid_request_error", None)
        return self._complete(mode, body)

    def bug_reply(self, exc: Exception) -> Reply:
        return _error(500, f"fake server bug: {exc!r}", "server_error", None)

    def _next_mode(self) -> Mode:
        with self._lock:
            return self._scripted.popleft() if self._scripted else self.default_mode

    def _complete(self, mode: Mode, body: JSONDict) -> Reply:
        if mode == "rate_limited":
            return _error(429, "Rate limit reached.", "requests", "rate_limit_exceeded", retry_after="1")
        if mode == "server_error":
            return _error(500, "The server had an error.", "server_error", None)
        if mode == "slow":
            time.sleep(self.slow_seconds)
        prompt = "\n".join(str(m.get("content") or "") for m in body["messages"])
        answers = bridging.CONTENT if bridging.is_drafting_request(body) else _CONTENT
        content = answers.get(mode, _CONTENT["grounded"])(_user_prompt(body["messages"]))
        return Reply.json(self._completion(str(body["model"]), prompt, content))

    def _completion(self, model: str, prompt: str, content: str) -> JSONDict:
        prompt_tokens = max(1, len(prompt) // 4)
        completion_tokens = max(1, len(content) // 4)
        return {
            "id": f"chatcmpl-fake-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }


# -- what each mode answers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Comment:
    id: str
    position: str
    text: str


def _user_prompt(messages: Sequence[JSONDict]) -> str:
    return "\n".join(str(m.get("content") or "") for m in messages if m.get("role") == "user")


def _comments(prompt: str) -> list[_Comment]:
    found = []
    for attributes, text in _COMMENT.findall(prompt):
        values = {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(attributes)}
        found.append(_Comment(values.get("id", ""), values.get("position", ""), html.unescape(text)))
    return found


def _opening(text: str, words: int = 8) -> str:
    return " ".join(text.split()[:words])


def _grounded(prompt: str) -> JSONDict:
    """A summary of the comments in the prompt or, for a merge request, of the partial summaries."""
    comments = _comments(prompt)
    if not comments and "<partial_summary" in prompt:
        return _merged(prompt)
    sections: dict[str, list[_Comment]] = {
        "common_ground": [],
        "disagreements": [],
        "wording_suggestions": [],
    }
    for comment in comments:
        sections[_SECTION_OF_POSITION.get(comment.position, "common_ground")].append(comment)
    reply: JSONDict = {name: [] for name in sections}
    for name, members in sections.items():
        if not members:
            continue
        statement = {
            "citations": [c.id for c in members],
            "quotes": [_opening(c.text) for c in members[:3]],
        }
        if name == "disagreements":
            reply[name].append(
                {"point": f"{len(members)} comments disagree", "why": "see the quotes", **statement}
            )
        else:
            reply[name].append({"text": f"{len(members)} comments: {name.replace('_', ' ')}", **statement})
    return reply


def _merged(prompt: str) -> JSONDict:
    """Every partial statement kept, in its section (the merge a careful model would do with no overlap)."""
    reply: JSONDict = {"common_ground": [], "disagreements": [], "wording_suggestions": []}
    for section, citations, inner in _STATEMENT.findall(prompt):
        texts = _TEXT.findall(inner)
        text = html.unescape(texts[0]) if texts else "merged"
        statement = {
            "citations": html.unescape(citations).split(),
            "quotes": [html.unescape(q) for q in _QUOTE.findall(inner)],
        }
        if section == "disagreements":
            reply[section].append({"point": text, "why": "as the parts said", **statement})
        elif section in reply:
            reply[section].append({"text": text, **statement})
    return reply


def _hallucinated(prompt: str) -> JSONDict:
    reply = _grounded(prompt)
    comments = _comments(prompt)
    real = comments[0] if comments else _Comment("c1", "", "")
    reply["common_ground"] = [
        {
            "text": "Mixed: one real source, one invented",
            "citations": [real.id, "c999", "ghost"],
            "quotes": [_opening(real.text), "words nobody wrote in this thread"],
        },
        {"text": "Invented entirely", "citations": ["c404"], "quotes": ["a quote from nowhere"]},
    ]
    return reply


def _ungrounded(prompt: str) -> JSONDict:
    reply = _grounded(prompt)
    for statements in reply.values():
        for statement in statements:
            statement["citations"] = ["c404", "ghost"]
    return reply


def _malicious(prompt: str) -> JSONDict:
    reply = _grounded(prompt)
    payload = (
        "<!channel> <!here> <!everyone> @here look <@U123> <#C999|general> <!subteam^S1|@team> "
        "<https://evil.example/x|click here> http://evil.example/y www.evil.example *bold _it ~s `code ```"
    )
    for name, statements in reply.items():
        for statement in statements:
            key = "point" if name == "disagreements" else "text"
            statement[key] = payload + " " + statement[key]
    return reply


def _as_json(build: Callable[[str], JSONDict]) -> Callable[[str], str]:
    return lambda prompt: json.dumps(build(prompt), ensure_ascii=False)


_CONTENT: Final[dict[str, Callable[[str], str]]] = {
    "grounded": _as_json(_grounded),
    "slow": _as_json(_grounded),
    "hallucinated_citations": _as_json(_hallucinated),
    "ungrounded": _as_json(_ungrounded),
    "malicious_output": _as_json(_malicious),
    "invalid_json": lambda prompt: '{"common_ground": [{"text": "unterminated',
    "schema_violation": lambda prompt: json.dumps({"common_ground": "everyone agrees", "extra": 1}),
    "obeys_injection": _as_json(_grounded),
}


def _error(status: int, message: str, kind: str, code: str | None, retry_after: str | None = None) -> Reply:
    headers = {"Retry-After": retry_after} if retry_after else {}
    payload = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return Reply.json(payload, status, headers)


def _model(name: str) -> JSONDict:
    return {"id": name, "object": "model", "created": 0, "owned_by": "fake"}
