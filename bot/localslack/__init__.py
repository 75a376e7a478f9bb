"""A local stand-in for Slack: a fake Web API server and a sender of signed Slack requests.

``FakeSlack`` answers the bot's ``slack_sdk.WebClient`` over real HTTP on 127.0.0.1 and keeps
the workspace state (users, channels, messages, views, files); ``SlackSender`` delivers events,
slash commands, clicks and view submissions to the bot's ``/slack/events`` endpoint, signed as
Slack signs them. Used by the test suite and by ``consult-bot demo``.
"""

from bot.localslack.blockkit import validate_message_blocks, validate_view
from bot.localslack.client import Delivery, Response, SendOptions, SignatureMode, SlackSender, sign
from bot.localslack.render import render_blocks, render_channel, render_message, render_mrkdwn, render_view
from bot.localslack.server import (
    ApiCall,
    Channel,
    EphemeralMessage,
    FakeSlack,
    Message,
    StoredFile,
    User,
    View,
)
from bot.localslack.socket_mode import SocketModeServer

__all__ = [
    "ApiCall",
    "Channel",
    "Delivery",
    "EphemeralMessage",
    "FakeSlack",
    "Message",
    "Response",
    "SendOptions",
    "SignatureMode",
    "SlackSender",
    "SocketModeServer",
    "StoredFile",
    "User",
    "View",
    "render_blocks",
    "render_channel",
    "render_message",
    "render_mrkdwn",
    "render_view",
    "sign",
    "validate_message_blocks",
    "validate_view",
]
