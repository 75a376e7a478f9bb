"""State that travels in a modal's `private_metadata`, validated on the way back."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.domain.errors import DomainError


class ModalState(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def dump(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def load(cls, raw: str | None) -> Self:
        try:
            return cls.model_validate_json(raw or "{}")
        except ValidationError as exc:
            raise DomainError("This form is out of date. Close it and open it again.") from exc


class ProposalState(ModalState):
    channel_id: str | None = None
