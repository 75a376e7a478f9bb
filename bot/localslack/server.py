"""A local stand-in for Slack's Web API, served over real HTTP on 127.0.0.1.

The bot under test talks to it with an ordinary ``slack_sdk.WebClient(base_url=fake.api_url)``;
the test (or ``consult-bot demo``) seeds users and channels, lets people "write" messages, and
afterwards inspects what the bot did: messages, ephemeral messages, views, files, and every API
call it made. The fake is strict on purpose: it checks tokens, required arguments, channel
membership, trigger ids and Block Kit limits the way Slack does, and answers with Slack's error
codes, so a test that passes here does not fail on Slack for a payload Slack would refuse.

The workspace and each Web API family live in modules of their own (``state``, ``people``,
``reading``, ``faults``, ``hooks``, ``chat``, ``conversations``, ``views``, ``files``,
``response_urls``);
``FakeSlack`` puts them together and routes each HTTP request.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from bot.localhttp import Reply
from bot.localslack.apps import AppsApi
from bot.localslack.conversations import ConversationsApi
from bot.localslack.faults import FaultInjection
from bot.localslack.files import FilesApi
from bot.localslack.hooks import CallHooks
from bot.localslack.models import ApiCall, Channel, EphemeralMessage, Message, StoredFile, User, View
from bot.localslack.people import WorkspacePeople
from bot.localslack.reading import WorkspaceReading
from bot.localslack.response_urls import ResponseUrls
from bot.localslack.views import ViewsApi
from bot.localslack.wire import WEB_METHODS, Args, SlackError, check_required, parse_params

__all__ = [
    "ApiCall",
    "Channel",
    "EphemeralMessage",
    "FakeSlack",
    "Message",
    "StoredFile",
    "User",
    "View",
]

JSONDict = dict[str, Any]


#: Methods that take the app-level token (xapp-) rather than the bot token.
_APP_TOKEN_METHODS = frozenset({"apps.connections.open"})


class FakeSlack(
    WorkspacePeople,
    WorkspaceReading,
    ConversationsApi,
    ViewsApi,
    FilesApi,
    ResponseUrls,
    FaultInjection,
    AppsApi,
    CallHooks,
):
    """A Slack workspace with one bot, answering the Web API on a local port.

    Use it as a context manager (or call ``start()`` / ``stop()``)::

        with FakeSlack() as fake:
            fake.add_user("U1", "anna", real_name="Anna Berger", tz="Europe/Vienna")
            fake.add_channel("C1", "general", members=["U1"])
            client = WebClient(base_url=fake.api_url, token=fake.bot_token)
            client.chat_postMessage(channel="C1", text="hello")
            assert fake.messages("C1")[0].text == "hello"
    """

    def stop(self) -> None:
        self.socket_mode.stop()
        super().stop()

    @classmethod
    def supported_methods(cls) -> frozenset[str]:
        """Every Web API method this fake answers."""
        return frozenset(WEB_METHODS)

    def reset(self) -> None:
        """Forget messages, ephemerals, views, files, triggers, response URLs, faults, hooks and calls.

        Users and channels (including DM channels) stay.
        """
        with self._lock:
            for channel_id in self._messages:
                self._messages[channel_id] = []
            self._index.clear()
            self._ephemerals.clear()
            self._views.clear()
            self._modal_stacks.clear()
            self._view_touched.clear()
            self._home_views.clear()
            self._files.clear()
            self._triggers.clear()
            self._response_urls.clear()
            self._faults.clear()
            self._calls.clear()
            self._fault_windows.clear()
            self._attempts.clear()
            self._hooks.clear()
            self._changed.notify_all()

    # -- HTTP entry -----------------------------------------------------------------------------

    def handle_http(self, verb: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        parts = urllib.parse.urlsplit(path)
        route = parts.path
        if route.startswith("/api/"):
            return self._handle_api(route[len("/api/") :], headers, parts.query, body)
        if route.startswith("/response/") and verb == "POST":
            return self._handle_response_url(route[len("/response/") :], headers, body)
        if route.startswith("/upload/v1/") and verb == "POST":
            return self._handle_upload(route[len("/upload/v1/") :], body)
        if route.startswith("/files/") and verb == "GET":
            return self._handle_download(route[len("/files/") :])
        return Reply.text("not_found", status=404)

    def _handle_api(self, method: str, headers: Mapping[str, str], query: str, body: bytes) -> Reply:
        arrived = time.monotonic()
        params, parse_error = parse_params(headers.get("content-type", ""), query, body)
        auth = headers.get("authorization", "")
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else None
        body_token = params.pop("token", None)
        token = token or (str(body_token) if body_token else None)
        if self._latency:
            time.sleep(self._latency)
        with self._lock:
            fault = self._take_fault(method)
            if fault is not None:
                return self._note_attempt(method, arrived, self._fault_reply(method, params, fault))
            response = self._answer(method, token, params, parse_error)
            self._record(method, params, response)
            reply = self._note_attempt(method, arrived, Reply.json(response))
            call = self._calls[-1]
            hooks = self._take_hooks(call)
        # Outside the lock: an action may use the fake while the caller still waits for `reply`.
        for hook in hooks:
            hook.run(call)
        return reply

    def _answer(self, method: str, token: str | None, params: JSONDict, parse_error: str | None) -> JSONDict:
        if parse_error:
            return {"ok": False, "error": parse_error}
        if not token:
            return {"ok": False, "error": "not_authed"}
        expected = self.app_token if method in _APP_TOKEN_METHODS else self.bot_token
        if token in (self.app_token, self.bot_token) and token != expected:
            return {"ok": False, "error": "not_allowed_token_type"}
        if token != expected:
            return {"ok": False, "error": "invalid_auth"}
        if method not in WEB_METHODS:
            return {"ok": False, "error": "unknown_method", "req_method": method}
        if method == "views.open" and not params.get("trigger_id"):
            # slack_sdk sends interactivity_pointer as an alternative to trigger_id
            params["trigger_id"] = params.get("interactivity_pointer")
        try:
            check_required(method, params)
            return WEB_METHODS[method](self, Args(params))
        except SlackError as exc:
            return exc.response()
