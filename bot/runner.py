"""`consult-bot run`: Socket Mode or HTTP in the foreground, with the scheduler beside it.

SIGTERM and SIGINT stop it cleanly in both modes: no new requests are taken, those in flight are
finished (each vote is committed and acknowledged), the votes still queued are written and the
poll messages brought up to date, then the process exits with status 0.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from slack_bolt import App
from slack_sdk import WebClient

from bot.app import ListenerPool, create_bolt_app, make_web_client
from bot.jobs import register_all
from bot.scheduler import BotScheduler
from bot.server import BotServer
from bot.services import Services

log = logging.getLogger("consult_bot")
# Seconds given at shutdown to the listeners in flight, then to the queued votes, then to the poll
# messages: ten in all, within the time supervisors allow before their SIGKILL.
_LISTENER_SECONDS = 4.0
_VOTE_SECONDS = 3.0
_UPDATE_SECONDS = 3.0


def run_bot(services: Services) -> None:
    settings = services.settings
    client = make_web_client(settings)
    scheduler = BotScheduler(settings.timezone)
    register_all(scheduler, services)
    stop = _stop_on_signals()
    scheduler.start()
    try:
        if stop.is_set():
            return  # stopped while starting up: nothing was taken yet
        if settings.socket_mode:
            _serve_socket_mode(services, client, stop)
        else:
            server = BotServer(
                services, host=settings.host, port=settings.port, client=client, log_level="info"
            )
            log.info("serving Slack requests on %s (health: %s/healthz)", server.events_url, server.url)
            # uvicorn handles SIGTERM/SIGINT itself: it stops accepting and finishes the requests in flight.
            server.serve_forever()
            _finish_listeners(server.bolt)
    finally:
        log.info("stopping: writing queued votes and updating poll and consultation messages")
        scheduler.shutdown()
        if not services.polls.votes.close(_VOTE_SECONDS):
            log.error("votes were still being written when the bot stopped")
        services.polls.updates.flush(_UPDATE_SECONDS)
        services.consultations.root_updates.flush(_UPDATE_SECONDS)
        log.info("stopped")


def _serve_socket_mode(services: Services, client: WebClient, stop: threading.Event) -> None:
    # websocket-client notices a dropped socket at once and reconnects; slack_sdk's built-in
    # client only notices after several missed pongs, spinning on the dead socket meanwhile.
    from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler

    log.info("starting in Socket Mode")
    app = create_bolt_app(services, client)
    handler = SocketModeHandler(app, services.settings.app_token())
    handler.connect()  # type: ignore[no-untyped-call]
    stop.wait()
    log.info("stopping: finishing the requests in flight")
    # The socket stays open meanwhile, so that their acknowledgements still reach Slack.
    _finish_listeners(app)
    handler.close()  # type: ignore[no-untyped-call]


def _finish_listeners(app: App) -> None:
    pool = app.listener_runner.listener_executor
    if isinstance(pool, ListenerPool) and not pool.wait_idle(_LISTENER_SECONDS):
        log.error("listeners were still busy when the bot stopped")


def _stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT; the signals no longer end the process by themselves.

    uvicorn installs its own handlers while it serves and, once it has shut down, raises the signal
    again with the handlers it found: these, so the process goes on to write what is queued.
    """
    stop = threading.Event()

    def requested(signum: int, _frame: FrameType | None) -> None:
        if not stop.is_set():
            log.info("received %s", signal.Signals(signum).name)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, requested)
    return stop
