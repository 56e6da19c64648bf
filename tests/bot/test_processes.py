"""Several processes of one bot on one real Redis, as moderators see them: /status lists the live ones.

The first bot is connected to the fake Discord, where members and moderators talk to it; the others log in (their
start-up runs: content, coordination, heartbeats, feeds) but take no gateway session, since without shards one
fake Discord would hand every event to each of them. They share one content folder and one data folder, as
processes on one machine do.

Timing: heartbeats last two seconds here (30 in the bot), so a stopped process drops out quickly; what the tests
wait for they poll for with a generous deadline.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot import create_bot, processes, reloading
from bot import content as content_module
from bot.reloading import IN_PROGRESS, THIS_PROCESS_ONLY, ReloadInProgress
from fake_discord import FakeDiscord
from tests.bot.test_collection import LETTUCE_Q, ask, quoted, slash
from tests.bot.test_discord import EPHEMERAL, running, settings_for
from tests.bot.test_feeds import TIDES_Q
from tests.bot.test_feeds import eventually
from tests.servers import stopped

SHORT_HEARTBEAT = 2.0
PATIENCE = 30.0


@pytest.fixture(autouse=True)
def short_heartbeats(monkeypatch):
    monkeypatch.setattr(processes, "HEARTBEAT_SECONDS", SHORT_HEARTBEAT)


@asynccontextmanager
async def another_process(fake: FakeDiscord, content: Path, **overrides) -> AsyncIterator:
    """A second process of the bot: started as the bot starts, without a gateway session."""
    bot = create_bot(settings_for(fake, content, **overrides))
    try:
        await bot.login(fake.token)
        yield bot
    finally:
        await bot.close()


async def status_until(fake: FakeDiscord, pattern: str) -> str:
    """/status's text, asked again until it matches `pattern` (or the patience runs out: the last text fails)."""
    deadline = asyncio.get_running_loop().time() + PATIENCE
    while True:
        text = (await (await fake.invoke_slash("status", user=fake.admin)).answer())["content"]
        if re.search(pattern, text) or asyncio.get_running_loop().time() > deadline:
            return text
        await asyncio.sleep(0.2)


def process_line(text: str, process: str) -> str:
    return next((line for line in text.splitlines() if f"`{process}`" in line), "")


async def test_status_in_one_process_alone_shows_this_process_and_no_redis(fake_discord, content):
    async with running(fake_discord, content) as bot:
        text = await status_until(fake_discord, r"\(this one\)")
    assert "**Processes:** this one only (no `redis_url`" in text
    line = process_line(text, bot.coordination.process)
    assert re.search(rf"\(this one\): shards all · library `{bot.content.fingerprint[:8]}` · last beat \d+ s ago", line)


async def test_two_bots_on_one_redis_see_each_other_in_status_and_one_that_stops_drops_out_at_once(
        fake_discord, content, redis_server):
    async with running(fake_discord, content, redis_url=redis_server.url) as first:
        async with another_process(fake_discord, content, redis_url=redis_server.url) as second:
            both = await status_until(fake_discord, r"2 live")
            assert first.content.fingerprint == second.content.fingerprint  # one content folder, one library
        # Asked once: a process that stopped cleanly took its heartbeat with it, before that would have expired.
        alone = (await (await fake_discord.invoke_slash("status", user=fake_discord.admin)).answer())["content"]
    assert "**Processes:** 2 live, coordinated through Redis" in both
    library = f"library `{first.content.fingerprint[:8]}`"
    assert "(this one): shards all · " + library in process_line(both, first.coordination.process)
    other = process_line(both, second.coordination.process)
    assert "(this one)" not in other and "shards all · " + library in other
    assert "**Processes:** 1 live, coordinated through Redis" in alone
    assert not process_line(alone, second.coordination.process) and process_line(alone, first.coordination.process)


async def test_of_two_bots_on_one_redis_one_polls_the_feeds_on_schedule_and_the_other_takes_over_when_it_stops(
        fake_discord, content, redis_server, news_site, caplog):
    news_site.feeds["courier"] = ["tides"]
    feed = "/feeds/courier.rss"
    shared = dict(redis_url=redis_server.url, allow_private_urls=True, feeds=[news_site.feed_url("courier")])
    caplog.set_level(logging.DEBUG, "bot.feeds")
    async with another_process(fake_discord, content, **shared) as poller:
        async with running(fake_discord, content, **shared) as other:
            # Each polls at its start, as a process alone would: only the first to start is the poller.
            await eventually(lambda: "feed poll left to" in caplog.text, timeout=PATIENCE)
            assert len(news_site.fetched(feed)) == 1
            # The next interval: the poller polls again, the other leaves it to the poller.
            assert await other.feeds.poll_scheduled() is None
            assert await poller.feeds.poll_scheduled() is not None
            assert len(news_site.fetched(feed)) == 2
            await poller.close()  # the poller stops: the other polls from its next interval on
            assert await other.feeds.poll_scheduled() is not None
            assert len(news_site.fetched(feed)) == 3


LUNAR = "# Lunar Greenhouse\n\nAstronauts harvested twelve heads of lettuce in the lunar greenhouse last spring.\n"


async def quotes(bot, question: str) -> str | None:
    """The title a process without a gateway session would quote for `question` (None: it declines)."""
    answer = await bot.content.answer(question, 3)
    return None if answer.no_answer else answer.hits[0].article.title


async def test_a_reload_in_one_bot_is_served_by_both_and_the_moderator_is_told_so(fake_discord, content, redis_server):
    async with running(fake_discord, content, redis_url=redis_server.url) as first:
        async with another_process(fake_discord, content, redis_url=redis_server.url) as second:
            assert "twelve heads of lettuce" not in quoted(await ask(fake_discord, LETTUCE_Q))
            assert await quotes(second, LETTUCE_Q) is None
            (content / "lunar.md").write_text(LUNAR)
            reply = await (await fake_discord.invoke_slash("reload", user=fake_discord.moderator)).answer()
            assert "twelve heads of lettuce" in quoted(await ask(fake_discord, LETTUCE_Q))
            assert await quotes(second, LETTUCE_Q) == "Lunar Greenhouse"
            assert second.content.fingerprint == first.content.fingerprint
            assert second.content.last_reload is not None and second.content.last_reload.elsewhere
    assert reply["flags"] & EPHEMERAL
    assert reply["content"].startswith("Reloaded 3 articles")
    assert "Every process of the bot serves it now (2 of 2)." in reply["content"]


async def test_with_redis_stopped_a_reload_is_this_process_only_and_the_moderator_is_told_so(
        fake_discord, content, redis_server):
    async with running(fake_discord, content, redis_url=redis_server.url) as first:
        async with another_process(fake_discord, content, redis_url=redis_server.url) as second:
            async with stopped(redis_server):
                (content / "lunar.md").write_text(LUNAR)
                reply = await (await fake_discord.invoke_slash("reload", user=fake_discord.moderator)).answer()
                assert "twelve heads of lettuce" in quoted(await ask(fake_discord, LETTUCE_Q))
                assert await quotes(second, LETTUCE_Q) is None  # it never heard: it answers from what it had
                status = await status_until(fake_discord, r"Redis cannot be reached.*\n.*\(this one\)")
    assert reply["content"].startswith("Reloaded 3 articles")
    assert THIS_PROCESS_ONLY in reply["content"]
    assert "**Processes:** Redis cannot be reached: this process coordinates on its own (see the log)" in status
    assert f"library `{first.content.fingerprint[:8]}`" in process_line(status, first.coordination.process)


async def test_while_another_bot_reloads_reload_and_remove_are_refused_politely_and_change_nothing(
        fake_discord, content, redis_server):
    (content / "lunar.md").write_text(LUNAR)
    async with running(fake_discord, content, redis_url=redis_server.url) as first:
        async with another_process(fake_discord, content, redis_url=redis_server.url) as second:
            async with second.reloads.turn():  # the other process is in the middle of a reload
                reload = await (await fake_discord.invoke_slash("reload", user=fake_discord.moderator)).answer()
                remove = await (await fake_discord.invoke_slash(
                    "remove", {"article": "Lunar Greenhouse"}, user=fake_discord.moderator)).answer()
            assert first.content.last_reload is None
            assert "twelve heads of lettuce" in quoted(await ask(fake_discord, LETTUCE_Q))
            assert not first.content.hidden.ids()
    for reply in (reload, remove):
        assert reply["flags"] & EPHEMERAL
        assert reply["content"].startswith(IN_PROGRESS)
    assert remove["content"].endswith("Nothing was changed.")


async def test_a_process_that_sees_other_content_keeps_its_library_says_why_and_the_moderator_hears_1_of_2(
        fake_discord, content, tmp_path, redis_server, monkeypatch, caplog):
    monkeypatch.setattr(reloading, "SERVED_WAIT_SECONDS", 1.0)
    elsewhere = tmp_path / "elsewhere"  # another machine's folders, not shared with the first process
    shutil.copytree(content, elsewhere / "content")
    async with running(fake_discord, content, redis_url=redis_server.url):
        async with another_process(fake_discord, elsewhere / "content", redis_url=redis_server.url) as second:
            (content / "lunar.md").write_text(LUNAR)
            reply = await (await fake_discord.invoke_slash("reload", user=fake_discord.moderator)).answer()
            assert await quotes(second, LETTUCE_Q) is None
    assert "1 of 2 processes of the bot serve it after 1 s; the others still answer from the library they had" in (
        reply["content"])
    assert "this process sees other content" in caplog.text and "must be the same folders" in caplog.text


async def test_a_reload_longer_than_its_lease_keeps_it_and_the_other_bot_is_still_refused(
        fake_discord, content, redis_server, monkeypatch):
    monkeypatch.setattr(reloading, "RELOAD_LEASE_SECONDS", 1.0)
    release = threading.Event()
    real_load = content_module.Library.load

    def slow_load(*args, **kwargs):
        release.wait(timeout=PATIENCE)
        return real_load(*args, **kwargs)

    async with running(fake_discord, content, redis_url=redis_server.url) as first:
        async with another_process(fake_discord, content, redis_url=redis_server.url) as second:
            monkeypatch.setattr(content_module.Library, "load", slow_load)
            (content / "lunar.md").write_text(LUNAR)
            reload = await fake_discord.invoke_slash("reload", user=fake_discord.moderator)
            await eventually(lambda: first.reloads.busy, timeout=PATIENCE)
            await asyncio.sleep(3 * reloading.RELOAD_LEASE_SECONDS)  # the build outlasts its lease three times over
            with pytest.raises(ReloadInProgress):
                async with second.reloads.turn():
                    pass
            release.set()
            # Longer than the reply's own wait for the other process, so that a slow one shows as "1 of 2", not as a
            # timeout here (once seen in a full run on a loaded machine: the answer did not come within 30 s).
            done = await reload.answer(timeout=reloading.SERVED_WAIT_SECONDS + PATIENCE)
    assert "Every process of the bot serves it now (2 of 2)." in done["content"]


async def test_a_feeds_new_articles_wait_for_another_bots_reload_then_both_serve_them(
        fake_discord, content, redis_server, news_site):
    news_site.feeds["courier"] = ["tides"]
    shared = dict(redis_url=redis_server.url, allow_private_urls=True)
    async with running(fake_discord, content, **shared) as first:
        async with another_process(fake_discord, content, **shared) as second:
            async with second.reloads.turn():  # the other process is reloading when the feed's articles are written
                following = asyncio.create_task(slash(fake_discord, "feed add", {"url": news_site.feed_url("courier")}))
                await eventually(lambda: bool(news_site.fetched("/story/tides")), timeout=PATIENCE)
                await asyncio.sleep(0.5)
                assert not following.done()  # waiting for its turn, not refused: the articles are written already
            followed = await following
            assert "four thousand homes" in quoted(await ask(fake_discord, TIDES_Q))
            assert await quotes(second, TIDES_Q) == "Tidal Turbines Power the Island"
    assert first.content.fingerprint == second.content.fingerprint
    assert "Now answering from 3 articles. Every process of the bot serves it now (2 of 2)." in followed["content"]


async def test_a_reload_made_in_another_bot_is_answered_here_and_status_says_where_it_was_made(
        fake_discord, content, redis_server):
    async with running(fake_discord, content, redis_url=redis_server.url) as first:
        async with another_process(fake_discord, content, redis_url=redis_server.url) as second:
            (content / "lunar.md").write_text(LUNAR)
            async with second.reloads.turn():
                rebuilt = await second.reloads.rebuild()
            assert "twelve heads of lettuce" in quoted(await ask(fake_discord, LETTUCE_Q))
            status = await status_until(fake_discord, r"2 live")
    assert rebuilt.served == "Every process of the bot serves it now (2 of 2)."
    assert first.content.fingerprint == second.content.fingerprint
    assert re.search(r"\*\*Last reload:\*\* \d+ s ago \(made by another process of the bot\): \+1 added", status)


async def test_a_bot_running_some_shards_names_them_in_its_heartbeat_and_one_with_all_names_none(tmp_path):
    from bot.settings import Settings

    sharded = create_bot(Settings(data_path=tmp_path, shard_count=2, shard_ids=[1]))
    assert (sharded.shard_count, sharded.shard_ids) == (2, [1])  # what discord.py will launch
    await sharded.beating.beat()
    assert [beat.shard_ids for beat in await sharded.beating.heartbeats.live()] == [(1,)]
    whole = create_bot(Settings(data_path=tmp_path))
    await whole.beating.beat()
    assert [beat.shard_ids for beat in await whole.beating.heartbeats.live()] == [()]
