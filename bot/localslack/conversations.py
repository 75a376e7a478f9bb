"""The local Slack's ``conversations.*`` and ``users.*`` methods, with Slack's cursor paging."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bot.localslack.models import Message
from bot.localslack.state import WorkspaceState
from bot.localslack.wire import Args, SlackError, decode_cursor, encode_cursor, ts_value, web_method

JSONDict = dict[str, Any]


class ConversationsApi(WorkspaceState):
    def _ts_window(self, args: Args) -> Callable[[Message], bool]:
        oldest = ts_value(args.text("oldest") or "0", "invalid_ts_oldest")
        latest_raw = args.text("latest")
        latest = ts_value(latest_raw, "invalid_ts_latest") if latest_raw else None
        inclusive = args.flag("inclusive")

        def inside(msg: Message) -> bool:
            ts = Decimal(msg.ts)
            after = ts >= oldest if inclusive else ts > oldest
            before = latest is None or (ts <= latest if inclusive else ts < latest)
            return after and before

        return inside

    @staticmethod
    def _limit(args: Args, default: int) -> int:
        limit = args.number("limit", default, error="invalid_limit")
        if limit < 0:
            raise SlackError("invalid_limit")
        return min(limit or default, 1000)

    def _page_messages(
        self, items: list[Message], args: Args, *, newest_first: bool, default_limit: int
    ) -> tuple[list[Message], str]:
        limit = self._limit(args, default_limit)
        cursor = args.text("cursor")
        if cursor:
            start = ts_value(decode_cursor(cursor, "next_ts"), "invalid_cursor")
            items = [m for m in items if (Decimal(m.ts) <= start if newest_first else Decimal(m.ts) >= start)]
        page, rest = items[:limit], items[limit:]
        return page, encode_cursor("next_ts", rest[0].ts) if rest else ""

    def _page_ids(
        self, ids: list[str], args: Args, *, kind: str, default_limit: int
    ) -> tuple[list[str], str]:
        limit = self._limit(args, default_limit or max(len(ids), 1))
        cursor = args.text("cursor")
        start = 0
        if cursor:
            first = decode_cursor(cursor, kind)
            if first not in ids:
                raise SlackError("invalid_cursor")
            start = ids.index(first)
        page = ids[start : start + limit]
        rest = ids[start + limit :]
        return page, encode_cursor(kind, rest[0]) if rest else ""

    # -- Web API: auth, chat --------------------------------------------------------------------

    @web_method("conversations.open")
    def _conversations_open(self, args: Args) -> JSONDict:
        channel_ref = args.text("channel")
        users_raw = args.text("users")
        if channel_ref:
            channel = self._resolve_channel(channel_ref)
            if not channel.is_im:
                raise SlackError("method_not_supported_for_channel_type")
            already = True
        else:
            if not users_raw:
                raise SlackError("users_list_not_supplied")
            users = [u.strip() for u in users_raw.split(",") if u.strip()]
            if len(users) != 1:
                raise SlackError("not_enough_users" if not users else "too_many_users")
            if users[0] not in self._users:
                raise SlackError("user_not_found")
            already = users[0] in self._im_by_user
            channel = self._open_im(users[0])
        data: JSONDict = {"ok": True, "channel": {"id": channel.id}}
        if args.flag("return_im"):
            data["channel"] = channel.to_api(self.bot_user_id)
        if already:
            data["no_op"] = True
            data["already_open"] = True
        return data

    @web_method("conversations.members")
    def _conversations_members(self, args: Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        page, next_cursor = self._page_ids(channel.members, args, kind="user", default_limit=100)
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}

    @web_method("conversations.replies")
    def _conversations_replies(self, args: Args) -> JSONDict:
        channel = self._resolve_channel(args.text("channel"))
        ts = args.text("ts")
        if not ts:
            raise SlackError(
                "invalid_arguments", response_metadata={"messages": ["[ERROR] missing required field: ts"]}
            )
        self._require_bot_in(channel)
        msg = self._index.get((channel.id, ts))
        if msg is None or (msg.deleted and msg.reply_count == 0):
            raise SlackError("thread_not_found")
        root = self._index[(channel.id, msg.thread_ts)] if msg.is_reply and msg.thread_ts else msg
        inside = self._ts_window(args)
        thread = [root] + [
            m for m in self._messages[channel.id] if m.is_reply and m.thread_ts == root.ts and not m.deleted
        ]
        page, next_cursor = self._page_messages(
            [m for m in thread if inside(m)], args, newest_first=False, default_limit=1000
        )
        return {
            "ok": True,
            "messages": [m.to_api() for m in page],
            "has_more": bool(next_cursor),
            "response_metadata": {"next_cursor": next_cursor},
        }

    @web_method("users.info")
    def _users_info(self, args: Args) -> JSONDict:
        user = self._users.get(args.text("user") or "")
        if user is None:
            raise SlackError("user_not_found")
        return {"ok": True, "user": user.to_api(self.team_id)}
