"""Stepping into the instant between Slack doing something and the bot hearing of it.

``fake.after_next("chat.postMessage", action)`` runs ``action`` once the next successful
``chat.postMessage`` is stored and before its answer goes back to the caller: a person can reply
to a message in the instant between its posting and the bot knowing its ``ts``, as happens on
Slack when the bot is slow to hear back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.localslack.models import ApiCall
from bot.localslack.state import WorkspaceState


@dataclass
class AfterCall:
    """An action waiting for a call to a Web API method; ``wait()`` says it ran (or what it raised)."""

    method: str
    action: Callable[[ApiCall], None]
    error: BaseException | None = None
    _ran: threading.Event = field(default_factory=threading.Event)

    def run(self, call: ApiCall) -> None:
        try:
            self.action(call)
        except BaseException as exc:  # kept for wait(): the caller still gets its answer
            self.error = exc
        finally:
            self._ran.set()

    def wait(self, timeout: float = 10.0) -> None:
        """Waits until the action ran; raises what it raised, or TimeoutError if it never ran."""
        if not self._ran.wait(timeout):
            raise TimeoutError(f"no successful {self.method} within {timeout}s")
        if self.error is not None:
            raise self.error


class CallHooks(WorkspaceState):
    def after_next(self, method: str, action: Callable[[ApiCall], None]) -> AfterCall:
        """Runs ``action(call)`` once, after the next successful call to ``method`` is processed and
        before the caller hears the answer. It runs outside the workspace's lock, so it may use
        the fake and send events to the bot; meanwhile the caller waits for its answer."""
        hook = AfterCall(method, action)
        with self._lock:
            self._hooks.append(hook)
        return hook

    def _take_hooks(self, call: ApiCall) -> list[AfterCall]:
        """The hooks a processed call triggers (taken under the lock; run them after releasing it)."""
        if not call.ok:
            return []
        due = [h for h in self._hooks if h.method == call.method]
        self._hooks = [h for h in self._hooks if h.method != call.method]
        return due
