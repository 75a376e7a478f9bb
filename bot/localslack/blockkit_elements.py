"""Block elements as the local Slack checks them: where each may appear, its fields and limits."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, time
from typing import Any

from bot.localslack.blockkit_base import CheckerBase
from bot.localslack.blockkit_schema import (
    DATE_RE,
    ELEMENT_FIELDS,
    INT_RE,
    MULTI_SELECTS,
    NUMBER_RE,
    PLAIN,
    TIME_RE,
)


class ElementChecker(CheckerBase):
    def element(self, el: Any, path: str, allowed: Collection[str], where: str) -> None:
        if not isinstance(el, Mapping):
            self.err(path, "must be a block element object")
            return
        kind = el.get("type")
        if not isinstance(kind, str) or kind not in ELEMENT_FIELDS:
            self.err(f"{path}/type", f"unknown element type: {kind!r}")
            return
        if kind not in allowed:
            self.err(f"{path}/type", f"{kind} is not allowed in a {where}")
            return
        if kind == "file_input" and self.surface != "modal":
            self.err(f"{path}/type", "file_input is only allowed in modals")
        self.fields(el, path, ELEMENT_FIELDS[kind])
        if "action_id" in el:
            self.string(el["action_id"], f"{path}/action_id", max_len=255)
        if "placeholder" in el:
            self.text(el["placeholder"], f"{path}/placeholder", kinds=PLAIN, max_len=150)
        if "confirm" in el:
            self.confirm(el["confirm"], f"{path}/confirm")
        if "focus_on_load" in el:
            self.boolean(el["focus_on_load"], f"{path}/focus_on_load")
        if "dispatch_action_config" in el:
            self._dispatch_config(el["dispatch_action_config"], f"{path}/dispatch_action_config")
        if kind in MULTI_SELECTS and "max_selected_items" in el:
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
            self.text(el["text"], f"{path}/text", kinds=PLAIN, max_len=75)
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
                self.text(group["label"], f"{g_path}/label", kinds=PLAIN, max_len=75)
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
        pattern = NUMBER_RE if decimal is True else INT_RE
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
        match = DATE_RE.match(value) if isinstance(value, str) else None
        try:
            if match is None:
                raise ValueError(value)
            date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            self.err(f"{path}/initial_date", "must be a date in the format YYYY-MM-DD")

    def _el_timepicker(self, el: Mapping[str, Any], path: str) -> None:
        if "initial_time" in el:
            value = el["initial_time"]
            match = TIME_RE.match(value) if isinstance(value, str) else None
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
