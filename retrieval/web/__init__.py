"""Pages and feeds from the web: fetching within limits (`fetch`), the address guard against request
forgery (`guard`), article extraction (`extract`) and feed parsing (`feeds`). No Discord here."""

from .extract import PageDraft, extract_article
from .feeds import Feed, FeedEntry, FeedError, new_entries, parse_feed
from .fetch import FetchError, Fetched, FetchPolicy, fetch, guarded_connector

__all__ = [
    "Feed", "FeedEntry", "FeedError", "FetchError", "FetchPolicy", "Fetched", "PageDraft", "extract_article",
    "fetch", "guarded_connector", "new_entries", "parse_feed",
]
