"""The local Slack's ``views.*`` methods (modals and the App Home), and how a modal's stack follows
what the app answers to a submission."""

from __future__ import annotations

import copy
import json
import time
from typing import Any, Literal

from bot.localslack.blockkit import validate_view
from bot.localslack.models import View
from bot.localslack.state import Trigger, WorkspaceState
from bot.localslack.wire import Args, SlackError, invalid_arguments, web_method

JSONDict = dict[str, Any]


class ViewsApi(WorkspaceState):
    def record_view_state(self, view_id: str, values: JSONDict) -> None:
        """Store what the user entered in a view (``state.values``)."""
        with self._lock:
            self._views[view_id].state = copy.deepcopy(values)

    def close_view(self, view_id: str, *, clear: bool = False) -> None:
        """The user closed a modal (or the app acknowledged its submission): pop it off the stack,
        or close the whole stack with ``clear=True``."""
        with self._lock:
            view = self._views.get(view_id)
            if view is None or view.type != "modal":
                return
            stack = self._modal_stacks.get(view.user, [])
            if clear:
                closing = list(stack)
                stack.clear()
            else:
                closing = [view_id]
                if view_id in stack:
                    stack.remove(view_id)
            for closed in closing:
                self._views[closed].is_open = False
            self._changed.notify_all()

    def apply_view_submission_response(self, view_id: str, status: int, body: str) -> list[str]:
        """Apply the app's answer to a view_submission the way Slack does.

        Empty 200 closes the view; ``response_action`` update / push / clear / errors act on the
        stack. Returns the problems Slack would have with the answer (empty if none).
        """
        with self._lock:
            view = self._views[view_id]
            if status != 200:
                return [f"the app answered HTTP {status}; Slack keeps the view open and shows an error"]
            if not body.strip():
                self.close_view(view_id)
                return []
            try:
                answer = json.loads(body)
            except ValueError:
                return [f"the app answered a body that is not JSON: {body[:200]!r}"]
            action = answer.get("response_action") if isinstance(answer, dict) else None
            if action is None:
                self.close_view(view_id)
                return []
            if action == "clear":
                self.close_view(view_id, clear=True)
                return []
            if action == "errors":
                return self._check_response_errors(view, answer.get("errors"))
            if action in ("update", "push"):
                payload = answer.get("view")
                errors = validate_view(payload)
                if not errors and isinstance(payload, dict) and payload.get("type") != "modal":
                    errors = ["must be modal [json-pointer:/view/type]"]
                if errors:
                    return [f"response_action={action} with an invalid view: {e}" for e in errors]
                assert isinstance(payload, dict)
                if action == "update":
                    self._update_view(view, payload)
                else:
                    stack = self._modal_stacks.setdefault(view.user, [])
                    if len(stack) >= 3:
                        return ["push_limit_reached: a modal stack holds at most 3 views"]
                    self._push_view(view.user, payload)
                return []
            return [f"unknown response_action {action!r}"]

    def _check_trigger(self, trigger_id: str | None) -> Trigger:
        trigger = self._triggers.get(trigger_id or "")
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued_at > self.trigger_ttl:
            raise SlackError("expired_trigger_id")
        return trigger

    @staticmethod
    def _view_payload(args: Args, expected_type: str) -> JSONDict:
        payload = args.get("view")
        if not isinstance(payload, dict):
            raise invalid_arguments(["must be a JSON object [json-pointer:/view]"])
        errors = validate_view(payload)
        if not errors and payload.get("type") != expected_type:
            errors = [f"must be {expected_type} [json-pointer:/view/type]"]
        if errors:
            raise invalid_arguments(errors)
        return payload

    def _check_external_id(self, payload: JSONDict, keep: str | None = None) -> None:
        external_id = payload.get("external_id")
        if external_id and any(
            v.external_id == external_id and v.is_open and v.id != keep for v in self._views.values()
        ):
            raise SlackError("duplicate_external_id")

    def _new_hash(self) -> str:
        return f"{time.time():.6f}.{self._token(8)}"

    def _fill_view(self, view: View, payload: JSONDict) -> None:
        previous_state = view.state
        view.blocks = self._with_ids(payload.get("blocks"))
        view.title = copy.deepcopy(payload.get("title"))
        view.submit = copy.deepcopy(payload.get("submit"))
        view.close = copy.deepcopy(payload.get("close"))
        view.callback_id = str(payload.get("callback_id") or "")
        view.private_metadata = str(payload.get("private_metadata") or "")
        view.external_id = str(payload.get("external_id") or "")
        view.clear_on_close = bool(payload.get("clear_on_close"))
        view.notify_on_close = bool(payload.get("notify_on_close"))
        view.submit_disabled = bool(payload.get("submit_disabled"))
        block_ids = {b.get("block_id") for b in view.blocks}
        view.state = {k: v for k, v in previous_state.items() if k in block_ids}
        view.hash = self._new_hash()
        self._view_touched[view.id] = self._next_counter()
        self._changed.notify_all()

    def _create_view(self, user: str, payload: JSONDict, view_type: Literal["modal", "home"]) -> View:
        view = View(
            id=self._new_id("V"),
            type=view_type,
            user=user,
            hash="",
            team_id=self.team_id,
            app_id=self.app_id,
            bot_id=self.bot_id,
        )
        self._fill_view(view, payload)
        self._views[view.id] = view
        return view

    def _push_view(self, user: str, payload: JSONDict) -> View:
        stack = self._modal_stacks.setdefault(user, [])
        view = self._create_view(user, payload, "modal")
        view.previous_view_id = stack[-1] if stack else None
        view.root_view_id = stack[0] if stack else view.id
        stack.append(view.id)
        return view

    def _update_view(self, view: View, payload: JSONDict) -> None:
        self._fill_view(view, payload)

    def _check_response_errors(self, view: View, errors: Any) -> list[str]:
        if not isinstance(errors, dict) or not errors:
            return ["response_action=errors needs a non-empty errors object"]
        input_ids = {b.get("block_id") for b in view.blocks if b.get("type") == "input"}
        return [
            f"response_action=errors names {key!r}, which is not the block_id of an input block"
            for key in errors
            if key not in input_ids
        ]

    @web_method("views.open")
    def _views_open(self, args: Args) -> JSONDict:
        trigger = self._check_trigger(args.text("trigger_id"))
        payload = self._view_payload(args, "modal")
        self._check_external_id(payload)
        trigger.used = True
        for old in self._modal_stacks.pop(trigger.user, []):
            self._views[old].is_open = False
        view = self._push_view(trigger.user, payload)
        return {"ok": True, "view": view.to_api()}

    @web_method("views.publish")
    def _views_publish(self, args: Args) -> JSONDict:
        user = args.text("user_id") or ""
        if user not in self._users:
            raise SlackError("user_not_found")
        payload = self._view_payload(args, "home")
        existing = self._views.get(self._home_views.get(user, ""))
        expected_hash = args.text("hash")
        if existing is not None and expected_hash and expected_hash != existing.hash:
            raise SlackError("hash_conflict")
        if existing is None:
            existing = self._create_view(user, payload, "home")
            existing.root_view_id = existing.id
            self._home_views[user] = existing.id
        else:
            self._update_view(existing, payload)
        return {"ok": True, "view": existing.to_api()}

    # -- Web API: files (upload v2) -------------------------------------------------------------
