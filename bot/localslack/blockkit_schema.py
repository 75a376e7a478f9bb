"""Block Kit's vocabulary and Slack's published limits, as the local Slack's validator uses them:
which blocks and elements exist, which fields each allows, and where each element may appear."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, Literal

Surface = Literal["message", "modal", "home"]

MAX_BLOCKS_MESSAGE: Final = 50
MAX_BLOCKS_VIEW: Final = 100
MAX_MESSAGE_TEXT: Final = 40_000

MULTI_SELECTS: Final = frozenset(
    {
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)
SINGLE_SELECTS: Final = frozenset(
    {"static_select", "external_select", "users_select", "conversations_select", "channels_select"}
)
SELECTS: Final = MULTI_SELECTS | SINGLE_SELECTS

#: Elements allowed in an ``actions`` block.
ACTIONS_ELEMENTS: Final = SELECTS | {
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
SECTION_ACCESSORIES: Final = SELECTS | {
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
INPUT_ELEMENTS: Final = SELECTS | {
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

BLOCK_FIELDS: Final[Mapping[str, frozenset[str]]] = {
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

COMMON_INPUT: Final = frozenset({"type", "action_id", "focus_on_load", "placeholder"})
ELEMENT_FIELDS: Final[Mapping[str, frozenset[str]]] = {
    "button": frozenset(
        {"type", "text", "action_id", "url", "value", "style", "confirm", "accessibility_label"}
    ),
    "checkboxes": frozenset({"type", "action_id", "options", "initial_options", "confirm", "focus_on_load"}),
    "radio_buttons": frozenset(
        {"type", "action_id", "options", "initial_option", "confirm", "focus_on_load"}
    ),
    "datepicker": COMMON_INPUT | {"initial_date", "confirm"},
    "datetimepicker": frozenset({"type", "action_id", "initial_date_time", "confirm", "focus_on_load"}),
    "timepicker": COMMON_INPUT | {"initial_time", "confirm", "timezone"},
    "email_text_input": COMMON_INPUT | {"initial_value", "dispatch_action_config"},
    "url_text_input": COMMON_INPUT | {"initial_value", "dispatch_action_config"},
    "plain_text_input": COMMON_INPUT
    | {"initial_value", "multiline", "min_length", "max_length", "dispatch_action_config"},
    "rich_text_input": COMMON_INPUT | {"initial_value", "dispatch_action_config"},
    "number_input": COMMON_INPUT
    | {"is_decimal_allowed", "initial_value", "min_value", "max_value", "dispatch_action_config"},
    "file_input": frozenset({"type", "action_id", "filetypes", "max_files"}),
    "image": frozenset({"type", "alt_text", "image_url", "slack_file"}),
    "overflow": frozenset({"type", "action_id", "options", "confirm"}),
    "workflow_button": frozenset({"type", "text", "workflow", "action_id", "style", "accessibility_label"}),
    "static_select": COMMON_INPUT | {"options", "option_groups", "initial_option", "confirm"},
    "external_select": COMMON_INPUT | {"initial_option", "min_query_length", "confirm"},
    "users_select": COMMON_INPUT | {"initial_user", "confirm"},
    "conversations_select": COMMON_INPUT
    | {
        "initial_conversation",
        "default_to_current_conversation",
        "confirm",
        "response_url_enabled",
        "filter",
    },
    "channels_select": COMMON_INPUT | {"initial_channel", "confirm", "response_url_enabled"},
    "multi_static_select": COMMON_INPUT
    | {"options", "option_groups", "initial_options", "confirm", "max_selected_items"},
    "multi_external_select": COMMON_INPUT
    | {"min_query_length", "initial_options", "confirm", "max_selected_items"},
    "multi_users_select": COMMON_INPUT | {"initial_users", "confirm", "max_selected_items"},
    "multi_conversations_select": COMMON_INPUT
    | {"initial_conversations", "default_to_current_conversation", "confirm", "max_selected_items", "filter"},
    "multi_channels_select": COMMON_INPUT | {"initial_channels", "confirm", "max_selected_items"},
}

RICH_TEXT_ELEMENTS: Final = frozenset(
    {"rich_text_section", "rich_text_list", "rich_text_preformatted", "rich_text_quote"}
)
PLAIN: Final = ("plain_text",)
ANY_TEXT: Final = ("plain_text", "mrkdwn")
TIME_RE: Final = re.compile(r"^(\d{2}):(\d{2})$")
DATE_RE: Final = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
NUMBER_RE: Final = re.compile(r"^-?\d+(\.\d+)?$")
INT_RE: Final = re.compile(r"^-?\d+$")
