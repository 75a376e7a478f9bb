"""Schulze order and pairwise table on published and hand-computed profiles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.domain.ranking import Ballot, schulze_ranking


def ballots(*groups: tuple[str, int], options: str) -> list[Ballot]:
    """`("ACB", 5)`: five ballots ranking A first, then C, then B."""
    out: list[Ballot] = []
    for order, count in groups:
        out.extend({options.index(o): rank for rank, o in enumerate(order, start=1)} for _ in range(count))
    return out


def names(order: Sequence[int], options: str) -> str:
    return "".join(options[i] for i in order)


def plurality_winner(bs: Sequence[Ballot]) -> int:
    return Counter(min(b, key=lambda i: b[i]) for b in bs).most_common(1)[0][0]


def test_wikipedias_schulze_example_orders_e_a_c_b_d_where_plurality_elects_c() -> None:
    # en.wikipedia.org/wiki/Schulze_method, "Example": 45 voters, 5 candidates.
    profile = ballots(
        ("ACBED", 5), ("ADECB", 5), ("BEDAC", 8), ("CABED", 3),
        ("CAEBD", 7), ("CBADE", 2), ("DCEBA", 7), ("EBADC", 8),
        options="ABCDE",
    )  # fmt: skip
    result = schulze_ranking(5, profile)
    assert names(result.order, "ABCDE") == "EACBD"
    assert "ABCDE"[plurality_winner(profile)] == "C"
    # The article's table of pairwise preferences d[*,*].
    assert result.pairwise[0][1] == 20 and result.pairwise[1][0] == 25
    assert result.pairwise[4][0] == 23 and result.pairwise[0][4] == 22
    assert result.pairwise[2][1] == 29 and result.pairwise[1][2] == 16 and result.ballots == 45


def test_a_condorcet_winner_wins_where_borda_prefers_another() -> None:
    # en.wikipedia.org/wiki/Borda_count: 3 voters A>B>C and 2 voters B>C>A; Borda elects B, A beats B 3 to 2.
    profile = ballots(("ABC", 3), ("BCA", 2), options="ABC")
    result = schulze_ranking(3, profile)
    assert names(result.order, "ABC")[0] == "A"
    assert max(result.borda, key=lambda c: result.borda[c]) == 1  # Borda's winner is B
    assert result.beats(0, 1) and result.pairwise[0][1] == 3 and result.pairwise[1][0] == 2


def test_a_condorcet_cycle_is_a_tie_broken_by_borda_then_the_incumbent() -> None:
    cycle = ballots(("ABC", 1), ("BCA", 1), ("CAB", 1), options="ABC")
    assert schulze_ranking(3, cycle, incumbent=2).order[0] == 2
    assert schulze_ranking(3, cycle, incumbent=1).order[0] == 1
    # A cycle with unequal strengths: A>B 6:3, B>C 7:2... Schulze resolves it by the strongest paths.
    strong = ballots(("ABC", 4), ("BCA", 3), ("CAB", 2), options="ABC")
    result = schulze_ranking(3, strong)
    assert result.beats(0, 1) and result.beats(1, 2) and result.beats(2, 0)  # a genuine cycle
    assert names(result.order, "ABC") == "ABC"  # C>A is the weakest defeat (5:4) and is dropped


def test_unranked_options_count_as_tied_below_the_ranked_ones() -> None:
    # One ballot ranks only A (A>B, A>C); another B over C (B>C, B>A, C>A).
    result = schulze_ranking(3, [{0: 1}, {1: 1, 2: 2}])
    assert result.pairwise[0][1] == 1 and result.pairwise[1][0] == 1
    assert result.pairwise[1][2] == 1 and result.pairwise[2][1] == 0
    assert result.order[0] in (0, 1) and result.order[-1] == 2


def test_no_ballot_means_no_winner_and_the_options_in_order() -> None:
    result = schulze_ranking(3, [], incumbent=0)
    assert result.winner is None and result.order == (0, 1, 2) and result.ballots == 0
