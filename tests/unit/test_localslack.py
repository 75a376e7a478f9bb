"""Behaviour of the local Slack stand-in (bot.localslack), driven by a real slack_sdk WebClient."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.localslack import (
    ApiCall,
    FakeSlack,
    SlackSender,
    render_channel,
    render_message,
    render_view,
    sign,
    validate_message_blocks,
    validate_view,
)

SECRET = "test-signing-secret"


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(label: str, action_id: str, value: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
    }
    if value is not None:
        element["value"] = value
    return element


def modal(*blocks: dict[str, Any], callback_id: str = "cb", submit: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": "Recommendation"},
        "blocks": list(blocks),
    }
    if submit:
        view["submit"] = {"type": "plain_text", "text": "Save"}
    return view


def text_input(block_id: str, label: str, **element: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {"type": "plain_text_input", "action_id": "value", **element},
    }


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        slack.add_user("U1", "anna", real_name="Anna Berger", tz="Europe/Vienna")
        slack.add_user("U2", "ben", real_name="Ben Okafor", tz="Europe/London", tz_offset=0)
        slack.add_channel("C1", "general", members=["U1", "U2"])
        slack.add_channel("C2", "elsewhere", members=["U1"], bot_member=False)
        yield slack


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(base_url=fake.api_url, token=fake.bot_token)


def api_error(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        call()
    data: dict[str, Any] = info.value.response.data
    return data


# ---------------------------------------------------------------------------------------------
# a tiny bot endpoint that verifies signatures like the real one does
# ---------------------------------------------------------------------------------------------


class BotStub:
    """Records what Slack (the sender) delivers; answers 401 to badly signed requests."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answer: Callable[[Any], tuple[int, str]] = lambda payload: (200, "")
        verifier = SignatureVerifier(SECRET)
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                headers = dict(self.headers.items())
                valid = verifier.is_valid_request(body, headers)
                if self.headers["Content-Type"].startswith("application/json"):
                    payload: Any = json.loads(body)
                else:
                    form = {k: v[-1] for k, v in urllib.parse.parse_qs(body).items()}
                    payload = json.loads(form["payload"]) if "payload" in form else form
                stub.received.append({"headers": headers, "payload": payload, "valid": valid, "body": body})
                status, text = stub.answer(payload) if valid else (401, "invalid signature")
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if text.startswith("{") else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def bot() -> Iterator[BotStub]:
    stub = BotStub()
    yield stub
    stub.close()


@pytest.fixture
def sender(fake: FakeSlack, bot: BotStub) -> SlackSender:
    return SlackSender(bot.url, SECRET, fake)


# ---------------------------------------------------------------------------------------------
# Web API
# ---------------------------------------------------------------------------------------------


def test_post_update_and_thread(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="Draft ready", blocks=[section("*Draft* ready")])
    assert posted["channel"] == "C1"
    assert posted["message"]["bot_id"] == "BBOT"
    assert posted["message"]["blocks"][0]["block_id"]  # Slack fills in block ids
    root = posted["ts"]

    client.chat_postMessage(channel="C1", text="first reply", thread_ts=root)
    client.chat_postMessage(channel="C1", text="second reply", thread_ts=root)
    client.chat_update(channel="C1", ts=root, text="Draft v2")

    stored = fake.message("C1", root)
    assert stored.text == "Draft v2"
    assert stored.blocks[0]["text"]["text"] == "*Draft* ready"  # blocks kept when not sent
    assert stored.edited is not None
    assert stored.reply_count == 2
    assert [m.text for m in fake.thread("C1", root)] == ["Draft v2", "first reply", "second reply"]
    assert [m.text for m in fake.messages("C1", include_replies=False)] == ["Draft v2"]
    thread = client.conversations_replies(channel="C1", ts=root)["messages"]
    assert [m["text"] for m in thread] == ["Draft v2", "first reply", "second reply"]
    assert thread[0]["reply_count"] == 2


def test_timestamps_unique_and_increasing_under_concurrency(fake: FakeSlack, client: WebClient) -> None:
    def post_some(n: int) -> None:
        for i in range(8):
            client.chat_postMessage(channel="C1", text=f"{n}-{i}")

    threads = [threading.Thread(target=post_some, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps = [m.ts for m in fake.messages("C1")]
    assert len(stamps) == 48
    assert len(set(stamps)) == 48
    assert stamps == sorted(stamps, key=float)
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)


def test_update_rules(fake: FakeSlack, client: WebClient) -> None:
    human = fake.post_user_message("C1", "U1", "my own words")
    assert api_error(lambda: client.chat_update(channel="C1", ts=human.ts, text="x"))["error"] == (
        "cant_update_message"
    )
    assert api_error(lambda: client.chat_update(channel="C1", ts="1.000001", text="x"))["error"] == (
        "message_not_found"
    )
    ts = client.chat_postMessage(channel="C1", text="temporary")["ts"]
    fake.delete_message("C1", ts)
    assert [m.text for m in fake.messages("C1")] == ["my own words"]
    assert fake.message("C1", ts).deleted
    assert api_error(lambda: client.chat_update(channel="C1", ts=ts, text="x"))["error"] == (
        "message_not_found"
    )


def test_channel_errors_and_dm_by_user_id(fake: FakeSlack, client: WebClient) -> None:
    assert (
        api_error(lambda: client.chat_postMessage(channel="C404", text="x"))["error"] == "channel_not_found"
    )
    assert api_error(lambda: client.chat_postMessage(channel="C2", text="x"))["error"] == "not_in_channel"
    assert (
        api_error(lambda: client.api_call("chat.postMessage", json={"channel": "C1"}))["error"] == "no_text"
    )
    assert (
        api_error(lambda: client.chat_postMessage(channel="C1", text="x" * 40_001))["error"] == "msg_too_long"
    )
    assert api_error(lambda: client.api_call("chat.frobnicate"))["error"] == "unknown_method"

    dm = client.chat_postMessage(channel="U1", text="hello Anna")
    opened = client.conversations_open(users="U1")["channel"]["id"]
    assert dm["channel"] == opened == fake.im_channel("U1")
    assert opened.startswith("D")
    assert [m.text for m in fake.dm_messages("U1")] == ["hello Anna"]


def test_required_arguments_follow_the_spec(client: WebClient) -> None:
    error = api_error(lambda: client.api_call("chat.postEphemeral", json={"channel": "C1", "text": "x"}))
    assert error["error"] == "invalid_arguments"
    assert error["response_metadata"]["messages"] == ["[ERROR] missing required field: user"]
    assert api_error(lambda: client.api_call("chat.getPermalink", params={"channel": "C1"}))["error"] == (
        "message_not_found"
    )
    assert api_error(lambda: client.api_call("conversations.replies", params={"channel": "C1"}))["error"] == (
        "invalid_arguments"
    )


def test_tokens_are_checked(fake: FakeSlack) -> None:
    wrong = WebClient(base_url=fake.api_url, token="xoxb-wrong")
    assert api_error(wrong.auth_test)["error"] == "invalid_auth"
    anonymous = WebClient(base_url=fake.api_url)
    assert api_error(anonymous.auth_test)["error"] == "not_authed"
    assert [c.response["error"] for c in fake.calls("auth.test")] == ["invalid_auth", "not_authed"]


def test_replies_pagination_and_permalinks(fake: FakeSlack, client: WebClient) -> None:
    root = client.chat_postMessage(channel="C1", text="root")["ts"]
    replies = [client.chat_postMessage(channel="C1", text=f"r{i}", thread_ts=root)["ts"] for i in range(5)]
    fake.delete_message("C1", replies[2])

    pages = []
    cursor = None
    while True:
        page = client.conversations_replies(channel="C1", ts=root, limit=2, cursor=cursor)
        pages.append([m["text"] for m in page["messages"]])
        cursor = page["response_metadata"]["next_cursor"]
        assert page["has_more"] == bool(cursor)
        if not cursor:
            break
    assert pages == [["root", "r0"], ["r1", "r3"], ["r4"]]
    assert api_error(lambda: client.conversations_replies(channel="C1", ts=root, cursor="garbage"))[
        "error"
    ] == ("invalid_cursor")
    assert api_error(lambda: client.conversations_replies(channel="C1", ts="123.000001"))["error"] == (
        "thread_not_found"
    )

    link = client.chat_getPermalink(channel="C1", message_ts=replies[0])["permalink"]
    assert (
        link == f"https://fake.slack.local/archives/C1/p{replies[0].replace('.', '')}?thread_ts={root}&cid=C1"
    )


def test_users_info_and_paginated_lists(fake: FakeSlack, client: WebClient) -> None:
    anna = client.users_info(user="U1")["user"]
    assert anna["tz"] == "Europe/Vienna"
    assert anna["tz_offset"] == 3600
    assert anna["tz_label"] in ("Central European Time", "Central European Summer Time")
    assert anna["profile"]["real_name"] == "Anna Berger"
    assert anna["profile"]["display_name"] == "anna"
    assert api_error(lambda: client.users_info(user="U404"))["error"] == "user_not_found"

    members = [m for page in client.conversations_members(channel="C1", limit=1) for m in page["members"]]
    assert members == ["U1", "U2", "UBOT"]


def test_rate_limit_is_honoured_by_retry_handler(fake: FakeSlack) -> None:
    client = WebClient(
        base_url=fake.api_url,
        token=fake.bot_token,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    assert client.chat_postMessage(channel="C1", text="eventually")["ok"]
    outcomes = [c.response.get("error", "ok") for c in fake.calls("chat.postMessage")]
    assert outcomes == ["ratelimited", "ok"]
    assert [m.text for m in fake.messages("C1")] == ["eventually"]


def test_a_method_can_fail_for_a_while_and_each_attempt_is_recorded(fake: FakeSlack) -> None:
    patient = WebClient(
        base_url=fake.api_url,
        token=fake.bot_token,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)],
    )
    fake.fail_for("chat.postMessage", seconds=1.5, status=429, retry_after=1)
    assert patient.chat_postMessage(channel="C1", text="eventually")["ok"]
    statuses = [a.status for a in fake.attempts("chat.postMessage")]
    assert statuses[0] == 429 and statuses[-1] == 200 and len(statuses) >= 2
    assert fake.retry_after_violations("chat.postMessage") == []
    assert [m.text for m in fake.messages("C1")] == ["eventually"]

    impatient = WebClient(base_url=fake.api_url, token=fake.bot_token, retry_handlers=[])
    fake.fail_for("chat.update", seconds=30, status=429, retry_after=7)
    ts = fake.messages("C1")[0].ts
    for _ in range(2):
        assert (
            api_error(lambda: impatient.chat_update(channel="C1", ts=ts, text="x"))["error"] == "ratelimited"
        )
    (violation,) = fake.retry_after_violations("chat.update")
    assert "Retry-After asked 7s" in violation


def test_every_method_can_fail_with_a_server_error_until_the_window_ends(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.fail_for("*", seconds=30, status=503)
    assert api_error(lambda: client.users_info(user="U1"))["error"] == "service_unavailable"
    assert api_error(lambda: client.auth_test())["error"] == "service_unavailable"
    fake.fail_for("*", seconds=0)
    assert client.users_info(user="U1")["ok"]
    assert [(a.method, a.status) for a in fake.attempts()] == [
        ("users.info", 503),
        ("auth.test", 503),
        ("users.info", 200),
    ]


def test_server_errors_without_retry(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("users.info", status=503)
    error = api_error(lambda: client.users_info(user="U1"))
    assert error["error"] == "service_unavailable"
    assert client.users_info(user="U1")["ok"]


def test_invalid_blocks_are_rejected_like_slack(client: WebClient) -> None:
    too_many = api_error(
        lambda: client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "divider"}] * 51)
    )
    assert too_many["error"] == "invalid_blocks"
    assert too_many["errors"] == ["no more than 50 items allowed [json-pointer:/blocks]"]
    assert too_many["response_metadata"]["messages"] == [
        "[ERROR] no more than 50 items allowed [json-pointer:/blocks]"
    ]

    long_text = api_error(
        lambda: client.chat_postMessage(channel="C1", text="x", blocks=[section("a" * 3001)])
    )
    assert long_text["errors"] == ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"]
    assert client.chat_postMessage(channel="C1", text="x", blocks=[section("a" * 3000)])["ok"]

    label = {"type": "actions", "elements": [button("b" * 76, "go")]}
    long_label = api_error(lambda: client.chat_postMessage(channel="C1", text="x", blocks=[label]))
    assert long_label["errors"] == [
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"
    ]

    # blocks sent form-encoded (as a JSON string) are parsed and checked too
    form = api_error(
        lambda: client.api_call("chat.postMessage", params={"channel": "C1", "blocks": json.dumps([label])})
    )
    assert form["error"] == "invalid_blocks"


def test_views_need_a_fresh_trigger(fake: FakeSlack, client: WebClient) -> None:
    fake.trigger_ttl = 0.2
    trigger = fake.issue_trigger("U1")
    view = client.views_open(trigger_id=trigger, view=modal(text_input("title", "Title")))["view"]
    assert view["id"].startswith("V")
    assert view["state"] == {"values": {}}
    assert view["hash"]
    assert fake.last_view("U1").callback_id == "cb"

    assert (
        api_error(lambda: client.views_open(trigger_id=trigger, view=modal()))["error"]
        == "exchanged_trigger_id"
    )
    assert (
        api_error(lambda: client.views_open(trigger_id="1.2.3", view=modal()))["error"]
        == "invalid_trigger_id"
    )
    stale = fake.issue_trigger("U1")
    time.sleep(0.3)
    assert (
        api_error(lambda: client.views_open(trigger_id=stale, view=modal()))["error"] == "expired_trigger_id"
    )


def test_views_publish(fake: FakeSlack, client: WebClient) -> None:
    home = {"type": "home", "blocks": [section("Welcome")]}
    first = client.views_publish(user_id="U1", view=home)["view"]
    again = client.views_publish(user_id="U1", view=home)["view"]
    assert first["id"] == again["id"]
    home_view = fake.home_view("U1")
    assert home_view is not None
    assert home_view.blocks[0]["text"]["text"] == "Welcome"
    stale = api_error(lambda: client.views_publish(user_id="U1", view=home, hash="stale"))
    assert stale["error"] == "hash_conflict"


def test_invalid_views_answer_invalid_arguments(fake: FakeSlack, client: WebClient) -> None:
    view = modal(text_input("t", "Title"), submit=False)
    view["title"]["text"] = "x" * 25
    error = api_error(lambda: client.views_open(trigger_id=fake.issue_trigger("U1"), view=view))
    assert error["error"] == "invalid_arguments"
    assert error["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
        "[ERROR] a modal with input blocks must have a submit button [json-pointer:/view/submit]",
    ]


def test_files_upload_v2_end_to_end(fake: FakeSlack, client: WebClient) -> None:
    root = client.chat_postMessage(channel="C1", text="thread")["ts"]
    result = client.files_upload_v2(
        channel="C1",
        content="col1,col2\n1,2\n",
        filename="export.csv",
        title="Export",
        thread_ts=root,
        initial_comment="Here is the export",
    )
    file_id = result["file"]["id"]
    stored = {f.id: f for f in fake.files()}[file_id]
    assert stored.content == b"col1,col2\n1,2\n"
    assert stored.title == "Export"
    reply = fake.thread("C1", root)[-1]
    assert reply.text == "Here is the export"
    assert reply.files[0]["name"] == "export.csv"
    assert [c.method for c in fake.calls()][-2:] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


def test_response_url_ephemeral_and_replace(fake: FakeSlack, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C1", text="Vote", blocks=[section("Vote now")])["ts"]
    url = fake.new_response_url("C1", "U1", message_ts=ts)
    hook = WebhookClient(url)

    assert hook.send(text="Only you see this").status_code == 200
    assert [(e.user, e.text) for e in fake.ephemerals()] == [("U1", "Only you see this")]
    assert hook.send(text="Voted", blocks=[section("*Voted*")], replace_original=True).status_code == 200
    assert fake.message("C1", ts).text == "Voted"
    assert fake.message("C1", ts).blocks[0]["text"]["text"] == "*Voted*"

    bad = hook.send(text="x", blocks=[section("a" * 3001)])
    assert (bad.status_code, bad.body) == (400, "invalid_blocks")
    assert fake.calls("response_url")[-1].response == {"ok": False, "error": "invalid_blocks"}
    assert hook.send(text="public", response_type="in_channel").status_code == 200
    assert fake.messages("C1")[-1].text == "public"


def test_wait_for_reports_what_happened(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="hi")
    threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="later")).start()
    calls = fake.wait_for("chat.postMessage", lambda c: c.params.get("text") == "later", timeout=2)
    assert calls[0].ok
    with pytest.raises(
        AssertionError, match=r"(?s)views\.open.*chat\.postMessage\(channel=C1, text=hi\) -> ok"
    ):
        fake.wait_for("views.open", timeout=0.05)


def test_reset_keeps_users_and_channels(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="U1", text="dm")
    dm = fake.im_channel("U1")
    fake.reset()
    assert fake.calls() == []
    assert fake.messages("C1") == []
    assert fake.im_channel("U1") == dm
    assert fake.user("U1").real_name == "Anna Berger"


# ---------------------------------------------------------------------------------------------
# Block Kit validation
# ---------------------------------------------------------------------------------------------


def test_blockkit_limits() -> None:
    assert validate_message_blocks([section("ok"), {"type": "divider"}]) == []
    overflow = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "x"},
        "accessory": {"type": "overflow", "action_id": "o", "options": [option("a", "a")]},
    }
    assert validate_message_blocks([overflow]) == [
        "must provide at least 2 items [json-pointer:/blocks/0/accessory/options]"
    ]
    select = {
        "type": "actions",
        "elements": [
            {
                "type": "static_select",
                "action_id": "s",
                "options": [option("A", "a")],
                "initial_option": option("B", "b"),
            }
        ],
    }
    assert validate_message_blocks([select]) == [
        "must match one of the provided options [json-pointer:/blocks/0/elements/0/initial_option]"
    ]
    dupes = [{"type": "divider", "block_id": "x"}, {"type": "divider", "block_id": "x"}]
    assert validate_message_blocks(dupes) == ["duplicate block_id 'x' [json-pointer:/blocks/1/block_id]"]
    header = {"type": "header", "text": {"type": "mrkdwn", "text": "no"}}
    assert validate_message_blocks([header]) == ["must be plain_text [json-pointer:/blocks/0/text/type]"]
    assert validate_message_blocks([{"type": "section", "txt": {}}]) == [
        "unknown field 'txt' is not allowed here [json-pointer:/blocks/0/txt]",
        "section blocks need text or fields [json-pointer:/blocks/0]",
    ]
    style = {"type": "actions", "elements": [dict(button("Go", "go"), style="secondary")]}
    assert validate_message_blocks([style]) == [
        "must be one of: primary, danger [json-pointer:/blocks/0/elements/0/style]"
    ]
    fields = {"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}
    assert validate_message_blocks([fields]) == [
        "no more than 10 items allowed [json-pointer:/blocks/0/fields]"
    ]
    assert validate_view(modal(*[{"type": "divider"}] * 100)) == []
    assert validate_view(modal(*[{"type": "divider"}] * 101)) == [
        "no more than 100 items allowed [json-pointer:/view/blocks]"
    ]
    assert validate_view({**modal(), "private_metadata": "m" * 3001}) == [
        "must be less than 3001 characters [json-pointer:/view/private_metadata]"
    ]


# ---------------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------------


def test_render_message_is_readable(fake: FakeSlack, client: WebClient) -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Weekly digest"}},
        section("*3 drafts* need review by <@U1> &amp; <@U2>: <https://example.org/d/1|Draft 1>"),
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": "*Owner*"}, {"type": "mrkdwn", "text": "Anna"}],
        },
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": "Due <!date^1764032400^{date_short}|Nov 25>"}],
        },
        {"type": "divider"},
        {
            "type": "actions",
            "elements": [
                button("Approve", "approve", "1"),
                {
                    "type": "static_select",
                    "action_id": "pick",
                    "placeholder": {"type": "plain_text", "text": "Topic"},
                    "options": [option("Energy", "e"), option("Water", "w")],
                },
            ],
        },
    ]
    client.chat_postMessage(channel="C1", text="digest", blocks=blocks)
    users = {u.id: u for u in fake.users()}
    text = render_message(fake.messages("C1")[0], users)
    assert text.splitlines()[0].startswith("consult-bot  ")
    assert "WEEKLY DIGEST" in text
    assert "*3 drafts* need review by @Anna Berger & @Ben Okafor: Draft 1 (https://example.org/d/1)" in text
    assert "› Due Nov 25" in text
    assert "[ Approve ]  [ Topic: Energy / Water ]" in text
    assert "\033[" not in text
    assert "\033[1m3 drafts\033[0m" in render_message(fake.messages("C1")[0], users, color=True)
    assert all(len(line) <= 100 for line in text.splitlines())


def test_render_channel_and_view(fake: FakeSlack, client: WebClient) -> None:
    root = fake.post_user_message("C1", "U1", "Can someone review?")
    client.chat_postMessage(channel="C1", text="On it", thread_ts=root.ts)
    client.chat_postEphemeral(channel="C1", user="U2", text="Psst, only for Ben")
    screen = render_channel(fake, "C1", viewer="U2")
    lines = screen.splitlines()
    assert lines[0].startswith("#general ")
    assert lines[1].startswith("Anna Berger  ")
    assert "  Can someone review?" in lines
    assert lines[3].startswith("  └ consult-bot  ")
    assert "(only visible to you)" in screen
    assert "Psst, only for Ben" in screen
    assert "Psst" not in render_channel(fake, "C1", viewer="U1")

    view = modal(
        text_input("title", "Title", placeholder={"type": "plain_text", "text": "Short title"}),
        {
            "type": "input",
            "block_id": "t",
            "optional": True,
            "label": {"type": "plain_text", "text": "Topic"},
            "element": {"type": "radio_buttons", "action_id": "r", "options": [option("Energy", "e")]},
        },
    )
    box = render_view(view)
    assert "Recommendation" in box.splitlines()[0]
    assert "Title: ________ (Short title)" in box
    assert "Topic (optional): ( ) Energy" in box
    assert "[ Save ]" in box.splitlines()[-1]


# ---------------------------------------------------------------------------------------------
# SlackSender: signed requests into the bot
# ---------------------------------------------------------------------------------------------


def test_signatures(sender: SlackSender, bot: BotStub) -> None:
    assert sender.event({"type": "app_mention", "text": "hi", "channel": "C1"}).status == 200
    assert sender.event({"type": "app_mention"}, signature="wrong").status == 401
    assert sender.event({"type": "app_mention"}, signature="stale").status == 401
    assert sender.event({"type": "app_mention"}, signature="missing").status == 401
    assert [r["valid"] for r in bot.received] == [True, False, False, False]
    first = bot.received[0]
    assert first["headers"]["X-Slack-Signature"] == sign(
        SECRET, first["headers"]["X-Slack-Request-Timestamp"], first["body"]
    )
    stale = bot.received[2]["headers"]
    assert int(stale["X-Slack-Request-Timestamp"]) <= time.time() - 590
    assert "X-Slack-Signature" not in bot.received[3]["headers"]


def test_event_envelope_and_retries(sender: SlackSender, bot: BotStub, fake: FakeSlack) -> None:
    msg, response = sender.user_posts("C1", "U1", "hello <@UBOT>")
    assert response.status == 200
    envelope = bot.received[0]["payload"]
    assert envelope["type"] == "event_callback"
    assert envelope["event_id"].startswith("Ev")
    assert envelope["authorizations"][0] == {
        "enterprise_id": None,
        "team_id": "T0001",
        "user_id": "UBOT",
        "is_bot": True,
        "is_enterprise_install": False,
    }
    event = envelope["event"]
    assert (event["type"], event["channel"], event["channel_type"], event["ts"]) == (
        "message",
        "C1",
        "channel",
        msg.ts,
    )
    assert event["event_ts"] == msg.ts

    sender.event(event, event_id=envelope["event_id"], retry_num=1)
    again = bot.received[1]
    assert again["payload"]["event_id"] == envelope["event_id"]
    assert again["headers"]["X-Slack-Retry-Num"] == "1"
    assert again["headers"]["X-Slack-Retry-Reason"] == "http_timeout"

    reply, _ = sender.user_posts("C1", "U2", "in thread", thread_ts=msg.ts, files=["notes.pdf"])
    event = bot.received[-1]["payload"]["event"]
    assert event["thread_ts"] == msg.ts
    assert event["subtype"] == "file_share"
    assert event["files"][0]["name"] == "notes.pdf"
    assert event["files"][0]["permalink"].startswith("https://fake.slack.local/files/")
    assert fake.message("C1", msg.ts).reply_count == 1

    _, _ = sender.user_edits("C1", reply.ts, "in thread (edited)")
    changed = bot.received[-1]["payload"]["event"]
    assert changed["subtype"] == "message_changed"
    assert changed["message"]["text"] == "in thread (edited)"
    assert changed["previous_message"]["text"] == "in thread"
    sender.user_deletes("C1", reply.ts)
    deleted = bot.received[-1]["payload"]["event"]
    assert (deleted["subtype"], deleted["deleted_ts"]) == ("message_deleted", reply.ts)
    assert fake.message("C1", msg.ts).reply_count == 0


def test_slash_command_form_and_ack_shown(sender: SlackSender, bot: BotStub, fake: FakeSlack) -> None:
    bot.answer = lambda payload: (200, json.dumps({"text": "Working on it"}))
    response = sender.slash("/consult", "new draft", "U1", "C1")
    assert response.status == 200
    form = bot.received[0]["payload"]
    assert list(form) == [
        "token",
        "team_id",
        "team_domain",
        "channel_id",
        "channel_name",
        "user_id",
        "user_name",
        "command",
        "text",
        "api_app_id",
        "is_enterprise_install",
        "response_url",
        "trigger_id",
    ]
    assert (form["command"], form["text"], form["channel_name"], form["user_name"]) == (
        "/consult",
        "new draft",
        "general",
        "anna",
    )
    assert [e.text for e in fake.ephemerals("U1")] == ["Working on it"]

    # the trigger works once, and the response_url posts back into the channel
    client = WebClient(base_url=fake.api_url, token=fake.bot_token)
    assert client.views_open(trigger_id=form["trigger_id"], view=modal())["ok"]
    assert (
        WebhookClient(form["response_url"]).send(text="Done", response_type="in_channel").status_code == 200
    )
    assert fake.messages("C1")[-1].text == "Done"

    bot.answer = lambda payload: (200, json.dumps({"blocks": [section("a" * 3001)]}))
    with pytest.raises(AssertionError, match="invalid_blocks"):
        sender.slash("/consult", "", "U1", "C1")


def test_click_payload_and_replace_original(sender: SlackSender, bot: BotStub, fake: FakeSlack) -> None:
    client = WebClient(base_url=fake.api_url, token=fake.bot_token)
    blocks = [
        section("Item 1"),
        {"type": "actions", "block_id": "item-1", "elements": [button("Approve", "approve", "1")]},
        {
            "type": "actions",
            "block_id": "item-2",
            "elements": [
                button("Approve", "approve", "2"),
                {
                    "type": "overflow",
                    "action_id": "more",
                    "options": [option("Edit", "edit"), option("Drop", "drop")],
                },
            ],
        },
    ]
    ts = client.chat_postMessage(channel="C1", text="Items", blocks=blocks)["ts"]

    sender.click(ts, "C1", "U2", "approve", value="2")
    payload = bot.received[-1]["payload"]
    assert payload["type"] == "block_actions"
    assert payload["container"] == {
        "type": "message",
        "message_ts": ts,
        "channel_id": "C1",
        "is_ephemeral": False,
    }
    assert payload["user"] == {"id": "U2", "username": "ben", "name": "ben", "team_id": "T0001"}
    assert payload["message"]["ts"] == ts
    action = payload["actions"][0]
    assert (action["type"], action["block_id"], action["value"]) == ("button", "item-2", "2")
    with pytest.raises(LookupError, match="2 elements"):
        sender.click(ts, "C1", "U2", "approve")

    sender.click(ts, "C1", "U2", "more", selected_option="drop")
    picked = bot.received[-1]["payload"]["actions"][0]
    assert picked["selected_option"] == option("Drop", "drop")

    WebhookClient(payload["response_url"]).send(text="Approved", replace_original=True)
    assert fake.message("C1", ts).text == "Approved"
    assert fake.message("C1", ts).blocks == []


def test_click_on_ephemeral_message(sender: SlackSender, bot: BotStub, fake: FakeSlack) -> None:
    client = WebClient(base_url=fake.api_url, token=fake.bot_token)
    page = [section("Page 1 of 2"), {"type": "actions", "elements": [button("Next", "next_page", "2")]}]
    client.chat_postEphemeral(channel="C1", user="U1", text="page 1", blocks=page)
    sender.click_ephemeral("C1", "U1", "next_page")
    payload = bot.received[-1]["payload"]
    assert payload["container"]["is_ephemeral"] is True
    assert "message" not in payload
    WebhookClient(payload["response_url"]).send(text="page 2", replace_original=True)
    assert [e.text for e in fake.ephemerals("U1")] == ["page 2"]
    WebhookClient(payload["response_url"]).send(text="", delete_original=True)
    assert fake.ephemerals("U1") == []


def test_submit_view_state_and_response_actions(sender: SlackSender, bot: BotStub, fake: FakeSlack) -> None:
    client = WebClient(base_url=fake.api_url, token=fake.bot_token)
    view = modal(
        text_input("title", "Title", max_length=10),
        {
            "type": "input",
            "block_id": "topic",
            "label": {"type": "plain_text", "text": "Topic"},
            "element": {
                "type": "static_select",
                "action_id": "topic_pick",
                "options": [option("Energy", "energy"), option("Water", "water")],
            },
        },
        {
            "type": "input",
            "block_id": "tags",
            "optional": True,
            "label": {"type": "plain_text", "text": "Tags"},
            "element": {"type": "checkboxes", "action_id": "tag", "options": [option("Urgent", "urgent")]},
        },
        {
            "type": "input",
            "block_id": "due",
            "optional": True,
            "label": {"type": "plain_text", "text": "Due"},
            "element": {"type": "datepicker", "action_id": "day", "initial_date": "2025-12-01"},
        },
    )
    view["private_metadata"] = "rec-7"
    view_id = client.views_open(trigger_id=fake.issue_trigger("U1"), view=view)["view"]["id"]

    with pytest.raises(ValueError, match="required"):
        sender.submit_view(view_id, "U1", {"title": "Air"})
    with pytest.raises(ValueError, match="at most 10"):
        sender.submit_view(view_id, "U1", {"title": "x" * 11, "topic": "water"})
    with pytest.raises(KeyError, match="nope"):
        sender.submit_view(view_id, "U1", {"nope": "x"})

    bot.answer = lambda payload: (
        200,
        json.dumps({"response_action": "errors", "errors": {"title": "Too vague"}}),
    )
    response = sender.submit_view(view_id, "U1", {"title": "Air", "topic_pick": "water", "tags": ["urgent"]})
    assert response.json == {"response_action": "errors", "errors": {"title": "Too vague"}}
    submitted = bot.received[-1]["payload"]
    assert submitted["type"] == "view_submission"
    assert submitted["view"]["private_metadata"] == "rec-7"
    assert submitted["view"]["state"]["values"] == {
        "title": {"value": {"type": "plain_text_input", "value": "Air"}},
        "topic": {"topic_pick": {"type": "static_select", "selected_option": option("Water", "water")}},
        "tags": {"tag": {"type": "checkboxes", "selected_options": [option("Urgent", "urgent")]}},
        "due": {"day": {"type": "datepicker", "selected_date": "2025-12-01"}},
    }
    assert fake.view(view_id).is_open

    bot.answer = lambda payload: (
        200,
        json.dumps({"response_action": "update", "view": modal(section("Thanks"))}),
    )
    sender.submit_view(view_id, "U1", {"title": "Clean air"})
    assert fake.view(view_id).blocks[0]["text"]["text"] == "Thanks"

    bot.answer = lambda payload: (200, "")
    sender.submit_view(view_id, "U1")
    assert not fake.view(view_id).is_open

    bot.answer = lambda payload: (200, json.dumps({"response_action": "errors", "errors": {"nope": "x"}}))
    other = client.views_open(trigger_id=fake.issue_trigger("U1"), view=modal(text_input("t", "T")))["view"][
        "id"
    ]
    with pytest.raises(AssertionError, match="not the block_id of an input block"):
        sender.submit_view(other, "U1", {"t": "x"})


def test_click_in_view_and_shortcuts(sender: SlackSender, bot: BotStub, fake: FakeSlack) -> None:
    client = WebClient(base_url=fake.api_url, token=fake.bot_token)
    view = modal(text_input("title", "Title"), {"type": "actions", "elements": [button("Add", "add_row")]})
    view["notify_on_close"] = True
    view_id = client.views_open(trigger_id=fake.issue_trigger("U2"), view=view)["view"]["id"]
    sender.click_in_view(view_id, "U2", "add_row", values={"title": "half-typed"})
    payload = bot.received[-1]["payload"]
    assert payload["container"] == {"type": "view", "view_id": view_id}
    assert payload["view"]["state"]["values"]["title"]["value"]["value"] == "half-typed"
    assert "response_url" not in payload

    closed = sender.view_closed(view_id, "U2")
    assert closed is not None
    assert bot.received[-1]["payload"]["type"] == "view_closed"
    assert not fake.view(view_id).is_open

    ts = fake.post_user_message("C1", "U1", "Turn this into a recommendation").ts
    sender.message_shortcut("C1", ts, "U2", "make_rec")
    shortcut = bot.received[-1]["payload"]
    assert (shortcut["type"], shortcut["callback_id"], shortcut["message"]["text"]) == (
        "message_action",
        "make_rec",
        "Turn this into a recommendation",
    )
    sender.global_shortcut("U1", "new_rec")
    assert bot.received[-1]["payload"]["type"] == "shortcut"
    assert sender.url_verification("abc").status == 200
    assert bot.received[-1]["payload"] == {
        "token": fake.verification_token,
        "challenge": "abc",
        "type": "url_verification",
    }


def test_ephemeral_errors_and_injected_errors(fake: FakeSlack, client: WebClient) -> None:
    assert api_error(lambda: client.chat_postEphemeral(channel="C1", user="U404", text="x"))["error"] == (
        "user_not_found"
    )
    fake.add_user("U3", "cleo", real_name="Cleo Marin")
    assert api_error(lambda: client.chat_postEphemeral(channel="C1", user="U3", text="x"))["error"] == (
        "user_not_in_channel"
    )

    fake.fail_next("chat.postMessage", status=200, error="is_archived", times=2)
    assert api_error(lambda: client.chat_postMessage(channel="C1", text="a"))["error"] == "is_archived"
    assert api_error(lambda: client.chat_postMessage(channel="C1", text="b"))["error"] == "is_archived"
    assert client.chat_postMessage(channel="C1", text="c")["ok"]


def test_app_mention_and_dm_events(sender: SlackSender, bot: BotStub, fake: FakeSlack) -> None:
    sender.user_posts("C1", "U1", "<@UBOT> summarise please", app_mention=True)
    kinds = [r["payload"]["event"]["type"] for r in bot.received]
    assert kinds == ["message", "app_mention"]
    ids = {r["payload"]["event_id"] for r in bot.received}
    assert len(ids) == 2
    msg, _ = sender.user_posts("U2", "U2", "hi bot")
    event = bot.received[-1]["payload"]["event"]
    assert (event["channel"], event["channel_type"], event["ts"]) == (fake.im_channel("U2"), "im", msg.ts)
    assert [m.text for m in fake.dm_messages("U2")] == ["hi bot"]
    assert sender.deliveries[-1].kind == "message"


def test_redeliver_and_overview_helpers(sender: SlackSender, bot: BotStub, fake: FakeSlack) -> None:
    fake.post_user_message("C1", "U1", "first")
    sender.user_posts("U2", "U2", "second")
    assert [m.text for m in fake.all_messages()] == ["first", "second"]
    assert fake.user_names()["U1"] == "Anna Berger"

    again = sender.redeliver(sender.deliveries[-1], retry_num=2)
    assert again.status == 200
    original, retried = bot.received[-2], bot.received[-1]
    assert retried["body"] == original["body"]
    assert retried["valid"]
    assert retried["headers"]["X-Slack-Retry-Num"] == "2"
    assert "X-Slack-Retry-Num" not in original["headers"]


def test_an_action_after_a_call_runs_before_the_caller_hears_the_answer() -> None:
    with FakeSlack() as fake:
        fake.add_user("U1", "anna")
        fake.add_channel("C1", "general", members=["U1"])
        client = WebClient(base_url=fake.api_url, token=fake.bot_token)
        replied: list[str] = []

        def reply(posted: ApiCall) -> None:
            replied.append(fake.post_user_message("C1", "U1", "at once", thread_ts=posted.response["ts"]).ts)

        hook = fake.after_next("chat.postMessage", reply)
        fake.fail_next("chat.postMessage", status=200, error="channel_not_found")
        assert api_error(lambda: client.chat_postMessage(channel="C1", text="refused"))["error"] == (
            "channel_not_found"
        )
        assert not replied  # a refused call posted nothing: the action waits for a processed one
        root = client.chat_postMessage(channel="C1", text="root")
        hook.wait()

        # The reply was in the thread before the bot had the root's ts.
        assert [m.ts for m in fake.thread("C1", str(root["ts"]))][1:] == replied
        client.chat_postMessage(channel="C1", text="again")
        assert len(replied) == 1

        def broken(_: ApiCall) -> None:
            raise ZeroDivisionError

        failing = fake.after_next("chat.update", broken)
        client.chat_update(channel="C1", ts=str(root["ts"]), text="edited")
        with pytest.raises(ZeroDivisionError):
            failing.wait()
