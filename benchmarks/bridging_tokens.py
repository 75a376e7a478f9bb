"""Common-wording benchmark (issue 11): LLM tokens per drafting round, and the cost of repeating one.

    .venv/bin/python benchmarks/bridging_tokens.py [--comments 40] [--objections 5] [--candidates 4]

A consultation thread of `--comments` comments (each about 60 words, as partners write them) with
`--objections` objections (each with a reason), two "agree with changes" reasons and two suggested wordings
goes to the local OpenAI-compatible stand-in (bot.localllm, over HTTP through the real `openai` client) the
way the bot drafts a round: the same prompt templates, the same checks on the reply, the same cache. It prints
the tokens of a first round, of the same round repeated on unchanged material (the cache answers: 0), and
of a round after one new comment, then the offline round's cost (0) for comparison. Loopback only; the
exit code is 0 either way (it is a measurement).
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from pydantic import SecretStr

from bot.config import load_settings
from bot.domain.bridging import Point, RoundInput
from bot.localllm import FakeLLM
from bot.services.bridging_drafts import DraftingService, Drafts
from storage.db import Database

KEY = "sk-bench-bridging"
WORDS = (
    "cluster",
    "regional",
    "innovation",
    "vouchers",
    "companies",
    "small",
    "funding",
    "programme",
    "administration",
    "costs",
    "cap",
    "partners",
    "cooperation",
    "interregional",
    "skills",
    "digital",
    "training",
    "capacity",
    "support",
    "policy",
    "measure",
    "budget",
    "managing",
    "authority",
    "evaluation",
    "indicators",
    "research",
    "transfer",
    "universities",
    "open",
    "calls",
    "eligibility",
)
COUNTRIES = ["AT", "HU", "ES", "IT", "PL", "DE", "FI", "BE", "SE", "FR"]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def material(comments: int, objections: int, seed: int = 7) -> RoundInput:
    rng = random.Random(seed)

    def point(prefix: str, n: int, words: int) -> Point:
        country = COUNTRIES[n % len(COUNTRIES)]
        return Point(f"{prefix}{n}", f"Organisation {prefix}{n}", country, sentence(rng, words))

    return RoundInput(
        ref="R12",
        title="Cluster vouchers for small companies",
        current_text=sentence(rng, 45),
        objections=tuple(point("O", n, 30) for n in range(1, objections + 1)),
        changes=tuple(point("C", n, 25) for n in range(1, 3)),
        suggestions=tuple(point("S", n, 45) for n in range(1, 3)),
        comments=tuple(point("M", n, 60) for n in range(1, comments + 1)),
    )


def row(name: str, drafts: Drafts) -> str:
    usage = drafts.usage
    source = "cache" if drafts.from_cache else drafts.drafted_by
    return (
        f"| {name:<34} | {usage.prompt_tokens:>7} | {usage.completion_tokens:>10} | {usage.total_tokens:>6} "
        f"| {len(drafts.drafts):>10} | {source:<14} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--comments", type=int, default=40)
    parser.add_argument("--objections", type=int, default=5)
    parser.add_argument("--candidates", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, FakeLLM(api_key=KEY) as fake:
        db = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        db.upgrade()
        settings = load_settings(
            _env_file=None,
            database_url=db.url,
            openai_api_key=SecretStr(KEY),
            openai_base_url=fake.base_url,
            openai_model="fake-model",
        )
        service = DraftingService(db, settings)
        item = material(args.comments, args.objections)
        first = service.draft(item, count=args.candidates)
        again = service.draft(item, count=args.candidates)
        extra = Point("M999", "Organisation M999", "SE", "One more comment arrived after the first round.")
        changed = service.draft(
            RoundInput(**{**item.__dict__, "comments": (*item.comments, extra)}), count=args.candidates
        )
        offline = DraftingService(db, load_settings(_env_file=None, database_url=db.url)).draft(
            item, count=args.candidates
        )
        db.dispose()
    print(f"Drafting round: {args.comments} comments, {args.objections} objections, {args.candidates} asked")
    print(f"| {'round':<34} |  prompt | completion |  total | candidates | {'drafted by':<14} |")
    print(f"|{'-' * 36}|--------:|-----------:|-------:|-----------:|{'-' * 16}|")
    print(row("first round", first))
    print(row("same round again (unchanged input)", again))
    print(row("after one new comment", changed))
    print(row("offline (no OPENAI_API_KEY)", offline))
    verdict = "PASS" if again.usage.total_tokens == 0 and again.from_cache else "FAIL"
    print(f"A repeated round on unchanged input costs no tokens: {verdict}")


if __name__ == "__main__":
    main()
