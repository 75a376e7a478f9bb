"""Typed input blocks of modals; each input's action id is its block id, so one reader serves every form."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    InputInteractiveElement,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
)

from handlers.blocks.common import FIELD_TEXT_MAX, OPTIONS_MAX, PLACEHOLDER_MAX, plain


def input_block(
    block_id: str, label: str, element: InputInteractiveElement, *, optional: bool = False, hint: str = ""
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=plain(label, FIELD_TEXT_MAX),
        element=element,
        optional=optional or None,
        hint=plain(hint, FIELD_TEXT_MAX) if hint else None,
    )


def text_input(
    block_id: str,
    label: str,
    max_length: int,
    *,
    multiline: bool = True,
    optional: bool = False,
    hint: str = "",
    initial: str = "",
) -> InputBlock:
    element = PlainTextInputElement(
        action_id=block_id,
        multiline=multiline,
        max_length=max_length,
        initial_value=initial[:max_length] or None,
    )
    return input_block(block_id, label, element, optional=optional, hint=hint)


def number_input(
    block_id: str, label: str, low: int, high: int, *, optional: bool = True, initial: int | None = None
) -> InputBlock:
    element = NumberInputElement(
        action_id=block_id,
        is_decimal_allowed=False,
        min_value=str(low),
        max_value=str(high),
        initial_value=str(initial) if initial is not None else None,
    )
    return input_block(block_id, label, element, optional=optional)


def select(
    block_id: str, options: Sequence[Option], *, placeholder: str = "", initial: Option | None = None
) -> StaticSelectElement:
    """A menu of at most Slack's 100 options."""
    return StaticSelectElement(
        action_id=block_id,
        placeholder=plain(placeholder, PLACEHOLDER_MAX) if placeholder else None,
        options=list(options[:OPTIONS_MAX]),
        initial_option=initial,
    )


def select_input(block_id: str, label: str, options: Sequence[Option], placeholder: str) -> InputBlock:
    """A required menu in a modal."""
    return input_block(block_id, label, select(block_id, options, placeholder=placeholder))


def multi_select(
    block_id: str,
    options: Sequence[Option],
    *,
    placeholder: str,
    initial: Sequence[Option] = (),
    max_selected: int | None = None,
) -> StaticMultiSelectElement:
    return StaticMultiSelectElement(
        action_id=block_id,
        placeholder=plain(placeholder, PLACEHOLDER_MAX),
        options=list(options[:OPTIONS_MAX]),
        initial_options=list(initial) or None,
        max_selected_items=max_selected,
    )


def radio_buttons(
    block_id: str, options: Sequence[Option], initial: Option | None = None
) -> RadioButtonsElement:
    return RadioButtonsElement(action_id=block_id, options=list(options), initial_option=initial)


def checkboxes(block_id: str, options: Sequence[Option], initial: Sequence[Option] = ()) -> CheckboxesElement:
    return CheckboxesElement(action_id=block_id, options=list(options), initial_options=list(initial) or None)
