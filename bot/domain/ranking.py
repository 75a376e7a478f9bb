"""Aggregating ranked ballots: the Schulze (beat-path) order with its pairwise table.

The voting methods come from `pref-voting`, a maintained library of social choice methods; this module
only turns the bot's ballots into its profiles and reads its answers back. A ballot ranks some options
(ties allowed); options it leaves unranked count as tied below every ranked one (extended strict
preference), so a partial ranking still says something about every pair it touches.
Ties in the Schulze order are broken by the Borda score, then in favour of the option given as
`incumbent` (the current text), then by option order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# An organisation's ballot: option index -> rank (1 is best; equal ranks are ties; absent = unranked).
Ballot = Mapping[int, int]


@dataclass(frozen=True)
class RankingResult:
    """`order` lists option indices best first; `pairwise[a][b]` counts ballots that put a above b."""

    order: tuple[int, ...]
    pairwise: Mapping[int, Mapping[int, int]]
    borda: Mapping[int, float]
    ballots: int

    @property
    def winner(self) -> int | None:
        return self.order[0] if self.order and self.ballots else None

    def beats(self, a: int, b: int) -> bool:
        return self.pairwise[a][b] > self.pairwise[b][a]


def schulze_ranking(
    options: int, ballots: Sequence[Ballot], *, incumbent: int | None = None
) -> RankingResult:
    """The Schulze order of `options` (indices 0..options-1) over `ballots`."""
    candidates = list(range(options))
    usable = [{i: r for i, r in ballot.items() if 0 <= i < options} for ballot in ballots]
    usable = [ballot for ballot in usable if ballot]
    if not usable or options < 2:
        return RankingResult(
            tuple(candidates), _empty_pairwise(candidates), dict.fromkeys(candidates, 0.0), 0
        )
    profile = _profile(candidates, usable)
    pairwise = {a: {b: int(profile.support(a, b)) if a != b else 0 for b in candidates} for a in candidates}
    borda = _borda(profile)
    defeats = _beat_path_defeats(profile)
    beaten = {c: sum(1 for other in candidates if (c, other) in defeats) for c in candidates}

    def key(c: int) -> tuple[int, float, int, int]:
        return (-beaten[c], -borda[c], 0 if c == incumbent else 1, c)

    return RankingResult(tuple(sorted(candidates, key=key)), pairwise, borda, len(usable))


def _profile(candidates: list[int], ballots: list[dict[int, int]]) -> Any:
    # Imported here: pref-voting pulls in numba and takes seconds to load; only a closing ranking poll pays.
    from pref_voting.profiles_with_ties import ProfileWithTies

    profile = ProfileWithTies(ballots, candidates=candidates)
    profile.use_extended_strict_preference()
    return profile


def _beat_path_defeats(profile: Any) -> set[tuple[int, int]]:
    from pref_voting.margin_based_methods import beat_path_defeat

    return {(int(a), int(b)) for a, b in beat_path_defeat(profile).edges}


def _borda(profile: Any) -> dict[int, float]:
    from pref_voting.scoring_methods import symmetric_borda_scores

    return {int(c): float(score) for c, score in symmetric_borda_scores(profile).items()}


def _empty_pairwise(candidates: list[int]) -> dict[int, dict[int, int]]:
    return {a: dict.fromkeys(candidates, 0) for a in candidates}
