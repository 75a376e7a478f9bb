"""Data rights and exports in Slack: the erasure's confirmation and the notes that go with files."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.services.data_rights import ErasureReport, Person
from handlers.blocks.common import Message, escape
from handlers.ids import PrivacyCallback

PERSON_FIELD = "person"
_CONSEQUENCES = (
    "• Their comments' text and files are replaced by a marker.\n"
    "• Their name disappears from later digests, exports and the Home; their Slack id is replaced "
    "by a pseudonym.\n"
    "• Positions stay their organisation's, and every count and consensus figure stays as it is."
)


def erase_confirmation(person: Person | None, *, self_erasure: bool) -> dict[str, Any]:
    """The modal that asks before erasing; submitting it erases. Without a person, a coordinator
    picks one (preselected when known)."""
    blocks: list[Any] = []
    if self_erasure and person is not None:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="*Erase your data?*")))
    else:
        if person is not None:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*Erase {_who(person)}?*")))
        blocks.append(
            InputBlock(
                block_id=PERSON_FIELD,
                label=PlainTextObject(text="Person to erase"),
                element=UserSelectElement(
                    action_id=PERSON_FIELD, initial_user=person.slack_id if person else None
                ),
            )
        )
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=_CONSEQUENCES)),
        ContextBlock(elements=[MarkdownTextObject(text="This cannot be undone; the audit log records it.")]),
    ]
    view = View(
        type="modal",
        callback_id=PrivacyCallback.ERASE.value,
        private_metadata=person.slack_id if self_erasure and person else "",
        title=PlainTextObject(text="Erase personal data"),
        submit=PlainTextObject(text="Erase"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    )
    return view.to_dict()


def erasure_subject(view: dict[str, Any]) -> str:
    """Whom the submitted confirmation erases: the picked person, or the requester themselves."""
    picked = view.get("state", {}).get("values", {}).get(PERSON_FIELD, {}).get(PERSON_FIELD, {})
    return str(picked.get("selected_user") or view.get("private_metadata") or "")


def erased_note(report: ErasureReport) -> Message:
    text = f"Erased: {report.describe()}."
    return text, [SectionBlock(text=MarkdownTextObject(text=escape(text))).to_dict()]


def file_on_its_way(what: str) -> str:
    return f"Preparing {what}: it arrives in your direct messages with me in a moment."


def _who(person: Person) -> str:
    if person.name is None:
        return f"the comments of <@{person.slack_id}>"
    organisation = f" ({escape(person.organisation)})" if person.organisation else ""
    return f"{escape(person.name)}{organisation}"
