"""Digest benchmark (issue 5): build time, growth from 1x to 10x, peak memory and LLM tokens.

    .venv/bin/python benchmarks/digest_build.py [--scales 1,2,5,10] [--quick]

A generated year of a 40-partner consortium (at scale 1: 300 recommendations, each consulted on, 30,000
comments over 52 weeks, 200 polls) goes into a fresh SQLite database per scale, by bulk inserts of the rows
the services would write. Then, with no OpenAI key (the offline summarizer is part of the build and counted):
the weekly digest at the end of the year, one week after the previous one was stored (the figure against the
2 s target), and the first-ever digest (every comment new) for information, median of 3 runs each; peak
memory of the weekly build (tracemalloc, and max RSS growth in a fresh process); and, against the local
FakeLLM, the tokens of consecutive weekly digests compared with summarising every thread in full each week.

Loopback only; the figures are printed as a table with PASS/FAIL per target, and the exit code is 0 either
way (it is a measurement). Its parts are in `digest_bench/`; tests/unit/test_digest_benchmark_data.py
keeps the generator honest.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from digest_bench.measure import measure_scale, measure_tokens, memory_probe
from digest_bench.report import report

# -- the command line ------------------------------------------------------------------------------------


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scales", default=None, help="comma-separated multiples of a year (default 1,2,5,10)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="scales 1,2, one first-ever build, one week of LLM tokens"
    )
    parser.add_argument("--repeats", type=int, default=3, help="builds per measurement (the median counts)")
    parser.add_argument("--no-llm", action="store_true", help="skip the LLM token measurement")
    parser.add_argument("--memory-probe", metavar="URL", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    if args.memory_probe:
        print(json.dumps(memory_probe(args.memory_probe)))
        return 0
    scales = [float(s) for s in (args.scales or ("1,2" if args.quick else "1,2,5,10")).split(",")]
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as tmp:
        workdir = Path(tmp)
        measured = []
        for scale in scales:
            first_repeats = 1 if args.quick else args.repeats  # the first-ever digest is for information
            measured.append(measure_scale(workdir, scale, args.repeats, first_repeats))
            print(f"measured {scale:g}x: weekly {measured[-1].weekly.median:.2f} s", flush=True)
        tokens = None if args.no_llm else measure_tokens(workdir, active_weeks=1 if args.quick else 4)
    print()
    print(report(measured, tokens))
    return 0


if __name__ == "__main__":
    sys.exit(main())
