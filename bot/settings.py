"""All of the bot's settings in one typed place.

Sources, highest priority first: keyword arguments, environment variables (the field names in upper case;
`DISCORD_TOKEN` also works for the token), a `.env` file, then the TOML file named by `BOT_CONFIG`
(default `config/settings.toml`), then the defaults.

Settings nest by concern: `retrieval` is retrieval's own `RetrievalSettings` (`[retrieval]`,
`[retrieval.bm25]`, ... in the file; `RETRIEVAL__BM25__K1` in the environment, the path joined by "__")
and `limits` the members' question limits. The flat names used before the nesting (`bm25_k1`,
`no_answer_threshold`, ...; `RENAMED`) still work from every source, each with a warning naming its new name.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices, BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from redis.connection import parse_url

from retrieval import RetrievalSettings

log = logging.getLogger(__name__)

DEFAULT_CONFIG = Path("config/settings.toml")
NESTED_DELIMITER = "__"

Place = tuple[str, ...]  # where a setting lives: ("retrieval", "bm25", "k1")


class LimitSettings(BaseModel):
    """How often each member may ask, and how many replies the bot posts a second."""

    model_config = ConfigDict(frozen=True)

    question_cooldown_rate: int = Field(5, ge=1, description="Questions a member may ask per cooldown period.")
    question_cooldown_seconds: float = Field(30.0, gt=0, description="Length of the cooldown period.")
    replies_per_second: int = Field(
        50, ge=1,
        description="Message replies the bot posts a second at most, all its processes together when they share "
                    "Redis (Discord allows a bot 50 requests a second); a reply past it is dropped, and logged.",
    )


# The names settings had before they were nested, and their places now. They are still read from every
# source, with a warning, so that config files, .env files and deployments written for them keep working.
RENAMED: dict[str, Place] = {
    "no_answer_threshold": ("retrieval", "min_coverage"),
    "bm25_variant": ("retrieval", "bm25", "variant"),
    "bm25_k1": ("retrieval", "bm25", "k1"),
    "bm25_b": ("retrieval", "bm25", "b"),
    "bm25_epsilon": ("retrieval", "bm25", "epsilon"),
    "question_cooldown_rate": ("limits", "question_cooldown_rate"),
    "question_cooldown_seconds": ("limits", "question_cooldown_seconds"),
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True,
        env_parse_none_str="", hide_input_in_errors=True, env_nested_delimiter=NESTED_DELIMITER,
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
        None,
        description="Folder for the saved index, so a restart with unchanged content skips rebuilding. "
                    "Unset: index/ in data_path. Empty to always rebuild.",
    )
    data_path: Path = Field(
        Path(".data"),
        description="Folder for what the bot writes: articles added from Discord (articles/) and the list of "
                    "hidden ones (hidden.json). The bot never writes into content_path.",
    )
    max_upload_bytes: int = Field(
        10 * 2**20, ge=1, description="Largest attachment /add accepts, in bytes (checked before downloading).",
    )
    allow_private_urls: bool = Field(
        False,
        description="Let /add url: and feeds fetch loopback, private and link-local addresses. Off, the bot refuses "
                    "them (and redirects to them), so a link cannot make it read the host's own network.",
    )
    feeds: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="RSS or Atom feeds the bot follows from its start, besides those moderators add with /feed add.",
    )
    feed_interval_minutes: float = Field(
        60.0, ge=1, description="How often every followed feed is polled for new entries, in minutes.",
    )
    database_url: str | None = Field(
        None,
        description="Where questions and votes are kept, as a SQLAlchemy URL with an async driver "
                    "(postgresql+asyncpg://...). Unset: the SQLite file bot.db in data_path.",
    )
    redis_url: str | None = Field(
        None,
        description="A Redis server (redis://, rediss:// or unix:// URL) through which the bot's processes share "
                    "Discord's request budget and members' cooldowns. Unset: each process keeps its own.",
    )
    shard_count: int | None = Field(
        None, ge=1,
        description="How many shards the bot has across all its processes (Discord requires shards past 2,500 "
                    "servers). Unset: Discord's recommended count, every shard in this process.",
    )
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        None,
        description="Which of the shard_count shards this process runs (0 to shard_count - 1). Unset: all of them.",
    )
    record_questions: bool = Field(
        True, description="Record each question (member as a keyed hash), its outcome and answer time.",
    )
    keep_questions_days: float = Field(
        90.0, gt=0, description="Questions and votes older than this many days are deleted (at start and daily).",
    )

    top_k: int = Field(
        3, ge=1, le=10,
        description="How many of the best passages are considered for an answer and for the no-answer hint.",
    )
    message_content_intent: bool = Field(
        False, description="Request the privileged message-content intent (needed for answer channels)."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    limits: LimitSettings = Field(default_factory=LimitSettings, description="How often each member may ask.")
    # Its defaults are retrieval's own: nothing here restates them.
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, description="What is indexed and how questions are scored."
    )

    @field_validator("answer_channel_ids", "moderator_role_ids", "feeds", "shard_ids", mode="before")
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

    @field_validator("index_path", "database_url", "redis_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        # Read as redis-py will read it when the bot connects, so that a wrong scheme, port or db fails here, with
        # the place to fix it, rather than mid-start. Its messages never repeat the URL.
        if value is not None:
            parse_url(value)
        return value

    @model_validator(mode="after")
    def _shards(self) -> Settings:
        # discord.py would start the shards anyway and Discord would close them one by one, far from the cause.
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("shard_ids needs shard_count: how many shards the bot has across all its processes")
        outside = sorted(i for i in self.shard_ids if not 0 <= i < self.shard_count)
        if outside:
            raise ValueError(f"shard_ids {outside} are not shards of {self.shard_count}: "
                             f"each must be from 0 to {self.shard_count - 1}")
        if len(set(self.shard_ids)) != len(self.shard_ids):
            raise ValueError(f"shard_ids lists a shard twice: {self.shard_ids}")
        if not self.shard_ids:
            raise ValueError("shard_ids is empty: name at least one shard, or leave it unset for all of them")
        return self

    @model_validator(mode="after")
    def _index_in_data_path(self) -> Settings:
        # Everything the bot writes lives in one folder unless the operator says otherwise.
        if "index_path" not in self.model_fields_set:
            self.index_path = self.data_path / "index"
        return self

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
        config = config_file()
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config)
        # Each source's old names are moved within that source, so the usual priority still holds
        # between sources: BM25_K1 in the environment beats [retrieval.bm25] k1 in the file.
        return (
            _OldNamesMoved(init_settings, Spelling("the keyword arguments", dotted)),
            _OldNamesMoved(env_settings, Spelling("the environment", env_name)),
            _OldNamesMoved(dotenv_settings, Spelling(".env", env_name)),
            _OldNamesMoved(toml, Spelling(str(config), toml_place)),
        )


def config_file() -> Path:
    return Path(os.environ.get("BOT_CONFIG", DEFAULT_CONFIG))


def dotted(path: Place) -> str:
    return ".".join(path)


def env_name(path: Place) -> str:
    return NESTED_DELIMITER.join(path).upper()


def toml_place(path: Place) -> str:
    return f"`{path[-1]}` under [{'.'.join(path[:-1])}]" if len(path) > 1 else f"`{path[0]}`"


@dataclass(frozen=True)
class Spelling:
    """How one source writes a setting's name, for messages that point at the right line."""

    where: str
    name: Callable[[Place], str]


class _OldNamesMoved(PydanticBaseSettingsSource):
    """`source`, with the values it has under old flat names moved to their nested places, each with a warning.

    Within one source a value under the new name wins over one under the old name.
    """

    def __init__(self, source: PydanticBaseSettingsSource, spelling: Spelling) -> None:
        super().__init__(source.settings_cls)
        self.source, self.spelling = source, spelling
        self.__name__ = type(source).__name__  # what pydantic-settings files this source's values under

    def _set_current_state(self, state: dict[str, Any]) -> None:
        self.source._set_current_state(state)

    def _set_settings_sources_data(self, states: dict[str, dict[str, Any]]) -> None:
        self.source._set_settings_sources_data(states)

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads the whole source at once

    def __call__(self) -> dict[str, Any]:
        data = dict(self.source())
        old = {name: data.pop(name) for name in RENAMED if name in data}
        if isinstance(self.source, EnvSettingsSource):
            # Environment sources read only the names the model declares: look the old ones up.
            for name in RENAMED:
                value = self.source.env_vars.get(name)
                if value is not None:
                    old.setdefault(name, value)
        for name, value in old.items():
            self._move(data, name, value)
        return data

    def _move(self, data: dict[str, Any], name: str, value: Any) -> None:
        path = RENAMED[name]
        node = data
        for key in path[:-1]:
            child = node.get(key, {})
            if isinstance(child, BaseModel):
                child = child.model_dump(exclude_unset=True)
            if not isinstance(child, dict):  # the whole group given at once (JSON): it holds the new value
                self._warn_both(name, path, value, child)
                return
            node[key] = node = dict(child)  # a copy: the source's own data stays as it was
        if path[-1] in node:
            self._warn_both(name, path, value, node[path[-1]])
            return
        node[path[-1]] = value
        log.warning("settings: %s in %s is an old name: it still works for now, but use %s instead",
                    self.spelling.name((name,)), self.spelling.where, self.spelling.name(path))

    def _warn_both(self, name: str, path: Place, old_value: Any, new_value: Any) -> None:
        old, new = self.spelling.name((name,)), self.spelling.name(path)
        log.warning("settings: %s and its old name %s are both given in %s: using %s (%r), ignoring %s (%r)",
                    new, old, self.spelling.where, new, new_value, old, old_value)


def _field_path(loc: tuple[int | str, ...]) -> Place:
    """The part of an error's location that names settings (not list indexes or union members)."""
    path: list[str] = []
    model: type[BaseModel] | None = Settings
    for part in loc:
        fields = model.model_fields if model is not None else {}
        name = next((n for n, f in fields.items() if part == n or part == f.validation_alias
                     or (isinstance(f.validation_alias, AliasChoices) and part in f.validation_alias.choices)), None)
        if name is None:
            break
        path.append(str(part) if not path else name)  # at the top, as given: `discord_token` or `token`
        annotation = fields[name].annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return tuple(path)


SECRETS: set[Place] = {("token",), ("discord_token",), ("redis_url",)}
OLD_NAMES: dict[Place, str] = {path: name for name, path in RENAMED.items()}


def describe_errors(error: ValidationError) -> str:
    """A settings error as a user can act on it: the field, the problem, and where to fix it."""
    lines = ["Invalid settings:"]
    for item in error.errors():
        path = _field_path(tuple(item["loc"]))
        field = dotted(path) if path else "settings"
        # Never echo what was given for the token, or a URL that may hold a password: secrets even when malformed.
        given = "" if path[:1] in SECRETS else f" (got {item.get('input')!r})"
        fix = (f" Fix {env_name(path)} in the environment or .env, or {toml_place(path)} in {config_file()}"
               if path else f" Check {config_file()}, the environment and .env")
        old = OLD_NAMES.get(path)
        if old:
            fix += f" (or its old name, {old.upper()} / `{old}`, if that is what is set)"
        lines.append(f"  {field}: {item['msg']}{given}.{fix}.")
    return "\n".join(lines)
