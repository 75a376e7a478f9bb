"""Consensus figures (DESIGN.md, "Consensus figures"): deterministic, plain Python, no I/O.

thresholds: the thresholds and the inputs. recommendations: a recommendation's figures. scales:
agreement scales (Delphi) and the trend since the previous digest. themes: figures per theme.
polls: choice shares and participation.

Every comparison with a threshold is exact: shares are `Fraction`s while they are compared, and a
threshold counts as the decimal it was written as (0.1, not the float 0.1000000000000000055...), so
"support exactly 0.75" or "a gap of exactly 0.3" always lands on the side the definition says.
Shares leave this module as floats in [0, 1]; round them only for display.

Decisions the definitions leave open, made here once:
- Organisations are identified by name. Each may appear at most once in the stances and once in
  the registry; a stance whose organisation is in the registry must agree with it on region and country.
- A stance from an organisation outside the registry (say, a coordinator's own organisation) is still
  a voice: it counts in A, D, K, X, N, support, opposition, the groups and blocks. It does not count in
  coverage's numerator, so that coverage = answered registered organisations / R stays in [0, 1];
  those organisations are listed apart (`unregistered_answers`). With R = 0, coverage is 0.
- `region_specific`: at least one supporting country or region, yet fewer supporting countries or
  regions than a common denominator needs, not divisive and not blocked: a priority of a few places
  that nobody is fighting (a contested item belongs with the divisive or blocked ones instead).
- Agreement-scale quartiles use linear interpolation between order statistics (numpy's default,
  `statistics.quantiles(method="inclusive")`): position (n - 1) * q in the sorted answers.
- Trend names: `new`, `losing support`, `emerging`, `stable`, `changing` (see `trend`).
"""
