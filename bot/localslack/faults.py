"""Slack having a bad moment: failures for the next calls of a method or for a while, latency, and
a record of every attempt (when it came, what it was answered) so a test can check the bot waited
as long as ``Retry-After`` asked before trying again."""

from __future__ import annotations

import time
from typing import Any

from bot.localhttp import Reply
from bot.localslack.state import Attempt, Fault, FaultWindow, WorkspaceState

JSONDict = dict[str, Any]

#: ``fail_for(ANY_METHOD, ...)`` makes every Web API method (and response URLs) fail.
ANY_METHOD = "*"


class FaultInjection(WorkspaceState):
    def fail_next(
        self, method: str, status: int = 429, retry_after: int = 1, times: int = 1, error: str | None = None
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        429 answers ``Retry-After: retry_after`` and ``{"ok": false, "error": "ratelimited"}``;
        500/503 answer a server error; 200 with ``error`` answers ``{"ok": false, "error": error}``.
        ``method`` may also be ``"response_url"``.
        """
        with self._lock:
            self._faults.setdefault(method, []).append(Fault(status, retry_after, times, error))

    def fail_for(
        self, method: str, seconds: float, status: int = 429, retry_after: int = 1, error: str | None = None
    ) -> None:
        """Make every call to ``method`` (``"*"``: to any method) fail for ``seconds`` from now.

        Answers as ``fail_next`` does; ``fail_next`` faults are used up first. A new window for the
        same method replaces the old one; ``seconds=0`` ends it.
        """
        with self._lock:
            self._fault_windows[method] = FaultWindow(status, retry_after, time.monotonic() + seconds, error)

    def attempts(self, method: str | None = None) -> list[Attempt]:
        """Every call that reached the fake (of ``method`` if given), failed ones too, oldest first."""
        with self._lock:
            return [a for a in self._attempts if method is None or a.method == method]

    def retry_after_violations(self, method: str | None = None) -> list[str]:
        """Attempts that came sooner than the ``Retry-After`` of the 429 before them (empty if none)."""
        violations: list[str] = []
        last_limited: dict[str, Attempt] = {}
        for attempt in self.attempts(method):
            previous = last_limited.get(attempt.method)
            if previous is not None and previous.retry_after is not None:
                waited = attempt.at - previous.at
                if waited < previous.retry_after:
                    violations.append(
                        f"{attempt.method} retried after {waited:.3f}s; "
                        f"Retry-After asked {previous.retry_after}s"
                    )
            last_limited[attempt.method] = attempt
        return violations

    def set_latency(self, seconds: float) -> None:
        """Delay every answer by ``seconds`` (0 to turn off)."""
        self._latency = max(0.0, seconds)

    def _take_fault(self, method: str) -> Fault | FaultWindow | None:
        queue = self._faults.get(method)
        if queue:
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.pop(0)
            return fault
        now = time.monotonic()
        for key in (method, ANY_METHOD):
            window = self._fault_windows.get(key)
            if window is not None and now < window.until:
                return window
        return None

    def _note_attempt(self, method: str, arrived: float, reply: Reply) -> Reply:
        retry_after = reply.headers.get("Retry-After") if reply.status == 429 else None
        self._attempts.append(
            Attempt(method, arrived, reply.status, int(retry_after) if retry_after else None)
        )
        return reply

    def _fault_reply(self, method: str, params: JSONDict, fault: Fault | FaultWindow) -> Reply:
        headers: dict[str, str] = {}
        if fault.status == 429:
            response: JSONDict = {"ok": False, "error": "ratelimited"}
            headers["Retry-After"] = str(fault.retry_after)
        elif fault.status >= 500:
            response = {"ok": False, "error": "service_unavailable" if fault.status == 503 else "fatal_error"}
        else:
            response = {"ok": False, "error": fault.error or "fatal_error"}
        self._record(method, params, response)
        return Reply.json(response, status=fault.status, headers=headers)
