"""Settings from the environment and `.env` (every variable of INTERFACE.md)."""

from __future__ import annotations

from functools import cached_property
from typing import Literal
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
    # Log lines as text, or one JSON object per line (`json`) for a log collector.
    log_format: Literal["text", "json"] = "text"
    # Page size of `/recs`: ten sections plus navigation stays far below Slack's 50-block cap.
    recs_page_size: int = Field(default=10, ge=1, le=20)
    # Consultations: default deadline, reminder lead, how an organisation's position is set
    # ("latest": any member's latest answer; "first_member_locks": the first member to answer keeps it),
    # and how often open threads are re-read from Slack in case events were lost.
    consult_deadline_days: int = Field(default=14, ge=1, le=365)
    # Common wording: candidates drafted per round, days to rank them, days to critique the winner.
    bridging_candidates: int = Field(default=4, ge=1, le=8)
    bridging_ranking_days: float = Field(default=3, gt=0, le=60)
    bridging_critique_days: float = Field(default=3, gt=0, le=60)
    consult_reminder_hours: int = Field(default=48, ge=1, le=720)
    consult_position_rule: Literal["latest", "first_member_locks"] = "latest"
    consult_reconcile_minutes: int = Field(default=60, ge=1, le=1440)

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

    # Consensus thresholds (DESIGN.md, "Consensus figures"); bot.services.consensus_settings reads them.
    consensus_common_ground: float = Field(default=0.6, ge=0, le=1)
    consensus_support: float = Field(default=0.75, ge=0, le=1)
    consensus_coverage: float = Field(default=0.5, ge=0, le=1)
    consensus_divisive_gap: float = Field(default=0.3, ge=0, le=1)
    consensus_min_countries: int = Field(default=2, ge=1)
    consensus_min_regions: int = Field(default=2, ge=1)
    delphi_agree_share: float = Field(default=0.75, ge=0, le=1)
    delphi_disagree_share: float = Field(default=0.15, ge=0, le=1)
    delphi_max_iqr: float = Field(default=1.0, ge=0, le=4)
    trend_losing_support_drop: float = Field(default=0.1, ge=0, le=1)
    trend_near_margin: float = Field(default=0.05, ge=0, le=1)

    # LLM summaries: seconds per request; the prompt budget in tokens (estimated as characters / 4) to
    # which a long thread is split and merged; the reply's token cap; and how long the LLM is left alone
    # after a timeout, 429, 5xx or connection error (the offline summarizer writes meanwhile).
    llm_timeout_seconds: float = Field(default=30, gt=0, le=600)
    llm_context_tokens: int = Field(default=12000, ge=4000)
    llm_max_output_tokens: int = Field(default=2000, ge=256)
    llm_cooldown_seconds: float = Field(default=300, ge=0)
    # Polls: hours before a poll's deadline at which partners who have not answered get a reminder
    # (0: no automatic reminder), and seconds between the sweeps that close polls and send reminders.
    poll_reminder_hours: float = Field(default=24, ge=0, le=720)
    poll_sweep_seconds: float = Field(default=30, ge=1, le=3600)
    # Slack: seconds before a message Slack did not take (after the client's own retries) is tried again.
    slack_retry_later_seconds: float = Field(default=30, ge=0.05, le=3600)
    # Digest: also post each period's digest in this channel (id), besides the coordinators' DMs.
    digest_channel: str | None = None
    # Data rights: comment texts and attributed answers of consultations and polls closed longer ago
    # than this many days are erased by a daily job (unset: kept).
    data_retention_days: int | None = Field(default=None, ge=1, le=36500)


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
