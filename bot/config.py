"""Settings from the environment and `.env` (every variable of INTERFACE.md)."""

from __future__ import annotations

from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigError(Exception):
    """A setting is missing or wrong; the message says what to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    port: int = 3000
    host: str = "0.0.0.0"
    database_url: str = "sqlite:///consult.db"
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    digest_cron: str = "0 8 * * MON"
    consult_timezone: str = "Europe/Brussels"
    working_language: str = "English"
    # Page size of `/recs`: ten sections plus navigation stays far below Slack's 50-block cap.
    recs_page_size: int = Field(default=10, ge=1, le=20)

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("consult_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Europe/Brussels)"
            ) from exc
        return value

    @cached_property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.consult_timezone)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def bot_token(self) -> str:
        return _required(
            self.slack_bot_token,
            "SLACK_BOT_TOKEN",
            "the bot token (xoxb-...) from your Slack app's OAuth page",
        )

    def signing_secret(self) -> str:
        return _required(
            self.slack_signing_secret,
            "SLACK_SIGNING_SECRET",
            "the signing secret from your Slack app's Basic Information page",
        )

    def app_token(self) -> str:
        return _required(
            self.slack_app_token, "SLACK_APP_TOKEN", "the app-level token (xapp-...) for Socket Mode"
        )


def _required(value: SecretStr | None, name: str, what: str) -> str:
    if value is None or not value.get_secret_value().strip():
        raise ConfigError(
            f"{name} is not set: set it in the environment or in .env to {what}. "
            "To try consult-bot without Slack, run `consult-bot demo`."
        )
    return value.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read settings; a malformed value becomes one ConfigError line, never a traceback."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from exc
