"""A news article out of a web page, with trafilatura: its metadata, and its text without menus and footers.

Extraction parses the whole page: it is CPU work that takes tens of milliseconds on a large page, so
callers on an event loop run it in a thread (`await asyncio.to_thread(extract_article, html, url, title)`).
"""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura

from ..readers.errors import SkipFile
from ..readers.shape import Draft, ends_like_sentence


@dataclass
class PageDraft(Draft):
    """A `Draft` from a web page, with the name of the site it was published on (og:site_name), if given."""

    site: str | None = None


def _flat(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _add_body(draft: PageDraft, body) -> None:
    """trafilatura's body holds <head> (subheadings), <p>, <list> of <item>, <quote> and the like, in order."""
    heading: str | None = None
    for element in body:
        if element.tag == "head":
            text = _flat(element)
            heading = None if text == draft.title else text
        elif element.tag == "list":
            for item in element.iter("item"):
                draft.add_paragraph(_flat(item), heading)
        else:
            draft.add_paragraph(_flat(element), heading)


def _standfirst(description: str | None, draft: PageDraft) -> str:
    """The page's description is its standfirst, unless it only repeats the opening of the text."""
    description = " ".join((description or "").split())
    body = " ".join(p.text for p in draft.paragraphs)
    return "" if not description or description.rstrip(".\u2026") in body else description


def extract_article(html: bytes | str, url: str | None, fallback_title: str) -> PageDraft:
    """The article in `html` (fetched from `url`, if it was). Raises `SkipFile` when the page holds none.

    The title is the page's headline (og:title, the <title>, the <h1>), else `fallback_title`; `date`
    is an ISO date (YYYY-MM-DD); `url` is the page's canonical url when it names one.
    """
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                           include_tables=False)
    if document is None or document.body is None:
        raise SkipFile("the page has no article text that could be found")
    draft = PageDraft(
        title=" ".join((document.title or "").split()) or fallback_title,
        authors=[name.strip() for name in (document.author or "").split(";") if name.strip()],
        url=document.url or url,
        date=document.date,
        site=document.sitename,
    )
    _add_body(draft, document.body)
    # Menus, link lists and headings do not read as sentences; an article has at least one that does.
    if not any(ends_like_sentence(p.text) for p in draft.paragraphs):
        raise SkipFile("the page has no article text, only menus, links or headings")
    draft.standfirst = _standfirst(document.description, draft)
    return draft
