"""Logging for the bot's processes: plain lines or one JSON object per line, never a secret.

`LOG_FORMAT=json` gives one JSON object per line (`time`, `level`, `logger`, `message`, and
`exception` when there is one). Whatever the format, a record at WARNING or above carries no
token, signing secret, `response_url` or request body: tokens and Slack's response URLs are masked
wherever they appear, and what Bolt or slack-sdk would quote of a request body is cut off.
"""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import UTC, datetime

_TOKEN = re.compile(r"\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+")
_RESPONSE_URL = re.compile(r"https://hooks\.slack\.com/\S+")
_QUOTED_URL = re.compile(r"""(["']?response_url["']?\s*[:=]\s*)["']?[^"',\s}]+["']?""")
# A body as Bolt quotes it: a dict, a JSON object or a form body.
_BODY = re.compile(r"(\{.*\}|\bpayload=\S+|\b(?:token|command|text)=\S+)", re.DOTALL)
_QUOTING_LOGGERS = ("slack_bolt", "slack_sdk", "uvicorn", "starlette")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Redact(logging.Filter):
    """Masks secrets in a record (at WARNING or above) before any handler formats it."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if len(s) >= 8)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        message = self.clean(record.getMessage())
        if record.name.startswith(_QUOTING_LOGGERS):
            message = _BODY.sub("[body omitted]", message)
        record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            # The traceback stays; the exception's own text may quote a request.
            record.exc_text = self.clean(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True

    def clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[secret]")
        text = _TOKEN.sub("[token]", text)
        text = _RESPONSE_URL.sub("[response_url]", text)
        return _QUOTED_URL.sub(r"\1[response_url]", text)


class JsonLines(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(log_format: str | None = None, secrets: tuple[str, ...] = ()) -> None:
    """Sets up the root logger once per process (`LOG_FORMAT`: `text`, the default, or `json`)."""
    chosen = (log_format or os.environ.get("LOG_FORMAT") or "text").strip().lower()
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if chosen == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    # Migrations run before every command; their chatter belongs in debug output only.
    logging.getLogger("alembic").setLevel(logging.WARNING)
