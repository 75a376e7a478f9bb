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

import re
from collections.abc import Collection, Mapping
from datetime import date, time
from typing import Any, Final, Literal

__all__ = [
    "MAX_BLOCKS_MESSAGE",
    "MAX_BLOCKS_VIEW",
    "MAX_MESSAGE_TEXT",
    "Surface",
    "validate_blocks",
    "validate_message_blocks",
    "validate_view",
]

Surface = Literal["message", "modal", "home"]

MAX_BLOCKS_MESSAGE: Final = 50
MAX_BLOCKS_VIEW: Final = 100
MAX_MESSAGE_TEXT: Final = 40_000

_MULTI_SELECTS: Final = frozenset(
    {
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)
_SINGLE_SELECTS: Final = frozenset(
    {"static_select", "external_select", "users_select", "conversations_select", "channels_select"}
)
_SELECTS: Final = _MULTI_SELECTS | _SINGLE_SELECTS

#: Elements allowed in an ``actions`` block.
ACTIONS_ELEMENTS: Final = _SELECTS | {
    "button",
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "overflow",
    "radio_buttons",
    "timepicker",
    "workflow_button",
}
#: Elements allowed as a ``section`` accessory.
SECTION_ACCESSORIES: Final = _SELECTS | {
    "button",
    "checkboxes",
    "datepicker",
    "image",
    "overflow",
    "radio_buttons",
    "timepicker",
    "workflow_button",
}
#: Elements allowed as the ``element`` of an ``input`` block.
INPUT_ELEMENTS: Final = _SELECTS | {
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "email_text_input",
    "file_input",
    "number_input",
    "plain_text_input",
    "radio_buttons",
    "rich_text_input",
    "timepicker",
    "url_text_input",
}

BLOCK_TYPES: Final = frozenset(
    {
        "section",
        "header",
        "divider",
        "context",
        "actions",
        "input",
        "image",
        "rich_text",
        "file",
        "video",
        "markdown",
    }
)

_BLOCK_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    "section": frozenset({"type", "block_id", "text", "fields", "accessory", "expand"}),
    "header": frozenset({"type", "block_id", "text"}),
    "divider": frozenset({"type", "block_id"}),
    "context": frozenset({"type", "block_id", "elements"}),
    "actions": frozenset({"type", "block_id", "elements"}),
    "input": frozenset({"type", "block_id", "label", "element", "dispatch_action", "hint", "optional"}),
    "image": frozenset({"type", "block_id", "image_url", "slack_file", "alt_text", "title", "is_animated"}),
    "rich_text": frozenset({"type", "block_id", "elements"}),
    "file": frozenset({"type", "block_id", "external_id", "source"}),
    "video": frozenset(
        {
            "type",
            "block_id",
            "alt_text",
            "author_name",
            "description",
            "provider_icon_url",
            "provider_name",
            "title",
            "title_url",
            "thumbnail_url",
            "video_url",
        }
    ),
    "markdown": frozenset({"type", "block_id", "text"}),
}

_COMMON_INPUT: Final = frozenset({"type", "action_id", "focus_on_load", "placeholder"})
_ELEMENT_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    "button": frozenset(
        {"type", "text", "action_id", "url", "value", "style", "confirm", "accessibility_label"}
    ),
    "checkboxes": frozenset({"type", "action_id", "options", "initial_options", "confirm", "focus_on_load"}),
    "radio_buttons": frozenset(
        {"type", "action_id", "options", "initial_option", "confirm", "focus_on_load"}
    ),
    "datepicker": _COMMON_INPUT | {"initial_date", "confirm"},
    "datetimepicker": frozenset({"type", "action_id", "initial_date_time", "confirm", "focus_on_load"}),
    "timepicker": _COMMON_INPUT | {"initial_time", "confirm", "timezone"},
    "email_text_input": _COMMON_INPUT | {"initial_value", "dispatch_action_config"},
    "url_text_input": _COMMON_INPUT | {"initial_value", "dispatch_action_config"},
    "plain_text_input": _COMMON_INPUT
    | {"initial_value", "multiline", "min_length", "max_length", "dispatch_action_config"},
    "rich_text_input": _COMMON_INPUT | {"initial_value", "dispatch_action_config"},
    "number_input": _COMMON_INPUT
    | {"is_decimal_allowed", "initial_value", "min_value", "max_value", "dispatch_action_config"},
    "file_input": frozenset({"type", "action_id", "filetypes", "max_files"}),
    "image": frozenset({"type", "alt_text", "image_url", "slack_file"}),
    "overflow": frozenset({"type", "action_id", "options", "confirm"}),
    "workflow_button": frozenset({"type", "text", "workflow", "action_id", "style", "accessibility_label"}),
    "static_select": _COMMON_INPUT | {"options", "option_groups", "initial_option", "confirm"},
    "external_select": _COMMON_INPUT | {"initial_option", "min_query_length", "confirm"},
    "users_select": _COMMON_INPUT | {"initial_user", "confirm"},
    "conversations_select": _COMMON_INPUT
    | {
        "initial_conversation",
        "default_to_current_conversation",
        "confirm",
        "response_url_enabled",
        "filter",
    },
    "channels_select": _COMMON_INPUT | {"initial_channel", "confirm", "response_url_enabled"},
    "multi_static_select": _COMMON_INPUT
    | {"options", "option_groups", "initial_options", "confirm", "max_selected_items"},
    "multi_external_select": _COMMON_INPUT
    | {"min_query_length", "initial_options", "confirm", "max_selected_items"},
    "multi_users_select": _COMMON_INPUT | {"initial_users", "confirm", "max_selected_items"},
    "multi_conversations_select": _COMMON_INPUT
    | {"initial_conversations", "default_to_current_conversation", "confirm", "max_selected_items", "filter"},
    "multi_channels_select": _COMMON_INPUT | {"initial_channels", "confirm", "max_selected_items"},
}

_RICH_TEXT_ELEMENTS: Final = frozenset(
    {"rich_text_section", "rich_text_list", "rich_text_preformatted", "rich_text_quote"}
)
_PLAIN: Final = ("plain_text",)
_ANY_TEXT: Final = ("plain_text", "mrkdwn")
_TIME_RE: Final = re.compile(r"^(\d{2}):(\d{2})$")
_DATE_RE: Final = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMBER_RE: Final = re.compile(r"^-?\d+(\.\d+)?$")
_INT_RE: Final = re.compile(r"^-?\d+$")


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
        checker.text(view.get("title"), "/view/title", kinds=_PLAIN, max_len=24)
        for key in ("close", "submit"):
            if key in view:
                checker.text(view[key], f"/view/{key}", kinds=_PLAIN, max_len=24)
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


class _Checker:
    """Collects errors while walking a surface; one instance per surface (block_ids are unique in it)."""

    def __init__(self, surface: Surface) -> None:
        self.surface: Surface = surface
        self.errors: list[str] = []
        self._block_ids: set[str] = set()

    # -- primitives ---------------------------------------------------------------------------

    def err(self, path: str, message: str) -> None:
        self.errors.append(f"{message} [json-pointer:{path}]")

    def fields(self, obj: Mapping[str, Any], path: str, allowed: Collection[str]) -> None:
        for key in obj:
            if key not in allowed:
                self.err(f"{path}/{key}", f"unknown field '{key}' is not allowed here")

    def string(self, value: Any, path: str, *, max_len: int, min_len: int = 1) -> bool:
        if not isinstance(value, str):
            self.err(path, "must be a string")
            return False
        if len(value) < min_len:
            self.err(path, f"must be more than {min_len - 1} characters")
            return False
        if len(value) > max_len:
            self.err(path, f"must be less than {max_len + 1} characters")
            return False
        return True

    def boolean(self, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            self.err(path, "must be a boolean")

    def integer(self, value: Any, path: str, *, minimum: int, maximum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(path, "must be an integer")
            return None
        if value < minimum:
            self.err(path, f"must be at least {minimum}")
            return None
        if value > maximum:
            self.err(path, f"must be at most {maximum}")
            return None
        return value

    def array(self, value: Any, path: str, *, max_items: int, min_items: int = 1) -> list[Any]:
        if not isinstance(value, list):
            self.err(path, "must be an array")
            return []
        if len(value) < min_items:
            self.err(path, f"must provide at least {min_items} item{'s' if min_items != 1 else ''}")
        if len(value) > max_items:
            self.err(path, f"no more than {max_items} items allowed")
        return value

    def required(self, obj: Mapping[str, Any], key: str, path: str) -> bool:
        if key not in obj or obj[key] is None:
            self.err(f"{path}/{key}", f"missing required field: {key}")
            return False
        return True

    # -- composition objects --------------------------------------------------------------------

    def text(
        self,
        obj: Any,
        path: str,
        *,
        kinds: tuple[str, ...] = _ANY_TEXT,
        max_len: int = 3000,
        required: bool = True,
    ) -> None:
        """A text object (``plain_text`` or ``mrkdwn``) with a non-empty ``text`` of at most max_len."""
        if obj is None:
            if required:
                self.err(path, "missing required field")
            return
        if not isinstance(obj, Mapping):
            self.err(path, "must be a text object")
            return
        kind = obj.get("type")
        if kind not in kinds:
            self.err(f"{path}/type", f"must be {' or '.join(kinds)}")
            return
        self.fields(
            obj, path, ("type", "text", "emoji") if kind == "plain_text" else ("type", "text", "verbatim")
        )
        if "emoji" in obj:
            self.boolean(obj["emoji"], f"{path}/emoji")
        if "verbatim" in obj:
            self.boolean(obj["verbatim"], f"{path}/verbatim")
        if self.required(obj, "text", path):
            self.string(obj["text"], f"{path}/text", max_len=max_len)

    def option(self, obj: Any, path: str, *, mrkdwn: bool = False, url: bool = False) -> None:
        if not isinstance(obj, Mapping):
            self.err(path, "must be an option object")
            return
        allowed = {"text", "value", "description"} | ({"url"} if url else set())
        self.fields(obj, path, allowed)
        kinds = _ANY_TEXT if mrkdwn else _PLAIN
        if self.required(obj, "text", path):
            self.text(obj["text"], f"{path}/text", kinds=kinds, max_len=75)
        if self.required(obj, "value", path):
            self.string(obj["value"], f"{path}/value", max_len=150)
        if "description" in obj:
            self.text(obj["description"], f"{path}/description", kinds=kinds, max_len=75)
        if "url" in obj:
            self.string(obj["url"], f"{path}/url", max_len=3000)

    def options(
        self,
        value: Any,
        path: str,
        *,
        max_items: int,
        min_items: int = 1,
        mrkdwn: bool = False,
        url: bool = False,
    ) -> list[Mapping[str, Any]]:
        items = self.array(value, path, max_items=max_items, min_items=min_items)
        for i, opt in enumerate(items):
            self.option(opt, f"{path}/{i}", mrkdwn=mrkdwn, url=url)
        return [o for o in items if isinstance(o, Mapping)]

    def confirm(self, obj: Any, path: str) -> None:
        if not isinstance(obj, Mapping):
            self.err(path, "must be a confirmation dialog object")
            return
        self.fields(obj, path, ("title", "text", "confirm", "deny", "style"))
        if self.required(obj, "title", path):
            self.text(obj["title"], f"{path}/title", kinds=_PLAIN, max_len=100)
        if self.required(obj, "text", path):
            self.text(obj["text"], f"{path}/text", max_len=300)
        if self.required(obj, "confirm", path):
            self.text(obj["confirm"], f"{path}/confirm", kinds=_PLAIN, max_len=30)
        if self.required(obj, "deny", path):
            self.text(obj["deny"], f"{path}/deny", kinds=_PLAIN, max_len=30)
        if "style" in obj and obj["style"] not in ("primary", "danger"):
            self.err(f"{path}/style", "must be one of: primary, danger")

    # -- blocks -----------------------------------------------------------------------------

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
        self.fields(block, path, _BLOCK_FIELDS[kind])
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
            self.text(block["text"], f"{path}/text", kinds=_PLAIN, max_len=150)

    def _block_divider(self, block: Mapping[str, Any], path: str) -> None:
        return None

    def _block_context(self, block: Mapping[str, Any], path: str) -> None:
        if not self.required(block, "elements", path):
            return
        elements = self.array(block["elements"], f"{path}/elements", max_items=10)
        for i, el in enumerate(elements):
            el_path = f"{path}/elements/{i}"
            if isinstance(el, Mapping) and el.get("type") in _ANY_TEXT:
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
            self.text(block["label"], f"{path}/label", kinds=_PLAIN, max_len=2000)
        if self.required(block, "element", path):
            self.element(block["element"], f"{path}/element", INPUT_ELEMENTS, "input block")
        if "hint" in block:
            self.text(block["hint"], f"{path}/hint", kinds=_PLAIN, max_len=2000)
        for key in ("optional", "dispatch_action"):
            if key in block:
                self.boolean(block[key], f"{path}/{key}")

    def _block_image(self, block: Mapping[str, Any], path: str) -> None:
        self._image_source(block, path)
        if self.required(block, "alt_text", path):
            self.string(block["alt_text"], f"{path}/alt_text", max_len=2000)
        if "title" in block:
            self.text(block["title"], f"{path}/title", kinds=_PLAIN, max_len=2000)

    def _block_rich_text(self, block: Mapping[str, Any], path: str) -> None:
        if not self.required(block, "elements", path):
            return
        elements = self.array(block["elements"], f"{path}/elements", max_items=10_000, min_items=0)
        for i, el in enumerate(elements):
            if not isinstance(el, Mapping) or el.get("type") not in _RICH_TEXT_ELEMENTS:
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
            self.text(block["title"], f"{path}/title", kinds=_PLAIN, max_len=199)
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
            self.text(block["description"], f"{path}/description", kinds=_PLAIN)

    def _block_markdown(self, block: Mapping[str, Any], path: str) -> None:
        if self.required(block, "text", path):
            self.string(block["text"], f"{path}/text", max_len=12_000)

    # -- elements ---------------------------------------------------------------------------

    def element(self, el: Any, path: str, allowed: Collection[str], where: str) -> None:
        if not isinstance(el, Mapping):
            self.err(path, "must be a block element object")
            return
        kind = el.get("type")
        if not isinstance(kind, str) or kind not in _ELEMENT_FIELDS:
            self.err(f"{path}/type", f"unknown element type: {kind!r}")
            return
        if kind not in allowed:
            self.err(f"{path}/type", f"{kind} is not allowed in a {where}")
            return
        if kind == "file_input" and self.surface != "modal":
            self.err(f"{path}/type", "file_input is only allowed in modals")
        self.fields(el, path, _ELEMENT_FIELDS[kind])
        if "action_id" in el:
            self.string(el["action_id"], f"{path}/action_id", max_len=255)
        if "placeholder" in el:
            self.text(el["placeholder"], f"{path}/placeholder", kinds=_PLAIN, max_len=150)
        if "confirm" in el:
            self.confirm(el["confirm"], f"{path}/confirm")
        if "focus_on_load" in el:
            self.boolean(el["focus_on_load"], f"{path}/focus_on_load")
        if "dispatch_action_config" in el:
            self._dispatch_config(el["dispatch_action_config"], f"{path}/dispatch_action_config")
        if kind in _MULTI_SELECTS and "max_selected_items" in el:
            self.integer(el["max_selected_items"], f"{path}/max_selected_items", minimum=1, maximum=100)
        if kind in ("external_select", "multi_external_select") and "min_query_length" in el:
            self.integer(el["min_query_length"], f"{path}/min_query_length", minimum=0, maximum=100)
        check = getattr(self, f"_el_{kind}", None)
        if check is not None:
            check(el, path)

    def _dispatch_config(self, obj: Any, path: str) -> None:
        if not isinstance(obj, Mapping):
            self.err(path, "must be an object")
            return
        self.fields(obj, path, ("trigger_actions_on",))
        triggers = obj.get("trigger_actions_on", [])
        for i, trigger in enumerate(self.array(triggers, f"{path}/trigger_actions_on", max_items=2)):
            if trigger not in ("on_enter_pressed", "on_character_entered"):
                self.err(f"{path}/trigger_actions_on/{i}", "must be on_enter_pressed or on_character_entered")

    def _image_source(self, obj: Mapping[str, Any], path: str) -> None:
        has_url = "image_url" in obj
        has_file = "slack_file" in obj
        if has_url == has_file:
            self.err(path, "exactly one of image_url or slack_file is required")
        if has_url:
            self.string(obj["image_url"], f"{path}/image_url", max_len=3000)
        if has_file:
            slack_file = obj["slack_file"]
            if not isinstance(slack_file, Mapping) or not ({"url", "id"} & set(slack_file)):
                self.err(f"{path}/slack_file", "must be an object with url or id")

    def _el_button(self, el: Mapping[str, Any], path: str) -> None:
        if self.required(el, "text", path):
            self.text(el["text"], f"{path}/text", kinds=_PLAIN, max_len=75)
        if "url" in el:
            self.string(el["url"], f"{path}/url", max_len=3000)
        if "value" in el:
            self.string(el["value"], f"{path}/value", max_len=2000)
        if "style" in el and el["style"] not in ("primary", "danger"):
            self.err(f"{path}/style", "must be one of: primary, danger")
        if "accessibility_label" in el:
            self.string(el["accessibility_label"], f"{path}/accessibility_label", max_len=75)

    def _el_workflow_button(self, el: Mapping[str, Any], path: str) -> None:
        self._el_button({k: v for k, v in el.items() if k != "workflow"}, path)
        if self.required(el, "workflow", path) and not isinstance(el["workflow"], Mapping):
            self.err(f"{path}/workflow", "must be an object")

    def _el_image(self, el: Mapping[str, Any], path: str) -> None:
        self._image_source(el, path)
        if self.required(el, "alt_text", path):
            self.string(el["alt_text"], f"{path}/alt_text", max_len=2000)

    def _el_overflow(self, el: Mapping[str, Any], path: str) -> None:
        if self.required(el, "options", path):
            self.options(el["options"], f"{path}/options", max_items=5, min_items=2, url=True)

    def _el_checkboxes(self, el: Mapping[str, Any], path: str) -> None:
        if not self.required(el, "options", path):
            return
        opts = self.options(el["options"], f"{path}/options", max_items=10, mrkdwn=True)
        if "initial_options" in el:
            initial = self.array(el["initial_options"], f"{path}/initial_options", max_items=10, min_items=0)
            for i, opt in enumerate(initial):
                self._initial_matches(opt, opts, f"{path}/initial_options/{i}")

    def _el_radio_buttons(self, el: Mapping[str, Any], path: str) -> None:
        if not self.required(el, "options", path):
            return
        opts = self.options(el["options"], f"{path}/options", max_items=10, mrkdwn=True)
        if "initial_option" in el:
            self._initial_matches(el["initial_option"], opts, f"{path}/initial_option")

    def _static_options(self, el: Mapping[str, Any], path: str) -> list[Mapping[str, Any]]:
        has_options = "options" in el
        has_groups = "option_groups" in el
        if has_options == has_groups:
            self.err(path, "exactly one of options or option_groups is required")
        if has_options:
            return self.options(el["options"], f"{path}/options", max_items=100)
        if not has_groups:
            return []
        groups = self.array(el["option_groups"], f"{path}/option_groups", max_items=100)
        collected: list[Mapping[str, Any]] = []
        for i, group in enumerate(groups):
            g_path = f"{path}/option_groups/{i}"
            if not isinstance(group, Mapping):
                self.err(g_path, "must be an option group object")
                continue
            self.fields(group, g_path, ("label", "options"))
            if self.required(group, "label", g_path):
                self.text(group["label"], f"{g_path}/label", kinds=_PLAIN, max_len=75)
            if self.required(group, "options", g_path):
                collected += self.options(group["options"], f"{g_path}/options", max_items=100)
        return collected

    def _el_static_select(self, el: Mapping[str, Any], path: str) -> None:
        opts = self._static_options(el, path)
        if "initial_option" in el:
            self._initial_matches(el["initial_option"], opts, f"{path}/initial_option")

    def _el_multi_static_select(self, el: Mapping[str, Any], path: str) -> None:
        opts = self._static_options(el, path)
        if "initial_options" in el:
            initial = self.array(el["initial_options"], f"{path}/initial_options", max_items=100, min_items=0)
            for i, opt in enumerate(initial):
                self._initial_matches(opt, opts, f"{path}/initial_options/{i}")

    def _el_external_select(self, el: Mapping[str, Any], path: str) -> None:
        if "initial_option" in el:
            self.option(el["initial_option"], f"{path}/initial_option")

    def _el_multi_external_select(self, el: Mapping[str, Any], path: str) -> None:
        if "initial_options" in el:
            initial = self.array(el["initial_options"], f"{path}/initial_options", max_items=100, min_items=0)
            for i, opt in enumerate(initial):
                self.option(opt, f"{path}/initial_options/{i}")

    def _el_conversations_select(self, el: Mapping[str, Any], path: str) -> None:
        if "filter" in el:
            self._conversation_filter(el["filter"], f"{path}/filter")

    def _el_multi_conversations_select(self, el: Mapping[str, Any], path: str) -> None:
        if "filter" in el:
            self._conversation_filter(el["filter"], f"{path}/filter")

    def _conversation_filter(self, obj: Any, path: str) -> None:
        if not isinstance(obj, Mapping):
            self.err(path, "must be an object")
            return
        self.fields(obj, path, ("include", "exclude_external_shared_channels", "exclude_bot_users"))
        if "include" in obj:
            for i, kind in enumerate(self.array(obj["include"], f"{path}/include", max_items=4)):
                if kind not in ("im", "mpim", "private", "public"):
                    self.err(f"{path}/include/{i}", "must be one of: im, mpim, private, public")

    def _initial_matches(self, initial: Any, options: list[Mapping[str, Any]], path: str) -> None:
        """Slack refuses an initial option that is not exactly one of the element's options."""
        if not isinstance(initial, Mapping):
            self.err(path, "must be an option object")
            return

        def key(opt: Mapping[str, Any]) -> tuple[Any, Any]:
            text = opt.get("text")
            return opt.get("value"), text.get("text") if isinstance(text, Mapping) else None

        if key(initial) not in {key(o) for o in options}:
            self.err(path, "must match one of the provided options")

    def _el_plain_text_input(self, el: Mapping[str, Any], path: str) -> None:
        min_len = max_len = None
        if "min_length" in el:
            min_len = self.integer(el["min_length"], f"{path}/min_length", minimum=0, maximum=3000)
        if "max_length" in el:
            max_len = self.integer(el["max_length"], f"{path}/max_length", minimum=1, maximum=3000)
        if min_len is not None and max_len is not None and min_len > max_len:
            self.err(f"{path}/min_length", "must not be greater than max_length")
        if "multiline" in el:
            self.boolean(el["multiline"], f"{path}/multiline")
        if "initial_value" in el:
            self.string(el["initial_value"], f"{path}/initial_value", max_len=max_len or 3000, min_len=0)

    def _el_email_text_input(self, el: Mapping[str, Any], path: str) -> None:
        if "initial_value" in el:
            self.string(el["initial_value"], f"{path}/initial_value", max_len=3000, min_len=0)

    def _el_url_text_input(self, el: Mapping[str, Any], path: str) -> None:
        self._el_email_text_input(el, path)

    def _el_number_input(self, el: Mapping[str, Any], path: str) -> None:
        if not self.required(el, "is_decimal_allowed", path):
            return
        decimal = el["is_decimal_allowed"]
        self.boolean(decimal, f"{path}/is_decimal_allowed")
        pattern = _NUMBER_RE if decimal is True else _INT_RE
        numbers: dict[str, float] = {}
        for key in ("initial_value", "min_value", "max_value"):
            if key not in el:
                continue
            value = el[key]
            if not isinstance(value, str) or not pattern.match(value):
                kind = "a decimal" if decimal is True else "an integer"
                self.err(f"{path}/{key}", f"must be {kind} number in a string")
                continue
            numbers[key] = float(value)
        low, high = numbers.get("min_value"), numbers.get("max_value")
        if low is not None and high is not None and low > high:
            self.err(f"{path}/min_value", "must not be greater than max_value")
        initial = numbers.get("initial_value")
        if initial is not None and (
            (low is not None and initial < low) or (high is not None and initial > high)
        ):
            self.err(f"{path}/initial_value", "must be between min_value and max_value")

    def _el_datepicker(self, el: Mapping[str, Any], path: str) -> None:
        if "initial_date" not in el:
            return
        value = el["initial_date"]
        match = _DATE_RE.match(value) if isinstance(value, str) else None
        try:
            if match is None:
                raise ValueError(value)
            date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            self.err(f"{path}/initial_date", "must be a date in the format YYYY-MM-DD")

    def _el_timepicker(self, el: Mapping[str, Any], path: str) -> None:
        if "initial_time" in el:
            value = el["initial_time"]
            match = _TIME_RE.match(value) if isinstance(value, str) else None
            try:
                if match is None:
                    raise ValueError(value)
                time(int(match[1]), int(match[2]))
            except ValueError:
                self.err(f"{path}/initial_time", "must be a time in the format HH:mm")
        if "timezone" in el:
            self.string(el["timezone"], f"{path}/timezone", max_len=255)

    def _el_datetimepicker(self, el: Mapping[str, Any], path: str) -> None:
        if "initial_date_time" in el:
            self.integer(el["initial_date_time"], f"{path}/initial_date_time", minimum=0, maximum=2**40)

    def _el_file_input(self, el: Mapping[str, Any], path: str) -> None:
        if "max_files" in el:
            self.integer(el["max_files"], f"{path}/max_files", minimum=1, maximum=10)
        if "filetypes" in el:
            for i, ft in enumerate(
                self.array(el["filetypes"], f"{path}/filetypes", max_items=100, min_items=0)
            ):
                if not isinstance(ft, str):
                    self.err(f"{path}/filetypes/{i}", "must be a string")
