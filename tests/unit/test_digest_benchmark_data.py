"""The digest benchmark's generator (benchmarks/digest_bench/) still writes data the digest can read."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_bot
from bot.domain.digest import DigestContent, RecItem
from bot.services import Services
from storage.db import Database

# benchmarks/ holds scripts, not a package: imported by name at run time, so that mypy, given both files,
# does not meet the benchmark's modules under two module names.
generator = importlib.import_module("benchmarks.digest_bench.generate")
dataset_shapes = importlib.import_module("benchmarks.digest_bench.dataset")
bench = importlib.import_module("benchmarks.digest_bench.measure")
WEEKS: int = importlib.import_module("benchmarks.digest_bench.vocabulary").WEEKS
SmallYear = tuple[Any, Services]  # (benchmarks.digest_bench.dataset.Dataset, the services over its database)


@pytest.fixture
def small_year(tmp_path: Path) -> Iterator[SmallYear]:
    dataset = generator.generate(f"sqlite:///{tmp_path / 'bench.db'}", dataset_shapes.Volume(0.02))
    services = build_bot(bench.bench_settings(dataset.url), db=Database(dataset.url))
    yield dataset, services
    services.db.dispose()


def closed_by(services: Services, weeks: int) -> Any:
    return bench.closed_by(services.settings, weeks)


def items(content: DigestContent) -> list[RecItem]:
    return [
        *content.common_denominators,
        *content.contested,
        *content.region_specific,
        *content.other_recommendations,
    ]


def test_a_small_year_has_the_consortium_and_the_volume_asked_for(
    small_year: SmallYear,
) -> None:
    dataset, services = small_year
    assert (dataset.volume.recommendations, dataset.comments, dataset.polls) == (6, 600, 4)
    partners = services.partners.all()
    assert len(partners) == 40 and dataset.organisations == 20
    assert len({p.country for p in partners}) == 8 and len({p.region for p in partners}) == 14
    assert sum(1 for p in partners if p.is_coordinator) == 1
    assert len(services.recommendations.all()) == 6


def test_the_first_digest_reads_every_recommendation_comment_and_poll(
    small_year: SmallYear,
) -> None:
    dataset, services = small_year
    built = services.digest.preview(closed_by(services, WEEKS), bench.fire(WEEKS))
    listed = items(built.content)
    assert len(listed) == 6 - len(dataset.withdrawn)
    assert sum(i.new_comments for i in listed) == dataset.live_comments(digested_only=True)
    assert built.content.summaries_written == sum(1 for i in listed if i.new_comments)
    assert len(built.content.polls) == dataset.polls
    assert built.content.summarizer == "offline" and built.content.prompt_tokens == 0
    assert len(built.content.theme_matrix.countries) == 8


def test_the_weekly_digest_after_a_stored_one_reads_the_last_week_only(
    small_year: SmallYear,
) -> None:
    dataset, services = small_year
    services.digest.build(closed_by(services, WEEKS - 1), bench.fire(WEEKS - 1))
    weekly = services.digest.build(closed_by(services, WEEKS), bench.fire(WEEKS))
    last_week = dataset.live_comments(range(WEEKS - 1, WEEKS), digested_only=True)
    assert last_week > 0
    assert sum(i.new_comments for i in items(weekly.content)) == last_week
    assert sum(1 for p in weekly.content.polls if p.status == "open") == dataset.open_polls
