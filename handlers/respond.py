"""Bolt's `respond()` with the bot's retry budgets, and a failure that is logged, not silent.

Bolt answers through a `response_url` with a WebhookClient that retries only dropped connections:
a 429 or a 503 there lost the voter's confirmation without a word. This one retries each kind of
failure within its own budget (bot/slack_retries.py) and logs what still fails, with its status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import BoltContext
from slack_bolt.context.respond import Respond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk.models.attachments import Attachment
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookClient, WebhookResponse

from bot.slack_retries import retry_handlers

log = logging.getLogger("consult_bot.slack")


class RetryingRespond(Respond):
    def __call__(
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[dict[str, Any] | Block] | None = None,
        attachments: Sequence[dict[str, Any] | Attachment] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> WebhookResponse:
        if self.response_url is None:
            raise ValueError("respond is unsupported here as there is no response_url")
        if isinstance(text, dict):
            message = _build_message(**text)
        else:
            message = _build_message(
                text=text,
                blocks=blocks,
                attachments=attachments,
                response_type=response_type,
                replace_original=replace_original,
                delete_original=delete_original,
                unfurl_links=unfurl_links,
                unfurl_media=unfurl_media,
                thread_ts=thread_ts,
                metadata=metadata,
            )
        client = WebhookClient(
            url=self.response_url,
            proxy=self.proxy,
            ssl=self.ssl,
            retry_handlers=retry_handlers(),
        )
        response = client.send_dict(message)
        if response.status_code != 200:
            log.warning("Slack response_url failed: %s %s", response.status_code, response.body[:200])
        return response


def use_retrying_respond(context: BoltContext, next: Callable[[], None]) -> None:
    """Middleware: every listener's `respond` retries as the bot's Web API client does."""
    if context.response_url:
        context["respond"] = RetryingRespond(
            response_url=context.response_url, proxy=context.client.proxy, ssl=context.client.ssl
        )
    next()
