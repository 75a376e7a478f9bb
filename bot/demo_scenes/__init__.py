"""The demo's scenes, in the order they play; each feature adds its own module here."""

from __future__ import annotations

from bot.demo import Scene
from bot.demo_scenes import consultations as consultation_scenes
from bot.demo_scenes import digest as digest_scenes
from bot.demo_scenes import exports as export_scenes
from bot.demo_scenes import foundation
from bot.demo_scenes import home as home_scenes
from bot.demo_scenes import polls as poll_scenes

SCENES: list[Scene] = [
    *foundation.SCENES,
    *consultation_scenes.SCENES,
    *poll_scenes.SCENES,
    *digest_scenes.SCENES,
    *home_scenes.SCENES,
    *export_scenes.SCENES,
]
