"""The primitives of the local Slack's Block Kit validator: errors with their JSON pointer, strings,
numbers, arrays, required fields, and the composition objects (text, option, confirm)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from bot.localslack.blockkit_schema import ANY_TEXT, PLAIN, Surface


class CheckerBase:
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
        kinds: tuple[str, ...] = ANY_TEXT,
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
        kinds = ANY_TEXT if mrkdwn else PLAIN
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
            self.text(obj["title"], f"{path}/title", kinds=PLAIN, max_len=100)
        if self.required(obj, "text", path):
            self.text(obj["text"], f"{path}/text", max_len=300)
        if self.required(obj, "confirm", path):
            self.text(obj["confirm"], f"{path}/confirm", kinds=PLAIN, max_len=30)
        if self.required(obj, "deny", path):
            self.text(obj["deny"], f"{path}/deny", kinds=PLAIN, max_len=30)
        if "style" in obj and obj["style"] not in ("primary", "danger"):
            self.err(f"{path}/style", "must be one of: primary, danger")

    # -- blocks -----------------------------------------------------------------------------
