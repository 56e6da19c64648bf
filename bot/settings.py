"""All of the bot's settings in one typed place.

Sources, highest priority first: keyword arguments, environment variables (the field names in
upper case; `DISCORD_TOKEN` also works for the token), a `.env` file, then the TOML file named by
`BOT_CONFIG` (default `config/settings.toml`), then the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
import json
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from retrieval import BM25Settings, RetrievalSettings

DEFAULT_CONFIG = Path("config/settings.toml")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True,
        env_parse_none_str="", hide_input_in_errors=True,
    )

    token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("discord_token", "token"),
        description="The bot token from the Discord developer portal. Secret: never logged.",
    )
    content_path: Path = Field(Path("seeds"), description="Folder (or single file) of articles to answer from.")
    answer_channel_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Channels where every question is answered (needs message_content_intent).",
    )
    moderator_role_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Roles allowed to /reload, besides members with Manage Server."
    )
    dev_guild_id: int | None = Field(None, description="A guild to sync slash commands to on start (instant).")
    index_path: Path | None = Field(
        Path(".index"),
        description="Folder for the saved index, so a restart with unchanged content skips rebuilding. "
                    "Empty to always rebuild.",
    )

    top_k: int = Field(3, ge=1, le=10, description="How many passages /search and the no-answer hint consider.")
    no_answer_threshold: float = Field(
        0.5, ge=0, le=1,
        description="Minimum share of a question's term weight the best passage must match to be quoted.",
    )
    question_cooldown_rate: int = Field(5, ge=1, description="Questions a member may ask per cooldown period.")
    question_cooldown_seconds: float = Field(30.0, gt=0, description="Length of the cooldown period.")
    message_content_intent: bool = Field(
        False, description="Request the privileged message-content intent (needed for answer channels)."
    )

    bm25_variant: Literal["okapi", "bm25l", "bm25plus"] = "okapi"
    bm25_k1: float = Field(1.5, gt=0)
    bm25_b: float = Field(0.75, ge=0, le=1)
    bm25_epsilon: float = Field(0.25, ge=0)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("answer_channel_ids", "moderator_role_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        # "1,2,3" in an environment variable is friendlier than JSON.
        if isinstance(value, str):
            if value.strip().startswith("["):
                try:
                    return json.loads(value)
                except json.JSONDecodeError:
                    return value  # reported as "should be a valid list"
            return [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("index_path", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        config = Path(os.environ.get("BOT_CONFIG", DEFAULT_CONFIG))
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config)
        return init_settings, env_settings, dotenv_settings, toml

    def retrieval(self) -> RetrievalSettings:
        return RetrievalSettings(
            min_coverage=self.no_answer_threshold,
            bm25=BM25Settings(variant=self.bm25_variant, k1=self.bm25_k1, b=self.bm25_b, epsilon=self.bm25_epsilon),
        )


def describe_errors(error: ValidationError) -> str:
    """A settings error as a user can act on it: the field, the problem, and where to fix it."""
    lines = ["Invalid settings:"]
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "settings"
        # Never echo what was given for the token: it is a secret even when it is malformed.
        given = "" if field in ("token", "discord_token") else f" (got {item.get('input')!r})"
        lines.append(
            f"  {field}: {item['msg']}{given}. Fix {field.upper()} in the environment or .env, "
            f"or `{field}` in {os.environ.get('BOT_CONFIG', DEFAULT_CONFIG)}."
        )
    return "\n".join(lines)
