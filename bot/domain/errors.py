"""Errors a person can act on: each message says what was wrong and how to do it right."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse; `message` is shown to the person as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotRegistered(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "You are not registered as a partner of this consortium yet, so the bot cannot record this "
            "for an organisation. Ask your coordinator to add you (name, organisation, region, country) with "
            "`consult-bot partners import`, then try again."
        )


class NotAllowed(DomainError):
    """The person is registered but their role does not allow this (the message says whose does)."""


class UnknownReference(DomainError):
    def __init__(self, ref: str) -> None:
        super().__init__(
            f"There is no recommendation {ref}. Use `/recs` to see the references (R1, R2, ...) that exist."
        )


class InvalidInput(DomainError):
    """Field-level problems, keyed by field name, for a modal's `errors` response."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in field_errors.items()))
        self.field_errors = field_errors


class CsvRowError(DomainError):
    """A bad row in an imported file, located as an editor numbers lines (header = line 1)."""

    def __init__(self, line: int, column: str, problem: str) -> None:
        super().__init__(f"line {line}, column {column!r}: {problem}")
        self.line = line
        self.column = column
