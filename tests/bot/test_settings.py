"""Settings: one typed place, every source, and a token that never shows."""

import logging
import os
import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from bot.settings import RENAMED, Settings, describe_errors
from retrieval import RetrievalSettings
from tests.conftest import ROOT

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.very-secret-token-value"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("DISCORD_TOKEN", "TOKEN", "CONTENT_PATH", "ANSWER_CHANNEL_IDS", "MODERATOR_ROLE_IDS", "RETRIEVAL",
                 "LIMITS", "FEEDS", "FEED_INTERVAL_MINUTES", "ALLOW_PRIVATE_URLS", "SHARD_COUNT", "SHARD_IDS", *(n.upper() for n in RENAMED)):
        monkeypatch.delenv(name, raising=False)
    for name in [n for n in os.environ if n.startswith(("RETRIEVAL__", "LIMITS__"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("BOT_CONFIG", str(ROOT / "config" / "settings.toml"))


def leaves(model: BaseModel, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    """Every setting of `model` by its place, nested groups opened: {("retrieval", "bm25", "k1"): 1.5, ...}."""
    found: dict[tuple[str, ...], object] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            found |= leaves(value, (*path, name))
        else:
            found[(*path, name)] = value
    return found


def test_the_documented_defaults_are_the_models_defaults():
    from_file = Settings()
    for name, field in Settings.model_fields.items():
        if name != "index_path":  # derived from data_path, below
            assert getattr(from_file, name) == field.get_default(call_default_factory=True), name
    # Nested ones too, one by one, against the defaults retrieval's own models give.
    defaults = leaves(Settings.model_construct())
    defaults[("index_path",)] = defaults[("data_path",)] / "index"
    assert leaves(from_file) == defaults
    assert ("retrieval", "min_coverage") in defaults and ("retrieval", "bm25", "k1") in defaults


def test_the_saved_index_lives_in_the_data_folder_unless_told_otherwise(monkeypatch):
    assert Settings().index_path == Path(".data", "index")
    assert Settings(data_path="state").index_path == Path("state", "index")
    assert Settings(data_path="state", index_path="cache").index_path == Path("cache")
    assert Settings(index_path="").index_path is None  # always rebuild
    monkeypatch.setenv("INDEX_PATH", "elsewhere")
    assert Settings(data_path="state").index_path.name == "elsewhere"


def test_every_option_is_documented_in_the_config_file():
    text = (ROOT / "config" / "settings.toml").read_text()
    # Each [table]'s text, from its header to the next one; "" is the top level.
    tables = dict(zip(["", *re.findall(r"^\[([\w.]+)\]$", text, re.M)], re.split(r"^\[[\w.]+\]$", text, flags=re.M)))
    for path in leaves(Settings()):
        table, name = ".".join(path[:-1]), path[-1]
        assert table in tables, f"[{table}] is not in config/settings.toml"
        assert re.search(rf"^(# )?{name} =", tables[table], re.M), f"{name} is not documented under [{table}]"


def test_settings_retrieval_is_retrievals_own_model():
    settings = Settings()
    assert isinstance(settings.retrieval, RetrievalSettings) and settings.retrieval == RetrievalSettings()


def test_environment_overrides_the_file_and_lists_take_commas(monkeypatch):
    monkeypatch.setenv("ANSWER_CHANNEL_IDS", "11, 22")
    monkeypatch.setenv("MODERATOR_ROLE_IDS", "[33]")
    monkeypatch.setenv("CONTENT_PATH", "/srv/articles")
    settings = Settings()
    assert settings.answer_channel_ids == [11, 22] and settings.moderator_role_ids == [33]
    assert str(settings.content_path) == "/srv/articles"


def test_feeds_come_as_a_comma_separated_list_and_are_polled_at_most_once_a_minute(monkeypatch):
    monkeypatch.setenv("FEEDS", "https://a.example/feed, https://b.example/rss")
    monkeypatch.setenv("FEED_INTERVAL_MINUTES", "2.5")
    settings = Settings()
    assert settings.feeds == ["https://a.example/feed", "https://b.example/rss"]
    assert settings.feed_interval_minutes == 2.5 and settings.allow_private_urls is False
    monkeypatch.setenv("FEED_INTERVAL_MINUTES", "0.1")
    with pytest.raises(ValidationError) as error:
        Settings()
    assert "feed_interval_minutes:" in describe_errors(error.value)


def test_dotenv_and_discord_token_are_read(tmp_path):
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\nDEV_GUILD_ID=42\n")
    settings = Settings()
    assert settings.token.get_secret_value() == TOKEN and settings.dev_guild_id == 42


def test_the_token_never_appears_in_repr_str_dump_or_errors(monkeypatch, caplog):
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    settings = Settings()
    logging.getLogger("test").info("settings: %s %r", settings, settings)
    for shown in (repr(settings), str(settings), settings.model_dump_json(), caplog.text):
        assert TOKEN not in shown
    monkeypatch.setenv("TOP_K", "many")
    with pytest.raises(ValidationError) as error:
        Settings()
    assert TOKEN not in describe_errors(error.value) and TOKEN not in str(error.value)


@pytest.mark.parametrize(("url", "problem"), [
    ("http://:hunter2@cache.example:6379/0", "Redis URL must specify one of the following schemes (redis://"),
    ("redis://:hunter2@cache.example:63790000/0", "Port out of range"),
])
def test_an_empty_redis_url_keeps_coordination_in_process_and_a_wrong_one_is_refused_without_its_password(
        monkeypatch, url, problem):
    monkeypatch.setenv("REDIS_URL", "")
    assert Settings().redis_url is None
    monkeypatch.setenv("REDIS_URL", url)
    with pytest.raises(ValidationError) as error:
        Settings()
    message = describe_errors(error.value)
    assert "redis_url: Value error, " + problem in message and "Fix REDIS_URL in the environment" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(("variable", "value", "shown"), [
    # An old name's error names the new place, and the old name in case that is what was set.
    ("NO_ANSWER_THRESHOLD", "2", ["retrieval.min_coverage:", "RETRIEVAL__MIN_COVERAGE", "no_answer_threshold",
                                  "NO_ANSWER_THRESHOLD"]),
    ("RETRIEVAL__BM25__K1", "steep", ["retrieval.bm25.k1:", "'steep'", "RETRIEVAL__BM25__K1",
                                      "`k1` under [retrieval.bm25] in"]),
])
def test_a_bad_value_names_the_field_and_where_to_fix_it(monkeypatch, variable, value, shown):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as error:
        Settings()
    message = describe_errors(error.value)
    assert all(part in message for part in [*shown, "settings.toml"]), message


def test_nested_settings_come_from_the_environment_joined_by_double_underscores(monkeypatch):
    monkeypatch.setenv("RETRIEVAL__BM25__K1", "1.2")
    monkeypatch.setenv("RETRIEVAL__MIN_COVERAGE", "0.4")
    monkeypatch.setenv("RETRIEVAL__RERANK__DEPTH", "10")
    monkeypatch.setenv("LIMITS__QUESTION_COOLDOWN_RATE", "7")
    settings = Settings()
    assert settings.retrieval.bm25.k1 == 1.2 and settings.retrieval.min_coverage == 0.4
    assert settings.retrieval.rerank.depth == 10 and settings.limits.question_cooldown_rate == 7
    # What the environment leaves alone stays as the file and the defaults say.
    assert settings.retrieval.bm25.b == RetrievalSettings().bm25.b
    assert settings.limits.question_cooldown_seconds == Settings.model_construct().limits.question_cooldown_seconds


def test_nested_settings_come_from_the_config_files_tables(monkeypatch, tmp_path):
    config = tmp_path / "bot.toml"
    config.write_text('[limits]\nquestion_cooldown_seconds = 10\n\n[retrieval]\nmin_coverage = 0.4\n\n'
                      '[retrieval.bm25]\nvariant = "bm25plus"\nk1 = 1.2\n\n[retrieval.passages]\nmax_chars = 500\n')
    monkeypatch.setenv("BOT_CONFIG", str(config))
    settings = Settings()
    assert settings.retrieval.min_coverage == 0.4 and settings.limits.question_cooldown_seconds == 10
    assert settings.retrieval.bm25.variant == "bm25plus" and settings.retrieval.bm25.k1 == 1.2
    assert settings.retrieval.bm25.delta == 1.0  # BM25Plus's own, as rank-bm25
    assert settings.retrieval.passages.max_chars == 500


def old_name_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.settings" and r.levelno == logging.WARNING]


OLD_ENV = {"NO_ANSWER_THRESHOLD": "0.4", "BM25_VARIANT": "bm25l", "BM25_K1": "1.2", "BM25_B": "0.6",
           "BM25_EPSILON": "0.1", "QUESTION_COOLDOWN_RATE": "7", "QUESTION_COOLDOWN_SECONDS": "12"}


def assert_old_values_applied(settings: Settings) -> None:
    bm25 = settings.retrieval.bm25
    assert settings.retrieval.min_coverage == 0.4
    assert (bm25.variant, bm25.k1, bm25.b, bm25.epsilon) == ("bm25l", 1.2, 0.6, 0.1)
    assert settings.limits.question_cooldown_rate == 7 and settings.limits.question_cooldown_seconds == 12


def test_old_flat_names_in_the_environment_still_work_over_the_files_new_names_with_one_warning_each(
    monkeypatch, caplog
):
    # The shipped config file gives every new name its default; an environment set for the old names still wins.
    for name, value in OLD_ENV.items():
        monkeypatch.setenv(name, value)
    assert_old_values_applied(Settings())
    warnings = old_name_warnings(caplog)
    assert len(warnings) == len(OLD_ENV)
    assert any("BM25_K1 in the environment is an old name" in w and "RETRIEVAL__BM25__K1" in w for w in warnings)
    assert any("NO_ANSWER_THRESHOLD" in w and "RETRIEVAL__MIN_COVERAGE" in w for w in warnings)
    assert any("QUESTION_COOLDOWN_RATE" in w and "LIMITS__QUESTION_COOLDOWN_RATE" in w for w in warnings)


def test_old_flat_names_in_a_config_file_still_work_with_one_warning_each(monkeypatch, tmp_path, caplog):
    config = tmp_path / "old.toml"
    config.write_text("".join(f"{name.lower()} = {value if value[0].isdigit() else repr(value)}\n"
                              for name, value in OLD_ENV.items()))
    monkeypatch.setenv("BOT_CONFIG", str(config))
    assert_old_values_applied(Settings())
    warnings = old_name_warnings(caplog)
    assert len(warnings) == len(OLD_ENV)
    assert any(f"`bm25_k1` in {config} is an old name" in w and "`k1` under [retrieval.bm25]" in w for w in warnings)


def test_old_flat_names_in_dotenv_and_keywords_still_work_with_a_warning(tmp_path, caplog):
    (tmp_path / ".env").write_text("".join(f"{name}={value}\n" for name, value in OLD_ENV.items()))
    assert_old_values_applied(Settings())
    assert len(old_name_warnings(caplog)) == len(OLD_ENV)
    assert any("BM25_B in .env is an old name" in w for w in old_name_warnings(caplog))
    caplog.clear()
    settings = Settings(_env_file=None, question_cooldown_rate=100, bm25_k1=1.3)
    assert settings.limits.question_cooldown_rate == 100 and settings.retrieval.bm25.k1 == 1.3
    warnings = old_name_warnings(caplog)
    assert len(warnings) == 2 and any("use limits.question_cooldown_rate instead" in w for w in warnings)


def test_given_under_both_names_in_one_place_the_new_name_wins_and_the_warning_says_so(
    monkeypatch, tmp_path, caplog
):
    config = tmp_path / "both.toml"
    config.write_text("bm25_k1 = 1.9\n\n[retrieval.bm25]\nk1 = 1.2\n")
    monkeypatch.setenv("BOT_CONFIG", str(config))
    monkeypatch.setenv("NO_ANSWER_THRESHOLD", "0.9")
    monkeypatch.setenv("RETRIEVAL__MIN_COVERAGE", "0.4")
    settings = Settings()
    assert settings.retrieval.bm25.k1 == 1.2 and settings.retrieval.min_coverage == 0.4
    warnings = old_name_warnings(caplog)
    assert len(warnings) == 2
    assert any("`k1` under [retrieval.bm25] and its old name `bm25_k1` are both given" in w and "using" in w
               and "ignoring `bm25_k1` (1.9)" in w for w in warnings)
    assert any("ignoring NO_ANSWER_THRESHOLD ('0.9')" in w for w in warnings)
    # A group given whole as keywords still takes an old name for a setting it leaves out.
    caplog.clear()
    settings = Settings(_env_file=None, retrieval=RetrievalSettings(min_coverage=0.3), bm25_b=0.5)
    assert settings.retrieval.min_coverage == 0.3 and settings.retrieval.bm25.b == 0.5


def test_shard_ids_are_shards_of_shard_count_named_once(monkeypatch):
    assert (Settings().shard_count, Settings().shard_ids) == (None, None)  # one process, every shard
    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("SHARD_IDS", "3,1")
    assert (Settings().shard_count, Settings().shard_ids) == (4, [3, 1])
    for ids, says in ([0, 4], "[4] are not shards of 4"), ([1, 1], "lists a shard twice"), ([], "is empty"):
        with pytest.raises(ValidationError, match=re.escape(says)):
            Settings(shard_count=4, shard_ids=ids)
    with pytest.raises(ValidationError, match="shard_ids needs shard_count"):
        Settings(shard_count=None, shard_ids=[0])
