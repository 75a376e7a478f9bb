"""The demo's scenes, in the order they play; each feature adds its own module here."""

from __future__ import annotations

from bot.demo import Scene
from bot.demo_scenes import foundation

SCENES: list[Scene] = [*foundation.SCENES]
