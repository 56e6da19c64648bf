"""Fetching pages and feeds from a local server: what comes back, and the reason for everything refused."""

import dataclasses
import socket
import time

import aiohttp
import pytest

from retrieval.web import FetchError, FetchPolicy, fetch
from tests.retrieval.web.conftest import DATA, ETAG, LAST_MODIFIED, OPEN

NEWS = (DATA / "news.html").read_bytes()


def policy(**changes) -> FetchPolicy:
    return dataclasses.replace(OPEN, **changes)


async def test_a_page_comes_back_whole_with_its_type_and_the_bot_names_itself(site, session):
    fetched = await fetch(session, site.url("/news"), policy=OPEN, accept="html")
    assert (fetched.status, fetched.content_type, fetched.body) == (200, "text/html", NEWS)
    assert fetched.url == site.url("/news") and not fetched.not_modified
    assert site.requests[0].headers["User-Agent"].startswith("newsroom-qa-bot/")


def test_the_default_policy_is_the_documented_one():
    assert FetchPolicy() == FetchPolicy(timeout=15, max_redirects=5, max_bytes=5 * 1024 * 1024, allow_private=False)


async def test_five_redirects_are_followed_one_hop_at_a_time(site, session):
    fetched = await fetch(session, site.url("/hop/5"), policy=OPEN, accept="html")
    assert fetched.url == site.url("/hop/0") and fetched.body == NEWS
    assert [r.path for r in site.requests] == [f"/hop/{n}" for n in range(5, -1, -1)]


async def test_a_sixth_redirect_is_refused(site, session):
    with pytest.raises(FetchError, match=f"{site.url('/hop/6')} was not fetched: more than 5 redirects"):
        await fetch(session, site.url("/hop/6"), policy=OPEN, accept="html")
    assert len(site.requests) == 6


async def test_a_declared_length_past_the_cap_is_refused_without_waiting_for_the_body(site, session):
    started = time.monotonic()
    with pytest.raises(FetchError, match="larger than the 5 MB limit"):
        await fetch(session, site.url("/declared-huge"), policy=policy(timeout=5), accept="html")
    assert time.monotonic() - started < 2


async def test_a_body_streamed_past_the_cap_without_a_length_is_cut_off(site, session):
    with pytest.raises(FetchError, match="larger than the 0.25 MB limit"):
        await fetch(session, site.url("/endless"), policy=policy(max_bytes=256 * 1024), accept="html")


async def test_a_compressed_body_is_capped_at_its_inflated_size(site, session):
    with pytest.raises(FetchError, match="larger than the 1 MB limit"):
        await fetch(session, site.url("/inflating"), policy=policy(max_bytes=1024 * 1024), accept="html")


async def test_a_body_exactly_at_the_cap_is_taken_and_one_byte_less_is_not(site, session):
    fetched = await fetch(session, site.url("/news"), policy=policy(max_bytes=len(NEWS)), accept="html")
    assert fetched.body == NEWS
    with pytest.raises(FetchError, match="larger than"):
        await fetch(session, site.url("/news"), policy=policy(max_bytes=len(NEWS) - 1), accept="html")


async def test_a_server_that_does_not_answer_in_time_is_given_up(site, session):
    with pytest.raises(FetchError, match="did not answer within 0.3 seconds"):
        await fetch(session, site.url("/slow"), policy=policy(timeout=0.3), accept="html")


async def test_a_pdf_is_neither_a_page_nor_a_feed(site, session):
    with pytest.raises(FetchError, match="not a web page .*application/pdf"):
        await fetch(session, site.url("/report.pdf"), policy=OPEN, accept="html")
    with pytest.raises(FetchError, match="not a feed .*application/pdf"):
        await fetch(session, site.url("/report.pdf"), policy=OPEN, accept="feed")


async def test_a_feed_is_not_a_page_but_a_feed_served_as_html_is_a_feed(site, session):
    with pytest.raises(FetchError, match="not a web page .*application/rss\\+xml"):
        await fetch(session, site.url("/feed.rss"), policy=OPEN, accept="html")
    fetched = await fetch(session, site.url("/feed-as-html"), policy=OPEN, accept="feed")
    assert fetched.body == (DATA / "feed.rss").read_bytes()


@pytest.mark.parametrize(("path", "status"), [("/nowhere", "404 Not Found"), ("/broken", "500 Internal Server Error")])
async def test_an_error_status_is_named(site, session, path, status):
    with pytest.raises(FetchError, match=f"answered {status}"):
        await fetch(session, site.url(path), policy=OPEN, accept="html")


async def test_an_unchanged_page_is_not_fetched_again_by_etag_or_by_date(site, session):
    first = await fetch(session, site.url("/conditional"), policy=OPEN, accept="html")
    assert (first.etag, first.last_modified, first.body) == (ETAG, LAST_MODIFIED, NEWS)
    by_etag = await fetch(session, site.url("/conditional"), policy=OPEN, accept="html", etag=first.etag)
    by_date = await fetch(session, site.url("/conditional"), policy=OPEN, accept="html",
                          last_modified=first.last_modified)
    for again in (by_etag, by_date):
        assert again.not_modified and again.status == 304 and again.body == b"" and again.etag == ETAG
    assert site.requests[1].headers["If-None-Match"] == ETAG
    assert site.requests[2].headers["If-Modified-Since"] == LAST_MODIFIED


async def test_nothing_listening_is_a_connection_failure(session):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=f"could not connect to 127.0.0.1 port {port}"):
        await fetch(session, f"http://127.0.0.1:{port}/", policy=OPEN, accept="html")


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://courier.example/news", "only http and https"),
    ("file:///etc/passwd", "only http and https"),
    ("courier.example/news", "only http and https"),
    ("https://editor:secret@courier.example/news", "user name or password"),
    ("http://[::1", "not a valid link"),
])
async def test_a_link_that_is_not_plain_http_is_refused_before_any_request(site, session, url, reason):
    with pytest.raises(FetchError, match=reason):
        await fetch(session, url, policy=OPEN, accept="html")
    assert site.requests == []


async def test_a_session_without_the_guard_is_a_programming_error():
    async with aiohttp.ClientSession() as unguarded:
        with pytest.raises(TypeError, match="guarded_connector"):
            await fetch(unguarded, "https://courier.example/", policy=FetchPolicy(), accept="html")
