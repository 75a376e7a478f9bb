"""Counting every attempt at Slack's Web API for `GET /metrics`, from inside slack-sdk's retry loop."""

from __future__ import annotations

from slack_sdk.http_retry import RetryHandler, RetryState
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

from bot.metrics import SLACK_API_ATTEMPTS
from bot.slack_retries import called


class SlackApiCounter(RetryHandler):
    """Counts every attempt of a Web API call; it retries nothing itself, so put it first among the
    retry handlers (slack-sdk asks each in turn after every attempt, until one retries)."""

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        SLACK_API_ATTEMPTS.labels(
            method=called(request.url), status=str(response.status_code if response else 0)
        ).inc()
        return False
