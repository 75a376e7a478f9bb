"""The generated year's comments, week by week (a later week can be added to a generated year)."""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from bot.domain.consultations.threads import ts_to_datetime
from storage.db import Database
from storage.models import (
    ConsultationComment,
)

from .dataset import Dataset, Member, Thread, insert_rows, partners_only, sentence, slack_ts
from .vocabulary import CHANNEL, GUEST, WEEK, WEEKS, YEAR_START, Row


def add_week_comments(db: Database, dataset: Dataset, week: int) -> int:
    """Inserts the comments of `week` (0-based) in one transaction; returns how many."""
    rows = list(_week_comments(dataset, week))
    insert_rows(db, ConsultationComment, rows)
    dataset.comments += len(rows)
    dataset.live.update((week, row["consultation_id"]) for row in rows if row["deleted_at"] is None)
    return len(rows)


def _week_range(total: int, week: int) -> range:
    """Comment indexes of `week` when `total` comments are spread evenly over the year."""
    return range(-(-week * total // WEEKS), -(-(week + 1) * total // WEEKS))


def _week_comments(dataset: Dataset, week: int) -> Iterator[Row]:
    """Seven in ten go to consultations opened in the last four weeks, the rest to any older thread."""
    rng = random.Random(f"{dataset.seed}-comments-{week}")
    weeks = [thread.week for thread in dataset.threads]
    opened = bisect.bisect_right(weeks, week)
    recent = bisect.bisect_left(weeks, week - 3)
    if opened == 0:
        return
    start = YEAR_START + week * WEEK
    authors = [*partners_only(dataset.members), dataset.members[0]]
    seen: set[str] = set()
    for index in _week_range(dataset.volume.comments, week):
        pool = range(recent, opened) if rng.random() < 0.7 and recent < opened else range(opened)
        thread = dataset.threads[rng.choice(pool)]
        posted = start + timedelta(seconds=rng.uniform(3 * 3600, WEEK.total_seconds() - 3600))
        ts = _unique_ts(posted, seen)
        author = None if rng.random() < 0.03 else rng.choice(authors)
        yield _comment_row(rng, index + 1, thread, ts, author, start + WEEK)


def _unique_ts(moment: datetime, seen: set[str]) -> str:
    ts = slack_ts(moment)
    while ts in seen:
        moment += timedelta(microseconds=1)
        ts = slack_ts(moment)
    seen.add(ts)
    return ts


def _comment_row(
    rng: random.Random, comment_id: int, thread: Thread, ts: str, author: Member | None, week_end: datetime
) -> Row:
    """As ConsultationService stores a reply; edits and deletions stay within the week they were posted."""
    posted = ts_to_datetime(ts)
    edited = posted + timedelta(minutes=rng.uniform(10, 24 * 60)) if rng.random() < 0.05 else None
    if edited is not None and edited >= week_end:
        edited = None
    deleted = (
        posted + timedelta(hours=1)
        if rng.random() < 0.01 and posted + timedelta(hours=1) < week_end
        else None
    )
    return {
        "id": comment_id,
        "consultation_id": thread.consultation_id,
        "channel_id": CHANNEL,
        "ts": ts,
        "thread_ts": thread.root_ts,
        "author": author.slack_user_id if author else GUEST,
        "author_name": author.name if author else None,
        "organisation": author.organisation if author else None,
        "region": author.region if author else None,
        "country": author.country if author else None,
        "text": " ".join(sentence(rng) for _ in range(rng.randint(1, 4))),
        "files": [],
        "posted_at": posted,
        "edited_ts": slack_ts(edited) if edited else None,
        "edited_at": ts_to_datetime(slack_ts(edited)) if edited else None,
        "deleted_at": deleted,
        "created_at": posted,
    }


# -- polls -----------------------------------------------------------------------------------------------
