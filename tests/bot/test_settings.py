"""Settings: one typed place, every source, and a token that never shows."""

import logging

import pytest
from pydantic import ValidationError

from bot.settings import Settings, describe_errors
from tests.conftest import ROOT

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.very-secret-token-value"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("DISCORD_TOKEN", "TOKEN", "CONTENT_PATH", "ANSWER_CHANNEL_IDS", "MODERATOR_ROLE_IDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_CONFIG", str(ROOT / "config" / "settings.toml"))


def test_the_documented_defaults_are_the_models_defaults():
    from_file = Settings()
    for name, field in Settings.model_fields.items():
        assert getattr(from_file, name) == field.get_default(call_default_factory=True), name


def test_every_option_is_documented_in_the_config_file():
    text = (ROOT / "config" / "settings.toml").read_text()
    for name in Settings.model_fields:
        assert f"{name} =" in text, f"{name} is not documented in config/settings.toml"


def test_environment_overrides_the_file_and_lists_take_commas(monkeypatch):
    monkeypatch.setenv("ANSWER_CHANNEL_IDS", "11, 22")
    monkeypatch.setenv("MODERATOR_ROLE_IDS", "[33]")
    monkeypatch.setenv("CONTENT_PATH", "/srv/articles")
    settings = Settings()
    assert settings.answer_channel_ids == [11, 22] and settings.moderator_role_ids == [33]
    assert str(settings.content_path) == "/srv/articles"


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


def test_a_bad_value_names_the_field_and_where_to_fix_it(monkeypatch):
    monkeypatch.setenv("NO_ANSWER_THRESHOLD", "2")
    with pytest.raises(ValidationError) as error:
        Settings()
    message = describe_errors(error.value)
    assert "no_answer_threshold" in message and "NO_ANSWER_THRESHOLD" in message and "settings.toml" in message
