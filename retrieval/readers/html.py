"""Reader for saved web pages (.html, .htm): the article in the page, as a fetched page gives it."""

from __future__ import annotations

from ..web.extract import extract_article
from .shape import Draft


def read_html(text: str, fallback_title: str) -> list[Draft]:
    return [extract_article(text, url=None, fallback_title=fallback_title)]
