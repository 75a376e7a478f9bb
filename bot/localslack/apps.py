"""The local Slack's ``apps.connections.open``: the app-level token gets a Socket Mode URL."""

from __future__ import annotations

from typing import Any

from bot.localslack.state import WorkspaceState
from bot.localslack.wire import Args, web_method

JSONDict = dict[str, Any]


class AppsApi(WorkspaceState):
    @web_method("apps.connections.open")
    def _apps_connections_open(self, args: Args) -> JSONDict:
        return {"ok": True, "url": self.socket_mode.new_url()}
