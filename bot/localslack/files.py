"""The local Slack's file upload (``files.getUploadURLExternal``, the upload itself,
``files.completeUploadExternal``: what ``WebClient.files_upload_v2`` calls) and file downloads."""

from __future__ import annotations

from typing import Any

from bot.localhttp import Reply
from bot.localslack.blockkit import MAX_MESSAGE_TEXT
from bot.localslack.chat import ChatApi
from bot.localslack.models import StoredFile
from bot.localslack.wire import Args, SlackError, invalid_arguments, web_method

JSONDict = dict[str, Any]


class FilesApi(ChatApi):
    @web_method("files.getUploadURLExternal")
    def _files_get_upload_url(self, args: Args) -> JSONDict:
        length = args.number("length", -1, error="invalid_arguments")
        if length < 0:
            raise invalid_arguments(["length must be a non-negative integer"])
        name = args.text("filename") or "file"
        stored = self._new_file(name, name, length, self.bot_user_id)
        return {"ok": True, "upload_url": f"{self.base_url}upload/v1/{stored.id}", "file_id": stored.id}

    def _handle_upload(self, file_id: str, body: bytes) -> Reply:
        with self._lock:
            stored = self._files.get(file_id)
            if stored is None:
                return Reply.text("file_not_found", status=404)
            stored.content = bytes(body)
            self._changed.notify_all()
        return Reply.text(f"OK - {len(body)}")

    def _handle_download(self, rest: str) -> Reply:
        file_id = rest.split("/", 1)[0]
        with self._lock:
            stored = self._files.get(file_id)
            if stored is None or stored.content is None:
                return Reply.text("file_not_found", status=404)
            return Reply(200, stored.content, content_type=stored.mimetype)

    @web_method("files.completeUploadExternal")
    def _files_complete_upload(self, args: Args) -> JSONDict:
        entries = args.get("files")
        if not isinstance(entries, list) or not entries:
            raise invalid_arguments(["files must be a JSON array of {id, title} [json-pointer:/files]"])
        stored_files: list[StoredFile] = []
        for entry in entries:
            file_id = entry.get("id") if isinstance(entry, dict) else None
            stored = self._files.get(str(file_id))
            if stored is None or stored.completed:
                raise SlackError("file_not_found")
            if not stored.uploaded:
                raise SlackError("file_upload_not_found" if stored.length else "file_not_found")
            if isinstance(entry, dict) and entry.get("title"):
                stored.title = str(entry["title"])
            stored_files.append(stored)
        channel_refs = [args.text("channel_id")] if args.text("channel_id") else []
        channel_refs += [c for c in (args.text("channels") or "").split(",") if c]
        channels = [self._resolve_channel(ref) for ref in channel_refs]
        for channel in channels:
            self._require_bot_in(channel)
        thread_ts = args.text("thread_ts")
        for channel in channels:
            if thread_ts:
                self._thread_root(channel.id, thread_ts)
        comment = args.text("initial_comment")
        if comment is not None and len(comment) > MAX_MESSAGE_TEXT:
            raise SlackError("msg_too_long")
        for stored in stored_files:
            stored.completed = True
        for channel in channels:
            for stored in stored_files:
                stored.channels.append(channel.id)
            self._post(
                channel,
                text=comment,
                blocks=None,
                attachments=None,
                thread_ts=thread_ts,
                files=[s.to_api() for s in stored_files],
            )
        self._changed.notify_all()
        return {"ok": True, "files": [s.to_api() for s in stored_files]}

    # -- response_url ---------------------------------------------------------------------------
