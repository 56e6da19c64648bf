"""/feed: moderators follow RSS feeds served from 127.0.0.1, and members are answered from their entries' pages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from tests.bot.test_collection import added_files, ask, quoted, slash
from tests.bot.test_discord import EPHEMERAL, running

TIDES_Q = "How many homes do the tidal turbines power?"
FERRY_Q = "How long does the crossing to the farthest island take?"


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def titles(bot) -> set[str]:
    return {a.title for a in bot.content.library.articles.values()}


async def test_a_followed_feeds_entries_are_answered_and_only_new_ones_are_fetched_later(fake_discord, content,
                                                                                         news_site):
    news_site.feeds["courier"] = ["tides", "library"]
    feed_url = news_site.feed_url("courier")
    async with running(fake_discord, content, allow_private_urls=True) as bot:
        followed = await slash(fake_discord, "feed add", {"url": feed_url})
        answered = await ask(fake_discord, TIDES_Q)
        unchanged = await slash(fake_discord, "reload", {})
        news_site.feeds["courier"].insert(0, "ferry")
        changed = await slash(fake_discord, "reload", {})
        ferry = await ask(fake_discord, FERRY_Q)
        await slash(fake_discord, "reload", {})
        count = len(bot.content.library.articles)
    assert followed["flags"] & EPHEMERAL and followed["content"].startswith(f"Following <{feed_url}>: added 2 articles")
    assert "*Tidal Turbines Power the Island*" in followed["content"] and "Now answering from 4 articles" in \
        followed["content"]
    assert "four thousand homes" in quoted(answered)
    assert {f["name"]: f["value"] for f in answered["embeds"][0]["fields"]}["Date"] == "3 Dec 2026"
    assert f"<{feed_url}>: unchanged since the last poll" in unchanged["content"]
    assert f"<{feed_url}>: added 1 article: *New Ferry Route Links Three Islands*" in changed["content"]
    assert "seventy minutes" in quoted(ferry) and count == 5 and len(added_files(content)) == 3
    feed_requests = news_site.fetched("/feeds/courier.rss")
    assert "If-None-Match" not in feed_requests[0].headers
    assert all(r.headers.get("If-None-Match") for r in feed_requests[1:])  # conditional after the first
    assert [len(news_site.fetched(f"/story/{slug}")) for slug in ("tides", "library", "ferry")] == [1, 1, 1]


@pytest.mark.parametrize(("breakage", "why"), [("500", "answered 500"), ("malformed", "not a readable feed")])
async def test_a_broken_feed_shows_its_error_and_the_others_still_add(fake_discord, content, news_site, breakage,
                                                                      why):
    news_site.feeds.update(broken=[], courier=["tides"])
    news_site.broken["broken"] = breakage
    configured = [news_site.feed_url("broken"), news_site.feed_url("courier")]
    async with running(fake_discord, content, allow_private_urls=True, feeds=configured) as bot:
        # The configured feeds are polled as the bot starts.
        await eventually(lambda: "Tidal Turbines Power the Island" in titles(bot))
        listed = await slash(fake_discord, "feed list", {})
        news_site.feeds["courier"].insert(0, "market")
        reloaded = await slash(fake_discord, "reload", {})
        market = "Winter Market Returns to the Square" in titles(bot)
    lines = listed["content"].split("\n")
    assert lines[0] == "Following 2 feeds:" and listed["flags"] & EPHEMERAL
    assert lines[1].startswith(f"1. <{configured[0]}> \u00b7 from the settings \u00b7 last poll <t:")
    assert "which added 0 articles" in lines[1] and "last error:" in lines[1] and why in lines[1]
    assert "which added 1 article" in lines[2] and "last error" not in lines[2]
    assert f"<{configured[0]}>: could not be read" in reloaded["content"] and market


async def test_an_entry_whose_page_fails_is_reported_and_tried_again_at_the_next_poll(fake_discord, content,
                                                                                       news_site):
    news_site.feeds["courier"] = ["tides", "gone"]
    async with running(fake_discord, content, allow_private_urls=True):
        followed = await slash(fake_discord, "feed add", {"url": news_site.feed_url("courier")})
        listed = await slash(fake_discord, "feed list", {})
        await slash(fake_discord, "reload", {})
    assert "added 1 article: *Tidal Turbines Power the Island*; 1 page(s) not added:" in followed["content"]
    assert "last error:" in listed["content"] and "/story/gone answered 404" in listed["content"]
    # Not "not modified": the whole feed is read again so that the failed entry is tried again.
    assert [r.headers.get("If-None-Match") for r in news_site.fetched("/feeds/courier.rss")] == [None, None]
    assert len(news_site.fetched("/story/gone")) == 2 and len(news_site.fetched("/story/tides")) == 1


async def test_a_poll_takes_the_newest_entries_up_to_its_cap_and_leaves_out_the_rest(fake_discord, content,
                                                                                     news_site, monkeypatch):
    monkeypatch.setattr("bot.feeds.MAX_ENTRIES_PER_POLL", 2)
    news_site.feeds["courier"] = ["library", "market", "ferry", "tides"]  # not in date order
    async with running(fake_discord, content, allow_private_urls=True):
        followed = await slash(fake_discord, "feed add", {"url": news_site.feed_url("courier")})
        await slash(fake_discord, "reload", {})
    assert followed["content"].startswith(f"Following <{news_site.feed_url('courier')}>: added 2 articles")
    assert "2 older entries left out" in followed["content"]
    fetched = [len(news_site.fetched(f"/story/{slug}")) for slug in ("tides", "market", "ferry", "library")]
    assert fetched == [1, 1, 0, 0]  # the two newest, once; the others never


async def test_a_feed_that_cannot_be_read_is_not_followed(fake_discord, content, news_site):
    async with running(fake_discord, content, allow_private_urls=True):
        refused = await slash(fake_discord, "feed add", {"url": news_site.feed_url("missing")})
        page = await slash(fake_discord, "feed add", {"url": news_site.url("/news")})
        listed = await slash(fake_discord, "feed list", {})
    assert refused["content"].startswith("I couldn't follow") and "answered 404" in refused["content"]
    assert "Nothing was changed" in refused["content"] and "not an RSS or Atom feed" in page["content"]
    assert listed["content"].startswith("No feed is followed") and added_files(content) == []


async def test_a_feed_on_a_private_address_is_refused_unless_the_operator_allows_it(fake_discord, content,
                                                                                    news_site):
    news_site.feeds["courier"] = ["tides"]
    async with running(fake_discord, content):
        refused = await slash(fake_discord, "feed add", {"url": news_site.feed_url("courier")})
    assert "loopback address" in refused["content"] and news_site.requests == []


async def test_a_moderator_stops_following_a_feed_picked_from_the_list(fake_discord, content, news_site):
    news_site.feeds.update(courier=["tides"], configured=["library"])
    async with running(fake_discord, content, allow_private_urls=True, feeds=[news_site.feed_url("configured")]):
        await slash(fake_discord, "feed add", {"url": news_site.feed_url("courier")})
        offered = await (await fake_discord.invoke_autocomplete("feed remove", {"url": "cour"}, "url",
                                                                user=fake_discord.moderator)).response()
        [choice] = offered["data"]["choices"]
        removed = await slash(fake_discord, "feed remove", {"url": choice["value"]})
        kept = await slash(fake_discord, "feed remove", {"url": news_site.feed_url("configured")})
        listed = await slash(fake_discord, "feed list", {})
        still_answered = await ask(fake_discord, TIDES_Q)
    assert choice["value"] == news_site.feed_url("courier")
    assert removed["content"].startswith(f"No longer following <{news_site.feed_url('courier')}>")
    assert "in the bot's settings" in kept["content"] and "Nothing was changed" in kept["content"]
    assert listed["content"].startswith("Following 1 feed:") and news_site.feed_url("configured") in listed["content"]
    assert "four thousand homes" in quoted(still_answered)  # what the feed added stays


async def test_members_cannot_use_the_feed_commands_even_when_they_are_visible(fake_discord, content, news_site,
                                                                               caplog):
    news_site.feeds["courier"] = ["tides"]
    async with running(fake_discord, content, allow_private_urls=True):
        command = fake_discord.find_command("feed")
        refusals = [await slash(fake_discord, name, options, user=fake_discord.member) for name, options in (
            ("feed add", {"url": news_site.feed_url("courier")}), ("feed remove", {"url": "x"}), ("feed list", {}))]
        offered = await (await fake_discord.invoke_autocomplete("feed remove", {"url": ""}, "url",
                                                                user=fake_discord.member)).response()
    assert int(command["default_member_permissions"]) == 1 << 5 and command["dm_permission"] is False
    assert all(r["flags"] & EPHEMERAL and "Only moderators" in r["content"] for r in refusals)
    assert offered["data"]["choices"] == [] and news_site.requests == []
    assert "refused /feed add" in caplog.text and str(fake_discord.member.id) not in caplog.text


async def test_the_followed_feeds_are_polled_every_interval(fake_discord, content, news_site):
    news_site.feeds["courier"] = ["tides"]
    async with running(fake_discord, content, allow_private_urls=True, feeds=[news_site.feed_url("courier")]) as bot:
        await eventually(lambda: "Tidal Turbines Power the Island" in titles(bot))
        polling = bot.get_cog("Feeds").polling
        assert polling.minutes == 60  # feed_interval_minutes, until the test shortens it
        news_site.feeds["courier"].insert(0, "ferry")
        polling.change_interval(seconds=0.05)
        await eventually(lambda: "New Ferry Route Links Three Islands" in titles(bot))
        answered = await ask(fake_discord, FERRY_Q)
    assert "seventy minutes" in quoted(answered) and len(news_site.fetched("/story/ferry")) == 1


async def test_a_damaged_feed_list_is_reported_and_kept(fake_discord, content, news_site, caplog):
    news_site.feeds["courier"] = ["tides"]
    feeds_json = content.parent / "data" / "feeds.json"
    feeds_json.parent.mkdir()
    feeds_json.write_text("{not json")
    async with running(fake_discord, content, allow_private_urls=True, feeds=[news_site.feed_url("courier")]):
        listed = await slash(fake_discord, "feed list", {})
        refused = await slash(fake_discord, "feed add", {"url": news_site.feed_url("courier")})
        reloaded = await slash(fake_discord, "reload", {})
        answered = await ask(fake_discord, "How long was Omar al-Bashir in power?")
    assert "feeds.json" in listed["content"] and "cannot be read" in listed["content"]
    assert refused["content"].startswith("Nothing was changed") and "feeds.json" in refused["content"]
    assert "Feeds not polled" in reloaded["content"] and "almost 30 years" in quoted(answered)
    assert feeds_json.read_text() == "{not json" and "feeds.json" in caplog.text and news_site.requests == []
