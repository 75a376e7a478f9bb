"""The composition root: services, Web API client, outbound adapter and Bolt app (the HTTP
routes are in bot/web.py).

With runner.py, cli.py and demo.py, the only code that knows both the handlers and the services.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient

import handlers
from bot.config import Settings
from bot.services import Services, build_services
from bot.slack_api_counter import SlackApiCounter
from bot.slack_retries import PacedWebClient, RateLimits, retry_handlers
from handlers.outbound import SlackOutbound
from storage.db import Database

T = TypeVar("T")
log = logging.getLogger("consult_bot")


class ListenerPool(ThreadPoolExecutor):
    """Bolt's listener pool, able to say when the work it was given (after the acks) is done."""

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="listener")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        with self._idle:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: Future[Any]) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0, *, busy: int = 0) -> bool:
        """True once at most `busy` listeners are still at work (those that wait on something else)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending <= busy, timeout=timeout)


class StickyAck(Ack):
    """An acknowledgement that stays given.

    When a listener raises after `ack()`, Bolt's thread runner sets `ack.response` back to None; if
    that happens before the HTTP handler picked the response up (it polls every 10 ms), Slack would
    get nothing for three seconds and then an error. With this ack the 200 always goes out, and the
    error handler still tells the person what went wrong. `given` is a copy of what `ack()` answered,
    which Bolt never sees (see `ConsultBoltApp`).
    """

    def __init__(self) -> None:
        self._response: BoltResponse | None = None
        self.given: BoltResponse | None = None
        super().__init__()  # type: ignore[no-untyped-call]

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        answer: BoltResponse = super().__call__(*args, **kwargs)
        if self.given is None:
            self.given = BoltResponse(status=answer.status, body=answer.body, headers=dict(answer.headers))
        return answer

    @property
    def response(self) -> BoltResponse | None:
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self._response is None:
            self._response = value


class ConsultBoltApp(App):
    """Bolt's App, answering Slack with exactly what the listener acknowledged.

    A listener that raises just after `ack()` races Bolt's thread runner: the runner sets the status
    of the response it shares with the request thread to 500 (slack_bolt/listener/thread_runner.py,
    process_before_response=False), sometimes after the request thread took that very object as
    its answer, so Slack would see a 500 for a click that was acknowledged (and stored).
    """

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        answer = super().dispatch(req)
        ack = req.context.get("ack")
        if isinstance(ack, StickyAck) and ack.given is not None:
            return ack.given
        return answer


def _sticky_ack(context: BoltContext, next: Callable[[], None]) -> None:
    context["ack"] = StickyAck()
    next()


# One workspace per process, and Slack limits each method per workspace: every client shares these.
_RATE_LIMITS = RateLimits()


def _paced_listener_client(context: BoltContext, next: Callable[[], None]) -> None:
    """Bolt builds a plain WebClient per request; the listeners get one that keeps the limits."""
    context["client"] = PacedWebClient.like(context.client, _RATE_LIMITS)
    next()


def build_bot(settings: Settings, db: Database | None = None) -> Services:
    """The services, telling Slack what happens through the outbound adapter and its own client."""
    return build_services(settings, SlackOutbound(make_web_client(settings), settings.timezone), db=db)


def make_web_client(settings: Settings) -> WebClient:
    """Every Web API call goes to SLACK_API_URL; 429s, 5xx and dropped connections are retried,
    each kind within its own budget (bot/slack_retries.py)."""
    # Commands that never call Slack (partners import...) run without a token.
    return PacedWebClient(
        token=settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None,
        base_url=settings.slack_api_url,
        timeout=15,
        # The counter first: it sees every attempt and retries none.
        retry_handlers=[SlackApiCounter(), *retry_handlers(_RATE_LIMITS)],
        limits=_RATE_LIMITS,
    )


def create_bolt_app(services: Services, client: WebClient | None = None) -> App:
    settings = services.settings
    socket_mode = settings.socket_mode
    app = ConsultBoltApp(
        client=client or make_web_client(settings),
        # Socket Mode requests come over an authenticated socket, not signed HTTP.
        signing_secret=None if socket_mode else settings.signing_secret(),
        request_verification_enabled=not socket_mode,
        token_verification_enabled=False,
        # Ack goes back as soon as the listener calls ack(); slow work continues in the pool.
        process_before_response=False,
        listener_executor=ListenerPool(max_workers=32),
        raise_error_for_unhandled_request=False,
        ignoring_self_events_enabled=True,
    )
    app.middleware(_sticky_ack)
    app.middleware(_paced_listener_client)
    handlers.register(app, services)
    return app
