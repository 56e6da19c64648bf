"""Extracting a news article from a page: its metadata, and its text without the site around it."""

import asyncio

import pytest

from retrieval.readers import SkipFile, to_article
from retrieval.web import extract_article, fetch
from tests.retrieval.web.conftest import DATA, OPEN

NEWS = (DATA / "news.html").read_bytes()
CANONICAL = "https://courier.example/news/2024/harbour-bridge-reopens"
SITE_AROUND = ("Home", "Subscribe to the Courier", "Most read", "Council votes on parking fees", "Privacy policy",
               "All rights reserved", "By Maria Okafor")


def test_a_news_page_gives_its_headline_byline_date_site_and_canonical_url():
    page = extract_article(NEWS, url="https://courier.example/share?id=8812", fallback_title="news")
    assert page.title == "Harbour Bridge Reopens After Two Years of Repairs"
    assert page.authors == ["Maria Okafor", "Tom\u00e1s Reyes"]
    assert page.date == "2024-03-05"
    assert page.site == "The Coastal Courier"
    assert page.url == CANONICAL
    assert page.standfirst == ("The crossing closed in 2022 carries traffic again, with a new cycle lane and a "
                               "lower toll.")


def test_the_text_is_the_article_paragraphs_under_their_subheadings_and_nothing_of_the_site_around_it():
    page = extract_article(NEWS, url=None, fallback_title="news")
    texts = [p.text for p in page.paragraphs]
    assert texts[0].startswith("The Harbour Bridge reopened to traffic on Tuesday morning")
    assert texts[-1].endswith("free coffee to the first hundred cyclists.")
    assert len(texts) == 5
    assert [p.heading for p in page.paragraphs] == [None, None] + ["A cycle lane and a lower toll"] * 3
    for text in [*texts, page.title, page.standfirst]:
        assert not any(piece in text for piece in SITE_AROUND), text


def test_a_mention_in_the_page_is_kept_as_written_once():
    page = extract_article(NEWS, url=None, fallback_title="news")
    mentions = [p.text for p in page.paragraphs if "@everyone" in p.text]
    assert mentions == ["Local traders said the closure cost them customers. One caf\u00e9 owner wrote to @everyone "
                        "on the neighbourhood forum that she would offer free coffee to the first hundred cyclists."]


def test_a_page_of_links_and_menus_holds_no_article():
    with pytest.raises(SkipFile, match="no article text"):
        extract_article((DATA / "no_article.html").read_bytes(), url=None, fallback_title="latest")


@pytest.mark.parametrize("html", [b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"])
def test_nothing_or_an_image_holds_no_article(html):
    with pytest.raises(SkipFile, match="no article text"):
        extract_article(html, url=None, fallback_title="nothing")


def test_a_page_without_a_headline_is_named_by_the_fallback():
    html = ("<html><body><article><p>The ferry to the island runs twice a day in winter and every hour in summer, "
            "the harbour office said on Monday.</p></article></body></html>")
    page = extract_article(html, url=None, fallback_title="ferry-times")
    assert page.title == "ferry-times"
    assert [p.text for p in page.paragraphs] == ["The ferry to the island runs twice a day in winter and every hour "
                                                 "in summer, the harbour office said on Monday."]


async def test_a_fetched_page_is_extracted_off_the_event_loop_into_an_article(site, session):
    fetched = await fetch(session, site.url("/news"), policy=OPEN, accept="html")
    page = await asyncio.to_thread(extract_article, fetched.body, fetched.url, fetched.url)
    article = to_article(page, source=fetched.url, fallback_id="page")
    assert article.id == "harbour-bridge-reopens-after-two-years-of-repairs"
    assert (article.title, article.url, article.date) == (page.title, CANONICAL, "2024-03-05")
    assert article.units[0].text == page.standfirst and article.paragraphs == page.paragraphs
