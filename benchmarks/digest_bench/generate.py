"""A fresh database holding a generated year of a 40-partner consortium."""

from __future__ import annotations

import random

from storage.db import Database
from storage.models import (
    Partner,
)

from .comments import add_week_comments
from .dataset import Dataset, Volume, add_recommendations, consortium, insert_rows, partner_row
from .polls import add_polls
from .vocabulary import SEED, WEEKS


def generate(url: str, volume: Volume, *, seed: int = SEED, comment_weeks: int = WEEKS) -> Dataset:
    """A fresh database at `url` holding the year at `volume`; comments of the first `comment_weeks` only."""
    db = Database(url)
    try:
        db.upgrade()
        rng = random.Random(seed)
        members = consortium(rng)
        insert_rows(db, Partner, [partner_row(i, m) for i, m in enumerate(members, start=1)])
        dataset = Dataset(url, volume, seed, members, [])
        add_recommendations(db, rng, dataset)
        for week in range(comment_weeks):
            add_week_comments(db, dataset, week)
        add_polls(db, rng, dataset)
        return dataset
    finally:
        db.dispose()
