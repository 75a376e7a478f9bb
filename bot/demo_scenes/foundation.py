"""Demo scenes of the foundation: registering the consortium, proposing, browsing."""

from __future__ import annotations

from bot.demo import CHANNEL, COORDINATOR, DEMO_DATA, Stage

PROPOSALS = [
    (
        "U0HU00001",
        {
            "title": "EU-wide programme for collaborative R&D of big and small companies",
            "text": "Create an EU-wide programme for collaborative R&D projects in which large companies "
            "and SMEs work together, similar to CORNET, open to cluster organisations as applicants.",
            "rationale": "Cluster SMEs rarely enter Horizon Europe consortia alone; CORNET shows that "
            "collective research for SMEs works.",
            "themes": "R&D collaboration, SMEs",
            "level": "eu",
        },
    ),
    (
        "U0ES00001",
        {
            "title": "Meeting places for cluster managers",
            "text": "Fund regular meeting places and interaction spaces where cluster managers from "
            "different regions exchange practice and start joint projects.",
            "rationale": "Most interregional cooperation starts from personal contacts between "
            "cluster managers.",
            "themes": "cluster management, interregional cooperation",
            "level": "eu",
        },
    ),
    (
        "U0DE00001",
        {
            "title": "Differentiate support for the models of clustering",
            "text": "Differentiate funding and funding rules for the various models and approaches of "
            "clustering in Europe instead of one template for all.",
            "rationale": "Top-down and bottom-up clusters need different support at different stages.",
            "themes": "cluster policy, funding",
            "level": "national",
        },
    ),
]


def register_consortium(stage: Stage) -> None:
    """The coordinator registers the partners and imports the CLUSTERIX 2012-2014 recommendations"""
    summary = stage.services.partners.import_csv(DEMO_DATA / "partners.csv")
    stage.say(f"consult-bot partners import partners.csv  →  {summary.created} partners added")
    for partner in stage.services.partners.all():
        print(
            f"    {partner.name:<20} {partner.organisation:<40} {partner.region}, {partner.country}"
            f"{'  (coordinator)' if partner.is_coordinator else ''}"
        )
    imported = stage.services.recommendations.import_csv(DEMO_DATA / "clusterix_2012_2014.csv")
    stage.say(f"consult-bot recs import clusterix_2012_2014.csv  →  {imported[0].ref} to {imported[-1].ref}")
    for rec in imported:
        print(f"    {rec.ref:<4} {rec.title}")


def propose(stage: Stage) -> None:
    """Partners propose new recommendations with /propose"""
    seen = stage.show_new_messages(0)
    for user, fields in PROPOSALS:
        name = stage.users()[user]
        stage.say(f"{name} types  /propose {fields['title']}")
        stage.slack.slash("/propose", str(fields["title"]), user=user, channel=CHANNEL)
        view_id = str(stage.fake.wait_for("views.open", count=1)[-1].response["view"]["id"])
        if user == PROPOSALS[0][0]:
            print("    The proposal form opens with the title filled in:")
            stage.show_view(view_id)
            too_many = ", ".join(
                [
                    "R&D",
                    "SMEs",
                    "CORNET",
                    "Horizon Europe",
                    "clusters",
                    "industry",
                    "research",
                    "innovation",
                    "funding",
                    "networks",
                ]
            )
            stage.say(f"{name} submits it with ten themes")
            response = stage.slack.submit_view(view_id, user, {**fields, "themes": too_many})
            errors = (response.json or {}).get("errors", {})
            for field, problem in errors.items():
                print(f"    The form shows under '{field}': {problem}")
            stage.say(f"{name} keeps two themes and submits again")
        stage.slack.submit_view(view_id, user, fields)
        stage.fake.wait_for("chat.postMessage")
        stage.fake.reset_calls()
        seen = stage.show_new_messages(seen)


def outsider(stage: Stage) -> None:
    """Someone who is not a registered partner tries to propose"""
    stage.say("Vera Visitor types  /propose Free coffee")
    response = stage.slack.slash("/propose", "Free coffee", user="U0OUTSIDE", channel=CHANNEL)
    print("    Only Vera sees: " + str((response.json or {}).get("text", response.body)))


def browse(stage: Stage) -> None:
    """The coordinator browses the recommendations with /recs"""
    stage.say("Simone (coordinator) types  /recs")
    stage.slack.slash("/recs", "", user=COORDINATOR, channel=CHANNEL)
    stage.show_ephemeral(COORDINATOR)
    stage.say("Simone types  /recs R5")
    stage.slack.slash("/recs", "R5", user=COORDINATOR, channel=CHANNEL)
    stage.show_ephemeral(COORDINATOR)


SCENES = [register_consortium, propose, outsider, browse]
