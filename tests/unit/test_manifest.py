"""The Slack app manifests, `.env.example` and the code stay in step.

The listeners are found by reading the source of `handlers/` (no Slack, no database), so these
tests are fast and also catch a listener whose command the manifest forgot, and the other way round.
"""

from __future__ import annotations

import ast
import copy
import importlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.web import EVENTS_PATH

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ROOT / "handlers"
MANIFEST = ROOT / "manifest.json"
SOCKET_MANIFEST = ROOT / "manifest.socket-mode.json"
ENV_EXAMPLE = ROOT / ".env.example"
INTERFACE = ROOT / "docs" / "INTERFACE.md"


# Bolt listener methods whose first argument is a slash command or a shortcut callback id.
_LISTENER = re.compile(r"\bapp\.(command|shortcut|message_shortcut|global_shortcut)\(\s*")
_STRING = re.compile(r"""[rbuRBU]?(["'])(.*?)(?<!\\)\1""")
_DOTTED = re.compile(r"[A-Za-z_][\w.]*")
_CALLBACK_ID_KEY = re.compile(r"""\{[^}]*?["']callback_id["']\s*:\s*(["'])(.*?)\1""", re.DOTALL)
_ENV_ASSIGNMENT = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")

# Bot events and the scope each one needs (Slack refuses the manifest otherwise).
_EVENT_SCOPES = {
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    "app_mention": "app_mentions:read",
    "reaction_added": "reactions:read",
    "reaction_removed": "reactions:read",
    "app_home_opened": "",  # needs no scope of its own
}


@dataclass(frozen=True)
class Listener:
    method: str
    value: str
    where: str


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _resolve(path: Path, dotted: str, where: str) -> str:
    """`Callback.X.value`, `Command.POLL` or a module constant, looked up in the listener's module."""
    module = importlib.import_module(_module_name(path))
    head, *rest = dotted.split(".")
    value: Any = getattr(module, head, None)
    for part in rest:
        value = getattr(value, part, None)
    if not isinstance(value, str):
        pytest.fail(f"{where}: cannot read the id `{dotted}`; use a string literal or a StrEnum member")
    return str(value)


def _listeners() -> Iterator[Listener]:
    for path in sorted(HANDLERS.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for match in _LISTENER.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            where = f"{path.relative_to(ROOT)}:{line}"
            rest = source[match.end() :]
            if string := _STRING.match(rest):
                value = ast.literal_eval(string.group(0))
            elif rest.startswith("{") and (key := _CALLBACK_ID_KEY.match(rest)):
                value = key.group(2)
            elif dotted := _DOTTED.match(rest):
                value = _resolve(path, dotted.group(0), where)
            else:
                pytest.fail(f"{where}: cannot read the id of this listener")
            yield Listener(match.group(1), value, where)


@pytest.fixture(scope="module")
def listeners() -> list[Listener]:
    return list(_listeners())


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return _load(MANIFEST)


@pytest.fixture(scope="module")
def socket_manifest() -> dict[str, Any]:
    return _load(SOCKET_MANIFEST)


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _commands(manifest: dict[str, Any]) -> set[str]:
    return {c["command"] for c in manifest["features"]["slash_commands"]}


def _shortcuts(manifest: dict[str, Any]) -> dict[str, str]:
    return {s["callback_id"]: s["type"] for s in manifest["features"].get("shortcuts", [])}


def _registered_commands(listeners: list[Listener]) -> set[str]:
    return {listener.value for listener in listeners if listener.method == "command"}


# --- slash commands and shortcuts ----------------------------------------------------------------


def test_the_source_scan_finds_the_existing_commands(listeners: list[Listener]) -> None:
    assert {"/propose", "/recs"} <= _registered_commands(listeners)


def test_every_registered_command_is_in_the_manifest(
    listeners: list[Listener], manifest: dict[str, Any]
) -> None:
    declared = _commands(manifest)
    missing = [
        f"{x.value} ({x.where})" for x in listeners if x.method == "command" and x.value not in declared
    ]
    assert not missing, f"listeners for commands that manifest.json does not declare: {missing}"


def test_every_manifest_command_has_a_listener(listeners: list[Listener], manifest: dict[str, Any]) -> None:
    unhandled = _commands(manifest) - _registered_commands(listeners)
    assert not unhandled, f"manifest.json declares commands that nothing in handlers/ answers: {unhandled}"


def test_every_registered_shortcut_is_in_the_manifest(
    listeners: list[Listener], manifest: dict[str, Any]
) -> None:
    declared = _shortcuts(manifest)
    for listener in listeners:
        if listener.method == "command":
            continue
        assert listener.value in declared, (
            f"{listener.where}: shortcut {listener.value!r} is not in manifest.json's features.shortcuts"
        )
        expected_type = {"message_shortcut": "message", "global_shortcut": "global"}.get(listener.method)
        if expected_type:
            assert declared[listener.value] == expected_type, (
                f"{listener.where}: {listener.method} {listener.value!r} must be "
                f"a {expected_type} shortcut in manifest.json, not {declared[listener.value]}"
            )


def test_every_manifest_shortcut_has_a_listener(listeners: list[Listener], manifest: dict[str, Any]) -> None:
    handled = {x.value for x in listeners if x.method != "command"}
    unhandled = set(_shortcuts(manifest)) - handled
    assert not unhandled, f"manifest.json declares shortcuts that nothing in handlers/ answers: {unhandled}"


def test_the_consultation_shortcut_is_a_message_shortcut(manifest: dict[str, Any]) -> None:
    assert _shortcuts(manifest).get("consult_on_message") == "message"


# --- the manifests themselves --------------------------------------------------------------------


def test_http_manifest_sends_everything_to_the_events_path(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert manifest["_metadata"]["major_version"] == 1
    assert settings["socket_mode_enabled"] is False
    urls = [c["url"] for c in manifest["features"]["slash_commands"]]
    urls += [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]]
    assert all(url.startswith("https://") and url.endswith(EVENTS_PATH) for url in urls), urls
    assert len(set(urls)) == 1, "commands, events and interactivity must share one request URL"
    assert settings["interactivity"]["is_enabled"] is True


def test_socket_mode_manifest_is_the_same_app_without_request_urls(
    manifest: dict[str, Any], socket_manifest: dict[str, Any]
) -> None:
    expected = copy.deepcopy(manifest)
    for command in expected["features"]["slash_commands"]:
        del command["url"]
    del expected["settings"]["event_subscriptions"]["request_url"]
    del expected["settings"]["interactivity"]["request_url"]
    expected["settings"]["socket_mode_enabled"] = True
    # Same commands, shortcuts, scopes and events: only the URLs and the mode differ.
    assert socket_manifest == expected, (
        "manifest.socket-mode.json must be manifest.json without its URLs and with socket_mode_enabled"
    )


def test_commands_are_answered_unescaped_with_a_usage_hint(manifest: dict[str, Any]) -> None:
    for command in manifest["features"]["slash_commands"]:
        assert command["should_escape"] is False, command["command"]
        assert command["description"].strip() and command["usage_hint"].strip(), command["command"]


def test_every_bot_event_has_its_scope_and_commands_have_theirs(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        scope = _EVENT_SCOPES.get(event, "unknown")
        assert scope == "" or scope in scopes, f"bot event {event} needs its scope"
    assert "commands" in scopes
    assert {"chat:write", "im:write"} <= scopes, "the bot posts messages and opens DMs"


def test_the_home_tab_is_enabled_and_its_event_subscribed(manifest: dict[str, Any]) -> None:
    registered = (HANDLERS / "events" / "__init__.py").read_text(encoding="utf-8")
    assert 'app.event("app_home_opened")' in registered
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_manifest_fields_fit_slacks_length_limits(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert 1 <= len(info["name"]) <= 35
    assert 1 <= len(info["description"]) <= 140
    assert "long_description" not in info or 175 <= len(info["long_description"]) <= 4000
    assert 1 <= len(manifest["features"]["bot_user"]["display_name"]) <= 80
    for shortcut in manifest["features"].get("shortcuts", []):
        assert 1 <= len(shortcut["name"]) <= 24 and 1 <= len(shortcut["description"]) <= 150
    for command in manifest["features"]["slash_commands"]:
        assert re.fullmatch(r"/[a-z0-9_-]{1,31}", command["command"]), command["command"]
        assert len(command["description"]) <= 2000 and len(command["usage_hint"]) <= 1000


# --- configuration -------------------------------------------------------------------------------


def _interface_variables() -> list[str]:
    path = INTERFACE
    text = path.read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", section, re.MULTILINE)
    assert names, f"no variables found in the configuration table of {path}"
    return names


def _env_example() -> dict[str, list[str]]:
    """Variable name -> the values it is given in .env.example (commented out or not)."""
    found: dict[str, list[str]] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if match := _ENV_ASSIGNMENT.match(line.strip()):
            value = match.group(3).strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            found.setdefault(match.group(2), []).append(value)
    return found


def test_every_interface_variable_is_in_env_example_and_in_settings() -> None:
    documented = _env_example()
    for name in _interface_variables():
        assert name in documented, f"{name} (INTERFACE.md) is missing from .env.example"
        assert name.lower() in Settings.model_fields, f"{name} (INTERFACE.md) is not a field of Settings"


def test_every_setting_is_in_env_example_once_with_its_default() -> None:
    documented = _env_example()
    for field, info in Settings.model_fields.items():
        name = field.upper()
        assert name in documented, f"Settings.{field} is not documented in .env.example as {name}="
        assert len(documented[name]) == 1, f"{name} is assigned more than once in .env.example"
        default = "" if info.default is None else str(info.default)
        assert documented[name][0] == default, f".env.example shows {name}={documented[name][0]!r}"
    assert "HOST" in documented


def test_env_example_leaves_socket_mode_off() -> None:
    # An empty SLACK_APP_TOKEN= would still switch the bot to Socket Mode: it must stay commented out.
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    assert not any(line.startswith("SLACK_APP_TOKEN=") for line in lines)
