"""/add url: a moderator adds the article on a web page (served from 127.0.0.1) and members are answered from it."""

from __future__ import annotations

import pytest
import yaml

from tests.bot.test_collection import LUNAR, added_files, ask, quoted, slash
from tests.bot.test_discord import EPHEMERAL, assert_allows_no_mentions, running

CABLES_Q = "How many cables did the crews replace on the Harbour Bridge?"
BRIDGE = "Harbour Bridge Reopens After Two Years of Repairs"


async def test_a_moderator_adds_a_page_and_members_are_answered_from_it_with_its_date(fake_discord, content,
                                                                                      news_site):
    async with running(fake_discord, content, allow_private_urls=True) as bot:
        before = await ask(fake_discord, CABLES_Q)
        reply = await slash(fake_discord, "add", {"url": news_site.url("/news")})
        after = await ask(fake_discord, CABLES_Q)
        count = len(bot.content.library.articles)
    assert "couldn't find" in before["content"]
    assert reply["flags"] & EPHEMERAL and reply["content"].startswith(f"Added *{BRIDGE}* (")
    assert f"Now answering from {count} articles" in reply["content"]
    embed = after["embeds"][0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "128 cables" in quoted(after) and embed["title"] == BRIDGE
    assert fields["Date"] == "5 Mar 2024" and fields["Authors"] == "Maria Okafor, Tom\u00e1s Reyes"
    assert embed["url"] == "https://courier.example/news/2024/harbour-bridge-reopens"  # the page's canonical url
    [stored] = added_files(content)
    front = yaml.safe_load((content.parent / "data" / "articles" / stored).read_text().split("---")[1])
    assert front["title"] == BRIDGE and front["date"] == "2024-03-05" and front["site"] == "The Coastal Courier"
    assert front["added_by"] == fake_discord.moderator.username and front["added_at"]
    assert_allows_no_mentions(fake_discord)  # the page's "@everyone" pings nobody


async def test_adding_a_page_again_by_its_link_or_a_redirect_to_it_replaces_it(fake_discord, content, news_site):
    async with running(fake_discord, content, allow_private_urls=True) as bot:
        await slash(fake_discord, "add", {"url": news_site.url("/news")})
        count = len(bot.content.library.articles)
        again = await slash(fake_discord, "add", {"url": news_site.url("/old-news")})  # redirects to /news
        # A page without a canonical url is keyed by where it ends up: the link typed or a redirect to it.
        await slash(fake_discord, "add", {"url": news_site.url("/moved/tides")})
        moved_again = await slash(fake_discord, "add", {"url": news_site.url("/story/tides#comments")})
        counts = count, len(bot.content.library.articles)
    assert again["content"].startswith(f"Replaced *{BRIDGE}*") and "from that page before (1)" in again["content"]
    assert moved_again["content"].startswith("Replaced *Tidal Turbines Power the Island*")
    assert counts == (3, 4) and len(added_files(content)) == 2


@pytest.mark.parametrize(("path", "why"), [
    ("/story/missing", "answered 404"),
    ("/report.pdf", "is not a web page (HTML)"),
    ("/huge", "larger than the 5 MB limit"),
    ("/front-page", "no article text"),
    ("ftp://example.org/news", "only http and https links"),
])
async def test_a_page_that_cannot_be_added_is_refused_and_nothing_changes(fake_discord, content, news_site, path,
                                                                         why):
    url = path if "://" in path else news_site.url(path)
    async with running(fake_discord, content, allow_private_urls=True) as bot:
        before = bot.content.library
        refused = await slash(fake_discord, "add", {"url": url})
        unchanged = bot.content.library is before
    assert refused["flags"] & EPHEMERAL and why in refused["content"], refused["content"]
    assert refused["content"].startswith("I couldn't add") and "Nothing was added" in refused["content"]
    assert unchanged and added_files(content) == []


async def test_a_page_on_a_private_address_is_refused_unless_the_operator_allows_it(fake_discord, content, news_site):
    async with running(fake_discord, content) as bot:
        before = bot.content.library
        refused = await slash(fake_discord, "add", {"url": news_site.url("/news")})
        unchanged = bot.content.library is before
    assert "loopback address" in refused["content"] and "Nothing was added" in refused["content"]
    assert unchanged and added_files(content) == [] and news_site.requests == []  # never even connected


@pytest.mark.parametrize("options", [{}, "both"])
async def test_add_needs_exactly_one_of_a_file_and_a_url(fake_discord, content, news_site, options):
    if options == "both":
        options = {"file": LUNAR, "url": news_site.url("/news")}
    async with running(fake_discord, content, allow_private_urls=True):
        refused = await slash(fake_discord, "add", options)
    assert refused["flags"] & EPHEMERAL and "either a file or a url" in refused["content"]
    assert added_files(content) == [] and news_site.requests == []


async def test_a_member_cannot_add_a_page(fake_discord, content, news_site):
    async with running(fake_discord, content, allow_private_urls=True):
        refused = await slash(fake_discord, "add", {"url": news_site.url("/news")}, user=fake_discord.member)
    assert "Only moderators" in refused["content"] and news_site.requests == [] and added_files(content) == []
