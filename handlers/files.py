"""A file for one person: uploaded into the bot's direct message with them (files_upload_v2)."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.services.exports import ExportFile


def send_file_dm(client: WebClient, user: str, exported: ExportFile, comment: str) -> None:
    channel = client.conversations_open(users=user)["channel"]["id"]
    client.files_upload_v2(
        channel=channel,
        content=exported.content,
        filename=exported.filename,
        title=exported.filename,
        initial_comment=comment,
    )
