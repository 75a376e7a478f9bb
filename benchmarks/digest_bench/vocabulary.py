"""The generated consortium's fixed figures and the words its texts are made of."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.consultations.kinds import Position
from bot.domain.polls.kinds import PollKind

Row = dict[str, Any]

# -- the consortium and its year -------------------------------------------------------------------------

SEED = 20250106
CRON = "0 8 * * MON"
ZONE = "Europe/Brussels"
# A Monday 08:00 in Brussels: a digest fires at the start of every week of the year.
YEAR_START = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)
WEEKS = 52
WEEK = timedelta(weeks=1)
YEAR_END = YEAR_START + WEEKS * WEEK
CHANNEL = "C0POLICY"
WORKSPACE = "https://consortium.slack.com"
CONSULTATION_DAYS = 14
REMINDER_LEAD = timedelta(hours=24)
ORIGIN = "CLUSTERIX 2012-2014"
GUEST = "U0GUEST01"  # someone in the channel who is not a registered partner

REGIONS: tuple[tuple[str, str], ...] = (
    ("BE", "Flanders"),
    ("BE", "Wallonia"),
    ("DE", "Bavaria"),
    ("DE", "Saxony"),
    ("ES", "Catalonia"),
    ("ES", "Basque Country"),
    ("IT", "Lombardy"),
    ("IT", "Emilia-Romagna"),
    ("PL", "Mazovia"),
    ("PL", "Lesser Poland"),
    ("HU", "Central Hungary"),
    ("FR", "Occitanie"),
    ("FR", "Grand Est"),
    ("SE", "Skane"),
)
ORGANISATION_KINDS = ("Cluster Agency", "Innovation Hub")
# Members per organisation: 20 organisations, 40 partners, 1 to 3 each.
ORGANISATION_SIZES = (2, 1, 3, 2, 2, 1, 3, 2, 2, 1, 3, 2, 2, 1, 3, 2, 2, 2, 2, 2)
FIRST_NAMES = ("Anna", "Jan", "Marta", "Luca", "Eva", "Piotr", "Sofia", "Lars", "Ines", "Karl", "Zsofia")
LAST_NAMES = ("Peeters", "Novak", "Rossi", "Garcia", "Kowalski", "Nagy", "Martin", "Berg", "Weber", "Dubois")
THEMES = (
    "skills",
    "internationalisation",
    "digitalisation",
    "green transition",
    "funding",
    "SMEs",
    "governance",
    "research and innovation",
    "public procurement",
    "regional policy",
    "data sharing",
    "start-ups",
    "evaluation",
    "cross-border cooperation",
    "industrial policy",
)
ACTIONS = ("Fund", "Simplify", "Open", "Extend", "Evaluate", "Align", "Create", "Support", "Pool", "Measure")
OBJECTS = (
    "cross-border cluster partnerships",
    "voucher schemes for SMEs",
    "shared testing facilities",
    "skills academies in every region",
    "the reporting duties of cluster managers",
    "joint calls with national agencies",
    "data spaces for industrial ecosystems",
    "green procurement criteria",
    "mentoring for young clusters",
    "impact indicators for cluster policy",
    "a one-stop shop for internationalisation",
    "regional smart specialisation strategies",
)
SUBJECTS = (
    "Our members",
    "The regional programme",
    "Small clusters",
    "The national agency",
    "Cluster managers",
    "Our board",
    "Firms in our region",
    "The evaluation we ran last year",
    "Our ministry",
    "Start-ups we work with",
)
PREDICATES = (
    "would welcome this if the budget is ring-fenced",
    "already funds something very similar",
    "worry about the administrative burden",
    "need a transition period of at least two years",
    "support the aim but not the proposed instrument",
    "see a conflict with the state aid rules",
    "ask for a clearer definition of eligible costs",
    "would prefer a regional rather than an EU-wide scheme",
    "found that vouchers work best below 50,000 euros",
    "suggest merging this with the skills recommendation",
    "cannot accept the co-financing rate as written",
    "think the indicators should be agreed with the regions",
)
QUALIFIERS = (
    "",
    " in the first programming period",
    " for micro-enterprises in particular",
    " as our pilot showed",
    " unless the Commission changes the guidelines",
    " according to our latest survey",
    " when the partners share the costs",
    " and we can share our evaluation report",
)
REASONS = (
    "It duplicates our regional programme.",
    "It conflicts with the state aid rules we must follow.",
    "The co-financing rate is out of reach for small regions.",
    "The wording leaves national competences unclear.",
)
POLL_OPTIONS = (
    "Brussels",
    "Barcelona",
    "Online only",
    "Milan",
    "Warsaw",
    "Budapest",
    "Munich",
    "Lyon",
    "Gothenburg",
)
PRIORITIES = (
    "Skills",
    "Funding simplification",
    "Data sharing",
    "Green transition",
    "Internationalisation",
    "Evaluation",
    "Start-up support",
    "Procurement",
)
POLL_KINDS = (
    (PollKind.SINGLE, 30),
    (PollKind.MULTIPLE, 20),
    (PollKind.SCALE, 20),
    (PollKind.POINTS, 10),
    (PollKind.RANKING, 10),
    (PollKind.VALIDITY, 10),
)
POSITION_MIXES: dict[str, tuple[tuple[Position, int], ...]] = {
    "consensual": (
        (Position.AGREE, 70),
        (Position.AGREE_WITH_CHANGES, 15),
        (Position.ABSTAIN, 5),
        (Position.DISAGREE, 8),
        (Position.BLOCK, 2),
    ),
    "contested": (
        (Position.AGREE, 30),
        (Position.AGREE_WITH_CHANGES, 10),
        (Position.ABSTAIN, 10),
        (Position.DISAGREE, 35),
        (Position.BLOCK, 15),
    ),
}
