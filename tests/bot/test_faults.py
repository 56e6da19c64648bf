"""Faults: Discord rate limits, server errors, slow responses, dropped gateways, hostile questions, reload
failures. The bot keeps answering, exactly once, and never pings anyone."""

from __future__ import annotations

import logging
import re
import subprocess
import sys

import pytest

from tests.bot.test_discord import (
    EPHEMERAL,
    MESSAGES,
    SHCHYOGOLEV_Q,
    assert_allows_no_mentions,
    content,  # noqa: F401  (fixture)
    reply_to,
    running,
)
from tests.conftest import ROOT

LIMITS = {"content": 2000, "description": 4096}


def replies_to(fake, message) -> list[dict]:
    return [m for m in fake.channel_messages(fake.general)
            if (m.get("message_reference") or {}).get("message_id") == message["id"]]


@pytest.mark.parametrize(("status", "retry_after"), [(429, 0.2), (500, None), (502, None)])
async def test_a_rate_limit_or_server_error_on_the_answer_still_delivers_it_once(fake_discord, content, status,
                                                                                retry_after):
    async with running(fake_discord, content):
        fake_discord.fail_next("POST", MESSAGES, status, retry_after=retry_after)
        asked = await fake_discord.send_message(fake_discord.general, fake_discord.member, SHCHYOGOLEV_Q,
                                                mentions_bot=True)
        reply = await reply_to(fake_discord, asked, timeout=10)
    assert "Igor Shchyogolev" in reply["embeds"][0]["description"]
    assert len(replies_to(fake_discord, asked)) == 1
    assert len(fake_discord.requests_matching("POST", MESSAGES)) == 2  # the refused try, then the answer


async def test_a_slow_rest_response_still_delivers_one_answer(fake_discord, content):
    async with running(fake_discord, content):
        fake_discord.delay_next("POST", MESSAGES, 1.5)
        asked = await fake_discord.send_message(fake_discord.general, fake_discord.member, SHCHYOGOLEV_Q,
                                                mentions_bot=True)
        await reply_to(fake_discord, asked, timeout=10)
    assert len(replies_to(fake_discord, asked)) == 1


async def test_an_interaction_callback_rate_limited_once_is_retried(fake_discord, content):
    async with running(fake_discord, content):
        fake_discord.fail_next("POST", r"/interactions/\d+/[^/]+/callback", 429, retry_after=0.1)
        handle = await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q})
        answer = await handle.answer(timeout=10)
    assert "Igor Shchyogolev" in answer["embeds"][0]["description"]


@pytest.mark.parametrize("fault", ["close", "close-not-resumable", "invalidate", "reconnect"])
async def test_after_the_gateway_drops_the_bot_comes_back_and_answers(fake_discord, content, fault):
    async with running(fake_discord, content):
        identifies = len([e for e in fake_discord.gateway_log if e.kind == "identify"])
        since = len(fake_discord.gateway_log)
        if fault == "close":
            await fake_discord.close_gateway(4000)
            await fake_discord.wait_for_gateway("resumed", since=since, timeout=10)
        elif fault == "close-not-resumable":
            await fake_discord.close_gateway(4000, resumable=False)
            await fake_discord.wait_for_gateway("ready", since=since, timeout=10)
        elif fault == "invalidate":
            await fake_discord.invalidate_session()
            await fake_discord.wait_for_gateway("ready", since=since, timeout=10)
        else:
            await fake_discord.request_reconnect()
            await fake_discord.wait_for_gateway("resumed", since=since, timeout=10)
        asked = await fake_discord.send_message(fake_discord.general, fake_discord.member, SHCHYOGOLEV_Q,
                                                mentions_bot=True)
        reply = await reply_to(fake_discord, asked, timeout=10)
    assert "Igor Shchyogolev" in reply["embeds"][0]["description"]
    assert len(replies_to(fake_discord, asked)) == 1
    if fault in ("close", "reconnect"):
        assert len([e for e in fake_discord.gateway_log if e.kind == "identify"]) == identifies  # resumed


HOSTILE_QUESTIONS = [
    " ", ".", "x", "?!?!", "the of and is what", "\U0001f600\U0001f525", "Z\u0351\u0352\u0353a\u0354\u0355l\u0356go",
    "```py\nimport os\n```", "**bold** _it_ ~~s~~ ||spoiler|| > quote", "@everyone @here who runs the Kremlin?",
    "<@&223456789012345678> <@!123456789012345678> cyber-security?", "join discord.gg/abcdef now",
    "\u202eesrever\u202c \u200b\u200b", "Sudan " * 300,
]


async def test_hostile_questions_get_one_sensible_reply_within_limits_and_never_ping(fake_discord, content):
    async with running(fake_discord, content):
        asked = []
        for text in HOSTILE_QUESTIONS:
            message = await fake_discord.send_message(fake_discord.general, fake_discord.member, text,
                                                      mentions_bot=True)
            await reply_to(fake_discord, message)
            asked.append(message)
        slash = []
        for text in HOSTILE_QUESTIONS + ["x" * 6000]:
            handle = await fake_discord.invoke_slash("ask", {"question": text})
            slash.append(await handle.answer())
    for message in asked:
        (reply,) = replies_to(fake_discord, message)
        assert len(reply["content"]) <= LIMITS["content"]
        assert all(len(e.get("description") or "") <= LIMITS["description"] for e in reply["embeds"])
        assert reply["content"] or reply["embeds"]
    assert "too long" in slash[-1]["content"] and slash[-1]["flags"] & EPHEMERAL
    assert_allows_no_mentions(fake_discord)
    assert not fake_discord.unknown_requests


async def test_a_file_vanishing_or_unreadable_during_reload_is_reported_and_the_rest_loads(
    fake_discord, content, monkeypatch
):
    from pathlib import Path

    (content / "gone.md").write_text("# Gone\n\nSoon gone.\n")
    (content / "locked.md").write_text("# Locked\n\nNo entry.\n")
    real_read = Path.read_bytes

    def flaky_read(self):
        if self.name == "gone.md":
            raise FileNotFoundError(2, "No such file or directory")
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    # No saved index: the flaky reads are simulated, so the files' fingerprints do not change.
    async with running(fake_discord, content, index_path=None):
        monkeypatch.setattr(Path, "read_bytes", flaky_read)
        report = await (await fake_discord.invoke_slash("reload", user=fake_discord.admin)).answer()
    assert report["content"].startswith("Reloaded 2 articles")
    assert "gone.md: cannot be read (No such file or directory)" in report["content"]
    assert "locked.md: permission denied" in report["content"]


async def test_a_content_folder_replaced_by_a_file_fails_the_reload_and_keeps_the_old_library(fake_discord, content):
    import shutil

    async with running(fake_discord, content):
        seed = (content / "000_53ac65de5c9a03b2.txt").read_bytes()
        shutil.rmtree(content)
        content.write_bytes(seed)
        failed = await (await fake_discord.invoke_slash("reload", user=fake_discord.admin)).answer()
        still = await (await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q})).answer()
        content.unlink()
        content.mkdir()
        (content / "seed.txt").write_bytes(seed)
        recovered = await (await fake_discord.invoke_slash("reload", user=fake_discord.admin)).answer()
    assert "Reload failed" in failed["content"] and "was a folder and is now a file" in failed["content"]
    assert "Igor Shchyogolev" in still["embeds"][0]["description"]
    assert recovered["content"].startswith("Reloaded 2 articles")


async def test_the_token_never_reaches_the_logs_even_at_debug_level(fake_discord, content, caplog):
    caplog.set_level(logging.DEBUG)
    async with running(fake_discord, content):
        asked = await fake_discord.send_message(fake_discord.general, fake_discord.member, SHCHYOGOLEV_Q,
                                                mentions_bot=True)
        await reply_to(fake_discord, asked)
        await (await fake_discord.invoke_slash("reload", user=fake_discord.member)).answer()
    assert len(caplog.records) > 20
    assert fake_discord.token not in caplog.text


def test_the_token_never_appears_in_crash_output(tmp_path):
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secret-token-for-this-test"
    env = {"PATH": "", "HOME": str(tmp_path), "DISCORD_TOKEN": token, "CONTENT_PATH": str(tmp_path / "missing"),
           "BOT_CONFIG": str(ROOT / "config" / "settings.toml"), "LOG_LEVEL": "DEBUG"}
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert token not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(r"does not exist|cannot reach Discord|refused the token", result.stderr)


async def test_past_capacity_questions_are_told_the_bot_is_busy_at_once_not_answered_late(
    fake_discord, content, monkeypatch, caplog
):
    import asyncio
    import time

    from bot.answer_queue import AnswerQueue

    async with running(fake_discord, content) as bot:
        # Every answer takes 0.3 s on the answering thread (as a large collection can); a question that would
        # wait more than 0.5 s behind the others is refused.
        bot.content.queue = AnswerQueue(threaded_from_passages=0, max_wait_seconds=0.5)
        library = bot.content.library
        real_answer = library.answer

        def slow_answer(*args, **kwargs):
            time.sleep(0.3)
            return real_answer(*args, **kwargs)

        monkeypatch.setattr(library, "answer", slow_answer)
        first = await fake_discord.send_message(fake_discord.general, fake_discord.member, SHCHYOGOLEV_Q,
                                                mentions_bot=True)
        await reply_to(fake_discord, first)  # the bot now knows how long an answer takes
        askers = [(await fake_discord.add_member(f"asker{i}")).user for i in range(8)]
        sent_at = time.monotonic()
        burst = await asyncio.gather(*(fake_discord.send_message(fake_discord.general, user, SHCHYOGOLEV_Q,
                                                                 mentions_bot=True) for user in askers))
        ask = await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q}, user=askers[0])
        refused = await ask.response()
        replies = [await reply_to(fake_discord, message, timeout=10) for message in burst]
        busy_at = time.monotonic()
        await asyncio.sleep(3)  # let every queued answer finish: nothing more may arrive
    answered = [r for r in replies if r["embeds"]]
    busy = [r for r in replies if not r["embeds"]]
    # The queue took what it could serve within 0.5 s; everyone else heard so at once, exactly once.
    assert 2 <= len(answered) <= 4 and len(busy) == 8 - len(answered)
    assert all("Igor Shchyogolev" in r["embeds"][0]["description"] for r in answered)
    assert all("answering a lot of questions right now" in r["content"] for r in busy)
    assert all(len(replies_to(fake_discord, m)) == 1 for m in burst)
    assert busy_at - sent_at < 0.3 * len(answered) + 1.0
    # Refusals went out before the queue had served even its first question.
    posted = [r.time for r in fake_discord.requests_matching("POST", MESSAGES)
              if "answering a lot of questions" in ((r.json or {}).get("content") or "")]
    assert len(posted) == len(busy) and max(posted) - sent_at < 0.3
    # /ask at that moment: a private note, within Discord's 3 s, not an expired interaction.
    assert refused["type"] == 4 and refused["data"]["flags"] & EPHEMERAL and ask.callback_delay < 1
    assert "answering a lot of questions right now" in refused["data"]["content"]
    assert_allows_no_mentions(fake_discord)
    # The operator hears of every refusal, in a count at most once a minute (and the rest at shutdown),
    # not in a line each.
    over = [r for r in caplog.records if r.name == "bot.answer_queue" and "over capacity" in r.getMessage()]
    assert 1 <= len(over) <= 2 and all(r.levelno == logging.WARNING for r in over)
    assert sum(int(re.search(r"told (\d+)", r.getMessage())[1]) for r in over) == len(busy) + 1  # + the /ask
