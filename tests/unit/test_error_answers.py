"""The one error handler's answer to a form submission the domain refused: every problem is shown
under an input the form has, so the person always sees what to fix."""

from __future__ import annotations

import json
from typing import Any

from bot.domain.errors import InvalidInput, NotAllowed
from handlers.errors import _as_ack


def submission(*block_ids: str) -> dict[str, Any]:
    blocks = [{"type": "section", "block_id": "intro"}] + [
        {"type": "input", "block_id": block_id} for block_id in block_ids
    ]
    return {"type": "view_submission", "view": {"blocks": blocks}}


def errors_shown(body: dict[str, Any], error: Exception) -> dict[str, str]:
    payload = json.loads(_as_ack(error, body).body)
    assert payload["response_action"] == "errors"
    return dict(payload["errors"])


def test_each_problem_goes_under_the_input_of_its_field() -> None:
    error = InvalidInput({"title": "Title is required.", "text": "Text is too long."})
    assert errors_shown(submission("title", "text", "level"), error) == {
        "title": "Title is required.",
        "text": "Text is too long.",
    }


def test_a_problem_with_a_field_the_form_lacks_goes_under_its_first_input() -> None:
    error = InvalidInput({"deadline": "The deadline is in the past.", "options": "Give two options."})
    assert errors_shown(submission("options", "question"), error) == {
        "options": "Give two options. The deadline is in the past."
    }


def test_a_refusal_that_is_not_about_a_field_is_shown_under_the_first_input() -> None:
    error = NotAllowed("Only coordinators can close a consultation.")
    assert errors_shown(submission("outcome", "statement"), error) == {
        "outcome": "Only coordinators can close a consultation."
    }
