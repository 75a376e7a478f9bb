"""Block Kit validation with Slack's published limits.

Slack rejects a message whose blocks break a limit with ``invalid_blocks`` and a view with
``invalid_arguments``; in both cases ``response_metadata.messages`` holds lines such as
``[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]``.
The functions here return exactly those error strings (without the ``[ERROR]`` prefix), so the
fake Slack server can answer the way Slack does and the test suite can prove that the bot stays
within the limits.

Limits follow the Block Kit reference (blocks, block elements, composition objects, views).
Unknown fields are rejected as Slack does ("failed to match all allowed schemas"), because a
misspelt field name is silently dropped nowhere: Slack refuses the whole payload.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.localslack.blockkit_elements import ElementChecker
from bot.localslack.blockkit_schema import (
    ACTIONS_ELEMENTS,
    ANY_TEXT,
    BLOCK_FIELDS,
    BLOCK_TYPES,
    INPUT_ELEMENTS,
    MAX_BLOCKS_MESSAGE,
    MAX_BLOCKS_VIEW,
    MAX_MESSAGE_TEXT,
    PLAIN,
    RICH_TEXT_ELEMENTS,
    SECTION_ACCESSORIES,
    Surface,
)

__all__ = [
    "MAX_BLOCKS_MESSAGE",
    "MAX_BLOCKS_VIEW",
    "MAX_MESSAGE_TEXT",
    "Surface",
    "validate_blocks",
    "validate_message_blocks",
    "validate_view",
]


def validate_message_blocks(blocks: Any) -> list[str]:
    """Errors for the ``blocks`` of a message (chat.postMessage, chat.update, response_url ...)."""
    return validate_blocks(blocks, surface="message", path="/blocks")


def validate_blocks(blocks: Any, *, surface: Surface, path: str) -> list[str]:
    """Errors for a list of blocks shown on ``surface``; ``path`` is the JSON pointer of the list."""
    checker = _Checker(surface)
    checker.blocks(blocks, path)
    return checker.errors


def validate_view(view: Any) -> list[str]:
    """Errors for a modal or home tab view (views.open / push / update / publish)."""
    checker = _Checker("modal")
    if not isinstance(view, Mapping):
        checker.err("/view", "must be an object")
        return checker.errors
    view_type = view.get("type")
    if view_type not in ("modal", "home"):
        checker.err("/view/type", "must be one of: modal, home")
        return checker.errors
    checker.surface = "modal" if view_type == "modal" else "home"
    if view_type == "modal":
        checker.text(view.get("title"), "/view/title", kinds=PLAIN, max_len=24)
        for key in ("close", "submit"):
            if key in view:
                checker.text(view[key], f"/view/{key}", kinds=PLAIN, max_len=24)
        for key in ("clear_on_close", "notify_on_close", "submit_disabled"):
            if key in view:
                checker.boolean(view[key], f"/view/{key}")
    for key, limit in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        if key in view:
            checker.string(view[key], f"/view/{key}", max_len=limit, min_len=0)
    blocks = view.get("blocks")
    checker.blocks(blocks, "/view/blocks")
    has_input = isinstance(blocks, list) and any(
        isinstance(b, Mapping) and b.get("type") == "input" for b in blocks
    )
    if view_type == "modal" and has_input and "submit" not in view:
        checker.err("/view/submit", "a modal with input blocks must have a submit button")
    return checker.errors


class _Checker(ElementChecker):
    """Walks a surface's blocks; one instance per surface (block_ids are unique in it)."""

    def blocks(self, blocks: Any, path: str) -> None:
        if blocks is None:
            self.err(path, "missing required field: blocks")
            return
        limit = MAX_BLOCKS_MESSAGE if self.surface == "message" else MAX_BLOCKS_VIEW
        items = self.array(blocks, path, max_items=limit, min_items=0)
        markdown_total = 0
        for i, block in enumerate(items):
            self.block(block, f"{path}/{i}")
            if isinstance(block, Mapping) and block.get("type") == "markdown":
                text = block.get("text")
                markdown_total += len(text) if isinstance(text, str) else 0
        if markdown_total > 12_000:
            self.err(path, "markdown blocks must be less than 12001 characters in total")

    def block(self, block: Any, path: str) -> None:
        if not isinstance(block, Mapping):
            self.err(path, "must be a block object")
            return
        kind = block.get("type")
        if not isinstance(kind, str) or kind not in BLOCK_TYPES:
            self.err(f"{path}/type", f"unknown block type: {kind!r}")
            return
        if kind == "file" and self.surface != "message":
            self.err(f"{path}/type", "file blocks are only allowed in messages")
        if kind == "markdown" and self.surface != "message":
            self.err(f"{path}/type", "markdown blocks are only allowed in messages")
        self.fields(block, path, BLOCK_FIELDS[kind])
        if "block_id" in block:
            block_id = block["block_id"]
            if self.string(block_id, f"{path}/block_id", max_len=255):
                if block_id in self._block_ids:
                    self.err(f"{path}/block_id", f"duplicate block_id '{block_id}'")
                self._block_ids.add(block_id)
        getattr(self, f"_block_{kind}")(block, path)

    def _block_section(self, block: Mapping[str, Any], path: str) -> None:
        if "text" not in block and "fields" not in block:
            self.err(path, "section blocks need text or fields")
        if "text" in block:
            self.text(block["text"], f"{path}/text", max_len=3000)
        if "fields" in block:
            fields = self.array(block["fields"], f"{path}/fields", max_items=10)
            for i, field in enumerate(fields):
                self.text(field, f"{path}/fields/{i}", max_len=2000)
        if "accessory" in block:
            self.element(block["accessory"], f"{path}/accessory", SECTION_ACCESSORIES, "section accessory")
        if "expand" in block:
            self.boolean(block["expand"], f"{path}/expand")

    def _block_header(self, block: Mapping[str, Any], path: str) -> None:
        if self.required(block, "text", path):
            self.text(block["text"], f"{path}/text", kinds=PLAIN, max_len=150)

    def _block_divider(self, block: Mapping[str, Any], path: str) -> None:
        return None

    def _block_context(self, block: Mapping[str, Any], path: str) -> None:
        if not self.required(block, "elements", path):
            return
        elements = self.array(block["elements"], f"{path}/elements", max_items=10)
        for i, el in enumerate(elements):
            el_path = f"{path}/elements/{i}"
            if isinstance(el, Mapping) and el.get("type") in ANY_TEXT:
                self.text(el, el_path)
            elif isinstance(el, Mapping) and el.get("type") == "image":
                self.element(el, el_path, {"image"}, "context block")
            else:
                self.err(el_path, "context elements must be image elements or text objects")

    def _block_actions(self, block: Mapping[str, Any], path: str) -> None:
        if not self.required(block, "elements", path):
            return
        elements = self.array(block["elements"], f"{path}/elements", max_items=25)
        seen: set[str] = set()
        for i, el in enumerate(elements):
            el_path = f"{path}/elements/{i}"
            self.element(el, el_path, ACTIONS_ELEMENTS, "actions block")
            action_id = el.get("action_id") if isinstance(el, Mapping) else None
            if isinstance(action_id, str):
                if action_id in seen:
                    self.err(f"{el_path}/action_id", f"duplicate action_id '{action_id}' in this block")
                seen.add(action_id)

    def _block_input(self, block: Mapping[str, Any], path: str) -> None:
        if self.required(block, "label", path):
            self.text(block["label"], f"{path}/label", kinds=PLAIN, max_len=2000)
        if self.required(block, "element", path):
            self.element(block["element"], f"{path}/element", INPUT_ELEMENTS, "input block")
        if "hint" in block:
            self.text(block["hint"], f"{path}/hint", kinds=PLAIN, max_len=2000)
        for key in ("optional", "dispatch_action"):
            if key in block:
                self.boolean(block[key], f"{path}/{key}")

    def _block_image(self, block: Mapping[str, Any], path: str) -> None:
        self._image_source(block, path)
        if self.required(block, "alt_text", path):
            self.string(block["alt_text"], f"{path}/alt_text", max_len=2000)
        if "title" in block:
            self.text(block["title"], f"{path}/title", kinds=PLAIN, max_len=2000)

    def _block_rich_text(self, block: Mapping[str, Any], path: str) -> None:
        if not self.required(block, "elements", path):
            return
        elements = self.array(block["elements"], f"{path}/elements", max_items=10_000, min_items=0)
        for i, el in enumerate(elements):
            if not isinstance(el, Mapping) or el.get("type") not in RICH_TEXT_ELEMENTS:
                self.err(f"{path}/elements/{i}", "must be a rich_text_section, list, preformatted or quote")
            elif not isinstance(el.get("elements"), list):
                self.err(f"{path}/elements/{i}/elements", "must be an array")

    def _block_file(self, block: Mapping[str, Any], path: str) -> None:
        if self.required(block, "external_id", path):
            self.string(block["external_id"], f"{path}/external_id", max_len=255)
        if self.required(block, "source", path) and block["source"] != "remote":
            self.err(f"{path}/source", "must be remote")

    def _block_video(self, block: Mapping[str, Any], path: str) -> None:
        if self.required(block, "alt_text", path):
            self.string(block["alt_text"], f"{path}/alt_text", max_len=2000)
        if self.required(block, "title", path):
            self.text(block["title"], f"{path}/title", kinds=PLAIN, max_len=199)
        for key in ("thumbnail_url", "video_url"):
            if self.required(block, key, path):
                self.string(block[key], f"{path}/{key}", max_len=3000)
        for key in ("title_url", "provider_icon_url"):
            if key in block:
                self.string(block[key], f"{path}/{key}", max_len=3000)
        if "author_name" in block:
            self.string(block["author_name"], f"{path}/author_name", max_len=49)
        if "provider_name" in block:
            self.string(block["provider_name"], f"{path}/provider_name", max_len=255)
        if "description" in block:
            self.text(block["description"], f"{path}/description", kinds=PLAIN)

    def _block_markdown(self, block: Mapping[str, Any], path: str) -> None:
        if self.required(block, "text", path):
            self.string(block["text"], f"{path}/text", max_len=12_000)

    # -- elements ---------------------------------------------------------------------------
