"""`--profile-bot FILE`: where the bot's CPU goes, thread by thread, as pstats (cProfile).

Every thread started once profiling begins (the listener pool's, the vote writer, uvicorn's worker
threads) gets its own profiler timed by that thread's CPU clock, so waiting is not counted. Read the
file with `python -m pstats FILE` (sort cumulative). Profiling slows the bot several times over:
take its proportions, not its latencies.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import threading
import time
from typing import Any


class ThreadProfiles:
    def __init__(self) -> None:
        self._profiles: list[cProfile.Profile] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        threading.setprofile(self._start_in_thread)

    def _start_in_thread(self, *_: Any) -> None:
        sys.setprofile(None)
        profile = cProfile.Profile(timer=time.thread_time)
        with self._lock:
            self._profiles.append(profile)
        profile.enable()

    def save(self, path: str) -> None:
        threading.setprofile(None)
        with self._lock:
            profiles = list(self._profiles)
        for profile in profiles:
            profile.disable()
        if profiles:
            stats = pstats.Stats(profiles[0])
            for profile in profiles[1:]:
                stats.add(profile)
            stats.dump_stats(path)
