"""A thin wrapper over the `openai` client: one JSON-schema chat completion, validated, with its token use.

Any OpenAI-compatible server works (`OPENAI_BASE_URL`). The client's own retries are off: the summary
service decides what to retry (an invalid reply, once) and what to give up on (everything else).
Every failure becomes one `LLMError`, whose `kind` says what went wrong and whose `usage` says what it
cost (an invalid reply still spent tokens).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final, Generic, Literal, TypeVar

import openai
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from bot.config import Settings
from bot.metrics import count_llm_usage

ErrorKind = Literal["timeout", "rate_limited", "server_error", "connection", "http_error", "invalid_output"]
M = TypeVar("M", bound=BaseModel)

_CHARS_PER_TOKEN: Final = 4


def estimate_tokens(text: str) -> int:
    """About four characters a token for European languages: enough to plan, never to bill."""
    return (len(text) + _CHARS_PER_TOKEN - 1) // _CHARS_PER_TOKEN


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.calls + other.calls,
        )


class LLMError(Exception):
    def __init__(self, kind: ErrorKind, detail: str, usage: Usage | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.usage = usage or Usage(calls=1)

    @property
    def invalid_output(self) -> bool:
        """The server answered but the reply is unusable: worth one more try, unlike an outage."""
        return self.kind == "invalid_output"


@dataclass(frozen=True)
class LLMReply(Generic[M]):
    value: M
    usage: Usage


class LLMClient:
    def __init__(
        self, *, api_key: str, base_url: str | None, model: str, timeout: float, max_output_tokens: int
    ) -> None:
        self.model = model
        self.max_output_tokens = max_output_tokens
        self._client = openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)

    def complete(self, *, system: str, user: str, schema_name: str, reply_type: type[M]) -> LLMReply[M]:
        """Partner text belongs in `user` only; the system message holds our instructions."""
        try:
            reply = self._complete(system, user, schema_name, reply_type)
        except LLMError as error:
            count_llm_usage(error.kind, error.usage.prompt_tokens, error.usage.completion_tokens)
            raise
        count_llm_usage("ok", reply.usage.prompt_tokens, reply.usage.completion_tokens)
        return reply

    def _complete(self, system: str, user: str, schema_name: str, reply_type: type[M]) -> LLMReply[M]:
        response = self._request(system, user, schema_name, strict_schema(reply_type))
        usage = _usage(response, system + user)
        content = _content(response, usage)
        try:
            return LLMReply(reply_type.model_validate(json.loads(content)), usage)
        except json.JSONDecodeError as exc:
            raise LLMError("invalid_output", f"the reply is not JSON ({exc.msg})", usage) from exc
        except ValidationError as exc:
            raise LLMError(
                "invalid_output", f"the reply breaks the schema ({exc.error_count()} errors)", usage
            ) from exc

    def close(self) -> None:
        self._client.close()

    def _request(self, system: str, user: str, schema_name: str, schema: dict[str, Any]) -> ChatCompletion:
        try:
            return self._client.chat.completions.create(
                model=self.model,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": schema_name, "strict": True, "schema": schema},
                },
                max_tokens=self.max_output_tokens,
            )
        except openai.APITimeoutError as exc:
            raise LLMError("timeout", "no reply within the timeout") from exc
        except openai.APIConnectionError as exc:
            raise LLMError("connection", str(exc)) from exc
        except openai.RateLimitError as exc:
            raise LLMError("rate_limited", f"HTTP 429 (retry after {_retry_after(exc)})") from exc
        except openai.InternalServerError as exc:
            raise LLMError("server_error", f"HTTP {exc.status_code}") from exc
        except openai.APIStatusError as exc:
            raise LLMError("http_error", f"HTTP {exc.status_code}: {exc.message}") from exc
        except openai.OpenAIError as exc:
            raise LLMError("invalid_output", str(exc)) from exc


def client_for(settings: Settings) -> LLMClient | None:
    """The configured client; None when no OPENAI_API_KEY is set (the offline paths take over)."""
    key = settings.openai_api_key.get_secret_value().strip() if settings.openai_api_key else ""
    if not key:
        return None
    return LLMClient(
        api_key=key,
        base_url=settings.openai_base_url or None,
        model=settings.openai_model,
        timeout=settings.llm_timeout_seconds,
        max_output_tokens=settings.llm_max_output_tokens,
    )


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema in the subset strict structured outputs accept: every property required,
    no additional properties, no titles or defaults."""
    schema: dict[str, Any] = _strict(model.model_json_schema())
    return schema


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    cleaned = {key: _strict(value) for key, value in node.items() if key not in ("title", "default")}
    if cleaned.get("type") == "object" and "properties" in node:
        cleaned["properties"] = {name: _strict(value) for name, value in node["properties"].items()}
        cleaned["required"] = list(node["properties"])
        cleaned["additionalProperties"] = False
    return cleaned


def _usage(response: ChatCompletion, prompt: str) -> Usage:
    """The server's count; estimated from the text when a compatible server reports none."""
    usage = getattr(response, "usage", None)
    if usage is not None and isinstance(usage.prompt_tokens, int):
        return Usage(usage.prompt_tokens, usage.completion_tokens or 0, 1)
    content = _first_content(response) or ""
    return Usage(estimate_tokens(prompt), estimate_tokens(content), 1)


def _content(response: ChatCompletion, usage: Usage) -> str:
    try:
        choice = response.choices[0]
    except (AttributeError, IndexError, TypeError) as exc:
        raise LLMError("invalid_output", "the reply has no choices", usage) from exc
    if getattr(choice.message, "refusal", None):
        raise LLMError("invalid_output", "the model refused", usage)
    if choice.finish_reason == "length":
        raise LLMError("invalid_output", "the reply was cut at the output token limit", usage)
    if not isinstance(choice.message.content, str) or not choice.message.content.strip():
        raise LLMError("invalid_output", "the reply is empty", usage)
    return choice.message.content


def _first_content(response: ChatCompletion) -> str | None:
    try:
        content = response.choices[0].message.content
    except (AttributeError, IndexError, TypeError):
        return None
    return content if isinstance(content, str) else None


def _retry_after(exc: openai.APIStatusError) -> str:
    value = exc.response.headers.get("retry-after")
    return f"{value}s" if value else "unknown"
