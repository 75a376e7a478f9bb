"""What this process last put on a Slack surface, so an update that would change nothing is not sent.

Only for content that moves forward once final (a closed poll's results, a closed consultation's
root): two processes alternating on an open poll could otherwise skip an update that restores an
earlier rendering over another process's newer one.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

_CAPACITY = 4096


def fingerprint(content: object) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


class LastPublished:
    def __init__(self, capacity: int = _CAPACITY) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._seen: OrderedDict[str, str] = OrderedDict()

    def unchanged(self, surface: str, content: object) -> bool:
        with self._lock:
            return self._seen.get(surface) == fingerprint(content)

    def remember(self, surface: str, content: object) -> None:
        with self._lock:
            self._seen[surface] = fingerprint(content)
            self._seen.move_to_end(surface)
            while len(self._seen) > self._capacity:
                self._seen.popitem(last=False)
