"""The fake Slack's method table agrees with Slack's published API specs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.localslack import FakeSlack
from bot.localslack.spec import HAND_LISTED_METHODS, REQUIRED_PARAMS

SPECS = Path(__file__).resolve().parents[1] / "reference/slack-api-specs"
WEB_API_SPEC = SPECS / "slack_web_openapi_v2.json"
EVENT_WRAPPER_SCHEMA = SPECS / "slack_common_event_wrapper_schema.json"


def load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        pytest.fail(
            f"Slack's spec file is missing: {path} (Slack's published specs live in tests/reference/)"
        )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load(WEB_API_SPEC)


def required_in_spec(spec: dict[str, Any], method: str) -> tuple[str, ...]:
    operations = spec["paths"]["/" + method]
    names: list[str] = []
    for operation in operations.values():
        for parameter in operation.get("parameters", []):
            if parameter.get("required") and parameter["name"] != "token" and parameter["name"] not in names:
                names.append(parameter["name"])
    return tuple(sorted(names))


def test_every_answered_method_has_required_params() -> None:
    assert set(REQUIRED_PARAMS) == set(FakeSlack.supported_methods())


@pytest.mark.parametrize("method", sorted(FakeSlack.supported_methods() - HAND_LISTED_METHODS))
def test_method_exists_in_spec_with_same_required_params(spec: dict[str, Any], method: str) -> None:
    assert "/" + method in spec["paths"], f"{method} is not in Slack's OpenAPI spec"
    assert tuple(sorted(REQUIRED_PARAMS[method])) == required_in_spec(spec, method)


def test_hand_listed_methods_are_really_missing_from_spec(spec: dict[str, Any]) -> None:
    for method in HAND_LISTED_METHODS:
        assert "/" + method not in spec["paths"], f"{method} is in the spec now: take it from there"


def test_sender_envelope_has_the_wrapper_schema_fields() -> None:
    schema = load(EVENT_WRAPPER_SCHEMA)
    from bot.localslack import SlackSender

    captured: list[Any] = []

    class Capturing(SlackSender):
        def _send(self, kind: str, url: str, payload: Any, *, form: bool, opts: Any) -> Any:
            captured.append(payload)
            return None

    Capturing("http://127.0.0.1:9/slack/events", "secret", FakeSlack()).event({"type": "app_home_opened"})
    envelope = captured[0]
    assert set(schema["required"]) <= set(envelope)
    assert set(schema["properties"]["event"]["required"]) <= set(envelope["event"])
    assert isinstance(envelope["event_time"], int)
    assert envelope["authed_users"]
