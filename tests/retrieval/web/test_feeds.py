"""RSS and Atom feeds: their entries with stable keys, which of them are new, and broken feeds reported."""

import pytest

from retrieval.web import FeedEntry, FeedError, fetch, new_entries, parse_feed
from tests.retrieval.web.conftest import DATA, OPEN

FEED_URL = "https://courier.example/feeds/news.rss"


def test_an_rss_feed_gives_its_title_and_entries_keyed_by_guid_else_link():
    feed = parse_feed((DATA / "feed.rss").read_bytes(), FEED_URL)
    assert feed.title == "The Coastal Courier: News"
    assert feed.entries == (
        FeedEntry(key="courier-2024-0305-bridge", link="https://courier.example/news/2024/harbour-bridge-reopens",
                  title="Harbour Bridge Reopens After Two Years of Repairs", published="2024-03-05"),
        # No guid: the link is the key, resolved against the feed's url; the +0100 date is read in UTC.
        FeedEntry(key="https://courier.example/news/2024/parking-fees",
                  link="https://courier.example/news/2024/parking-fees",
                  title="Council votes on parking fees", published="2024-03-04"),
    )


def test_an_atom_feed_gives_its_entries_keyed_by_id_dated_by_published_else_updated():
    feed = parse_feed((DATA / "feed.atom").read_bytes(), "https://watch.example/atom")
    assert feed.title == "Harbour Watch"
    assert [(e.key, e.link, e.published) for e in feed.entries] == [
        ("tag:watch.example,2024:ferry-timetable", "https://watch.example/2024/ferry-timetable", "2024-03-06"),
        ("tag:watch.example,2024:dredging", "https://watch.example/2024/dredging", "2024-03-01"),
    ]


def test_an_entry_repeated_in_the_feed_counts_once():
    rss = (b'<rss version="2.0"><channel><title>Twice</title>'
           + b'<item><title>Same</title><link>https://courier.example/a</link><guid>a</guid></item>' * 2
           + b"</channel></rss>")
    assert [e.key for e in parse_feed(rss, FEED_URL).entries] == ["a"]


def test_an_empty_feed_is_a_feed_with_no_entries():
    feed = parse_feed(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>', FEED_URL)
    assert (feed.title, feed.entries) == ("Quiet", ())


@pytest.mark.parametrize(("name", "reason"), [
    ("broken.rss", "is not a readable feed"),
    ("news.html", "is not an RSS or Atom feed"),
])
def test_a_broken_feed_or_a_page_is_reported_with_its_reason(name, reason):
    with pytest.raises(FeedError, match=f"{FEED_URL} {reason}"):
        parse_feed((DATA / name).read_bytes(), FEED_URL)


def test_only_entries_not_taken_yet_are_new_in_the_feeds_order():
    feed = parse_feed((DATA / "feed.rss").read_bytes(), FEED_URL)
    bridge, parking = feed.entries
    assert new_entries(feed, set()) == [bridge, parking]
    assert new_entries(feed, {bridge.key}) == [parking]
    assert new_entries(feed, {bridge.key, parking.key, "an-entry-gone-from-the-feed"}) == []


async def test_feeds_fetched_from_a_server_parse_whatever_type_they_are_served_as(site, session):
    for path in ("/feed.rss", "/feed-as-html", "/feed.atom"):
        fetched = await fetch(session, site.url(path), policy=OPEN, accept="feed")
        assert parse_feed(fetched.body, fetched.url).entries, path
