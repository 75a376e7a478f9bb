"""Required parameters of the Web API methods the fake Slack answers.

Taken from Slack's published OpenAPI 2.0 spec (``slack_web_openapi_v2.json``: every parameter
with ``required: true``, the ``token`` excluded because the fake checks it separately).
``tests/unit/test_localslack_spec.py`` keeps this table honest against the spec file.

Some parameters the spec marks optional are still enforced by Slack at run time, usually as a
"one of" rule (chat.postMessage needs text, blocks or attachments; conversations.replies needs
channel and ts ...). The server checks those
itself, with the specific error Slack gives, instead of listing them here.
"""

from __future__ import annotations

from typing import Final

__all__ = ["HAND_LISTED_METHODS", "REQUIRED_PARAMS"]

#: Methods newer than the OpenAPI spec; their required parameters come from the method pages
#: on docs.slack.dev instead.
HAND_LISTED_METHODS: Final = frozenset(
    {"apps.connections.open", "files.getUploadURLExternal", "files.completeUploadExternal"}
)

REQUIRED_PARAMS: Final[dict[str, tuple[str, ...]]] = {
    "auth.test": (),
    "chat.getPermalink": ("channel", "message_ts"),
    "chat.postEphemeral": ("channel", "user"),
    "chat.postMessage": ("channel",),
    "chat.update": ("channel", "ts"),
    "conversations.members": (),
    "conversations.open": (),
    "conversations.replies": (),
    "users.info": (),
    "views.open": ("trigger_id", "view"),
    "views.publish": ("user_id", "view"),
    # Not in the OpenAPI spec (Socket Mode's, and the v2 upload flow of 2024): hand-listed.
    "apps.connections.open": (),
    "files.getUploadURLExternal": ("filename", "length"),
    "files.completeUploadExternal": ("files",),
}
