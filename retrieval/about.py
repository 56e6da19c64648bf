"""Questions about the articles themselves, answered from their metadata in the same quoted-with-source form.

Who wrote an article, when it was published, its link, what it is about, the next passage after a quoted
one; which articles mention something, what an author has written, what the collection holds. An article
is named by its subject or title ("the piece about cyber security") or by the answer a reply replies to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from itertools import islice
from typing import Protocol

from .models import Answer, Article, Hit
from .understand import FollowUp, Understood

# How many passages a "which articles mention X" question looks through for articles that hold X.
MENTIONS_DEPTH = 200


class Collection(Protocol):
    """What answering questions about articles needs of a library (`Library` is one)."""

    articles: Mapping[str, Article]

    def passage_hit(self, article_id: str, ordinal: int, question: str = "") -> Hit | None: ...

    def passage_answer(self, question: str, search: str, k: int) -> Answer: ...

    def covers(self, search: str, hit: Hit) -> bool: ...

    def names(self, subject: str, hit: Hit) -> bool: ...

    def written_by(self, words: str) -> list[Article]: ...

    def words(self, text: str) -> list[str]: ...


def answer_about(library: Collection, question: str, asked: Understood, k: int,
                 follow_up: FollowUp | None) -> Answer | None:
    """The answer to a question about articles, or None when it turns out to be a question for the passages
    (an author no article has: "What did Shakespeare write?")."""
    if asked.kind == "article":
        return _about_one(library, question, asked, follow_up)
    if asked.fact == "by_author":
        written = _by_author(library, question, asked, k)
        if written is None and asked.otherwise == "mentions":
            return _mentions(library, question, replace(asked, fact="mentions"), k)
        return written
    if asked.fact == "mentions":
        return _mentions(library, question, asked, k)
    return _catalogue(library, question, asked, k)


def _about_one(library: Collection, question: str, asked: Understood, follow_up: FollowUp | None) -> Answer:
    if asked.fact == "more" and follow_up is not None and follow_up.article_id in library.articles:
        return next_passage(library, question, follow_up)
    article, hit = _named_article(library, asked.subject, follow_up)
    if article is None:
        return _answer(question, asked, [], no_answer=True)
    if hit is None and follow_up is not None and follow_up.article_id == article.id and asked.fact != "about":
        # "who wrote it?" under an answer: quote the passage replied to, so "go on" goes on from there.
        hit = library.passage_hit(article.id, follow_up.passage)
    if hit is None or asked.fact == "about":
        hit = library.passage_hit(article.id, 0)
    if hit is not None and asked.fact == "about" and article.standfirst:
        # The standfirst says what the article is about; it opens the first passage.
        hit = hit.model_copy(update={"highlight": [(0, min(len(article.standfirst), len(hit.passage.text)))]})
    return _answer(question, asked, [hit] if hit else [], article=article)


def next_passage(library: Collection, question: str, follow_up: FollowUp) -> Answer:
    """The passage after the one replied to ("go on"); none, with the article named, past its last."""
    article = library.articles[follow_up.article_id]
    hit = library.passage_hit(article.id, follow_up.passage + 1)
    return _answer(question, Understood("article", "more", ""), [hit] if hit else [], article=article,
                   no_answer=hit is None)


def _named_article(library: Collection, subject: str, follow_up: FollowUp | None) -> tuple[Article | None, Hit | None]:
    """The article a question names, and the passage that names it best (None when named by a reply)."""
    if not subject:
        if follow_up is not None and follow_up.article_id in library.articles:
            return library.articles[follow_up.article_id], None
        if len(library.articles) == 1:
            return next(iter(library.articles.values())), None
        return None, None
    # "when did Nesrine Malik write the Sudan piece?": an author named with the subject narrows it to their articles.
    written = library.written_by(subject)
    among = {article.id for article in written}
    if written:
        author_words = {w for article in written for author in article.authors for w in library.words(author)}
        rest = " ".join(w for w in library.words(subject) if w not in author_words)
        if not rest:
            return (written[0], None) if len(written) == 1 else (None, None)
        subject = rest
    found = library.passage_answer(subject, subject, 10)
    hits = [h for h in found.hits if not among or h.article.id in among]
    # A title holding every word of the subject names the article better than a passage mentioning it.
    words = set(library.words(subject))
    titled = next((h for h in hits if words <= set(library.words(h.article.title))), None)
    best = titled or next((h for h in hits if library.names(subject, h)), None)
    if best is None and len(written) == 1:
        return written[0], None
    return (best.article, best) if best is not None else (None, None)


def _by_author(library: Collection, question: str, asked: Understood, k: int) -> Answer | None:
    written = library.written_by(asked.subject)
    if not written:
        return None
    hits = [h for h in (library.passage_hit(a.id, 0) for a in written[:k]) if h is not None]
    return _answer(question, asked, hits, total=len(written))


def _mentions(library: Collection, question: str, asked: Understood, k: int) -> Answer:
    found = library.passage_answer(asked.subject, asked.subject, MENTIONS_DEPTH)
    best: dict[str, Hit] = {}
    # Only when the best passage would be quoted (or names the subject): judged hit by hit, a subject no
    # article holds would get as many chances as there are hits (chat-wrapped off-topic questions, "any
    # articles about <a claim>", were listed 4 times as often as they were quoted).
    listed = bool(found.hits) and (not found.no_answer or library.names(asked.subject, found.hits[0]))
    for hit in found.hits if listed else []:
        # The index look-up first: the model's judgement costs a scoring of the passage each.
        if hit.article.id not in best and (library.names(asked.subject, hit) or library.covers(asked.subject, hit)):
            best[hit.article.id] = hit
    hits = list(best.values())
    return _answer(question, asked, hits[:k], total=len(hits), no_answer=not hits,
                   nothing_to_search=found.nothing_to_search)


def _catalogue(library: Collection, question: str, asked: Understood, k: int) -> Answer:
    # Only the first k: a saved library parses an article when it is looked at (0.7 s for all of 100,000 passages').
    articles = list(islice(library.articles.values(), k))
    hits = [h for h in (library.passage_hit(a.id, 0) for a in articles) if h is not None]
    return _answer(question, asked, hits, total=len(library.articles), no_answer=not hits)


def _answer(question: str, asked: Understood, hits: list[Hit], *, article: Article | None = None, total: int = 0,
            no_answer: bool = False, nothing_to_search: bool = False) -> Answer:
    return Answer(question=question, hits=hits, no_answer=no_answer, coverage=0.0 if no_answer else 1.0,
                  nothing_to_search=nothing_to_search, kind=asked.kind, fact=asked.fact, subject=asked.subject,
                  article=article or (hits[0].article if asked.kind == "article" and hits else None), total=total)
