"""Publishing a person's App Home (`views.publish`) for the outbound adapter.

Each publish renders the Home in the person's Slack time zone and skips the call when the Home
would look exactly as this process last published it, unless forced (the person opened the tab
or turned a page).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.home import HomeScreen
from bot.services.ports import DeliveryFailed
from handlers.blocks.home import home_view, unregistered_view
from handlers.poll_support import user_zone
from handlers.slack_errors import slack_error

log = logging.getLogger("consult_bot.home")
# Slack no longer knows the person, or the Home tab is switched off: nothing to publish to.
_UNPUBLISHABLE = {"user_not_found", "not_enabled", "account_inactive"}


class HomePublisher:
    def __init__(self, client: WebClient, default_zone: ZoneInfo) -> None:
        self.client = client
        self.default_zone = default_zone
        self._lock = threading.Lock()
        self._zones: dict[str, ZoneInfo] = {}
        self._published: dict[str, str] = {}

    def publish(self, user: str, screen: HomeScreen | None, pages: Mapping[str, int], *, force: bool) -> None:
        view = unregistered_view() if screen is None else home_view(screen, self._zone(user), pages)
        payload = view.to_dict()
        fingerprint = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        with self._lock:
            if not force and self._published.get(user) == fingerprint:
                return
        try:
            self.client.views_publish(user_id=user, view=payload)
        except SlackApiError as exc:
            error = slack_error(exc)
            if error not in _UNPUBLISHABLE:
                log.warning("Slack Web API views.publish failed: %s", error)
                raise DeliveryFailed("views.publish", error) from exc
            log.info("no Home for %s: %s", user, error)
            return
        with self._lock:
            self._published[user] = fingerprint

    def _zone(self, user: str) -> ZoneInfo:
        with self._lock:
            zone = self._zones.get(user)
        if zone is None:
            zone = user_zone(self.client, user, self.default_zone)
            with self._lock:
                self._zones[user] = zone
        return zone
