"""Retries of Web API calls, with a budget of their own per kind of failure.

slack-sdk's built-in handlers share one attempt counter, so after three 429s a 503 is no longer
retried. Here each kind (rate limited, Slack's server errors, the connection) counts its own
retries in the request's retry state, and a 429's Retry-After is always waited out in full.
What still fails after its budget reaches the caller, which keeps the work for later
(bot/services/ports.DeliveryFailed).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from abc import ABC, abstractmethod
from http.client import RemoteDisconnected
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

log = logging.getLogger("consult_bot.slack")
SERVER_ERRORS = frozenset({500, 502, 503, 504})


class BudgetedRetry(RetryHandler, ABC):
    """Retries one kind of failure up to `max_retry_count` times, whatever the other kinds used."""

    kind = "failure"

    def __init__(self, max_retry_count: int, first_wait: float = 0.5, longest_wait: float = 8.0) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.first_wait = first_wait
        self.longest_wait = longest_wait

    @abstractmethod
    def matches(self, response: HttpResponse | None, error: Exception | None) -> bool:
        """Whether this answer (or error) is the kind of failure this handler retries."""

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return self.matches(response, error) and self._used(state) < self.max_retry_count

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        used = self._used(state)
        wait = self.wait(used, response)
        log.info(
            "Slack answered %s to %s; retry %d in %.1f s", self.kind, called(request.url), used + 1, wait
        )
        time.sleep(wait)
        state.custom_values = {**(state.custom_values or {}), self.kind: used + 1}
        state.next_attempt_requested = True
        state.increment_current_attempt()

    def wait(self, used: int, response: HttpResponse | None) -> float:
        """Exponential backoff with jitter; never sooner than a Retry-After the answer carried."""
        backoff = min(self.first_wait * 2.0**used, self.longest_wait) * (1 + random.random() / 4)
        asked = retry_after(response)
        return max(backoff, asked) if asked is not None else backoff

    def _used(self, state: RetryState) -> int:
        return int((state.custom_values or {}).get(self.kind, 0))


class RateLimits:
    """When each Web API method may be called again. Slack's limits are per method: a 429's
    Retry-After holds for every later call of that method, not only for this call's retries."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}

    def hold(self, method: str, seconds: float) -> None:
        with self._lock:
            until = time.monotonic() + seconds
            self._until[method] = max(self._until.get(method, 0.0), until)

    def wait_for(self, method: str) -> None:
        with self._lock:
            until = self._until.get(method, 0.0)
        pause = until - time.monotonic()
        if pause > 0:
            log.info("waiting %.1f s before calling %s: Slack asked so", pause, method)
            time.sleep(pause + random.random() / 20)


class PacedWebClient(WebClient):
    """A WebClient whose new calls wait out their method's last Retry-After, too."""

    def __init__(self, *args: Any, limits: RateLimits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        self.limits.wait_for(api_method)
        return super().api_call(api_method, **kwargs)

    @classmethod
    def like(cls, client: WebClient, limits: RateLimits) -> PacedWebClient:
        """The same client (token, URL, retry handlers...) keeping to these limits."""
        return cls(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            ssl=client.ssl,
            proxy=client.proxy,
            headers=client.headers,
            team_id=client.default_params.get("team_id"),
            logger=client.logger,
            retry_handlers=client.retry_handlers,
            limits=limits,
        )


class RateLimitedRetry(BudgetedRetry):
    kind = "429"

    def __init__(self, max_retry_count: int, limits: RateLimits | None = None) -> None:
        super().__init__(max_retry_count)
        self.limits = limits

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if self.limits is not None and self.matches(response, error):
            # Also after the last attempt: the next call of the method waits as long.
            self.limits.hold(called(request.url), self.wait(0, response))
        return super().can_retry(state=state, request=request, response=response, error=error)

    def matches(self, response: HttpResponse | None, error: Exception | None) -> bool:
        return response is not None and response.status_code == 429

    def wait(self, used: int, response: HttpResponse | None) -> float:
        # Slack says when to come back; a little later than that, never sooner.
        asked = retry_after(response)
        return (asked if asked is not None else 1.0) + random.random() / 10


class ServerErrorRetry(BudgetedRetry):
    kind = "5xx"

    def matches(self, response: HttpResponse | None, error: Exception | None) -> bool:
        return response is not None and response.status_code in SERVER_ERRORS


class ConnectionRetry(BudgetedRetry):
    kind = "connection"

    def matches(self, response: HttpResponse | None, error: Exception | None) -> bool:
        if response is not None or error is None:
            return False
        return isinstance(error, URLError | ConnectionResetError | RemoteDisconnected | TimeoutError)


def called(url: str) -> str:
    """The Web API method a URL calls; a response_url is a secret, so only named."""
    path = url.split("?", 1)[0]
    return path.rsplit("/", 1)[-1] if "/api/" in path else "response_url"


def retry_after(response: HttpResponse | None) -> float | None:
    """The seconds a Retry-After header asks for, if the answer has a readable one."""
    if response is None:
        return None
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(float(str(values[0])), 0.0)
            except ValueError:
                return None
    return None


def retry_handlers(limits: RateLimits | None = None) -> list[RetryHandler]:
    """The bot's budgets: Slack's rate limits are waited out more often than its outages. With
    `limits`, each 429 also holds back the method's later calls (PacedWebClient)."""
    return [
        RateLimitedRetry(max_retry_count=6, limits=limits),
        ServerErrorRetry(max_retry_count=4),
        ConnectionRetry(2),
    ]
