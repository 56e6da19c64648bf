"""The public entry point: load a content folder, report what was read, answer questions."""

from __future__ import annotations

import functools
import time
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import numpy as np

from .about import answer_about, next_passage
from .acronyms import asked_acronym
from .analyzer import Analyzer
from .bm25 import BM25Index, Vocabulary
from .context import context_terms, ranking_scores, ranking_weights
from .highlight import best_sentences
from .ingest import ContentError, Progress
from .models import Answer, Article, Hit, LoadReport, Passage
from .no_answer import coverage, term_weights
from .no_answer import score as answerable_score
from .parallel_load import build_collection
from .passages import indexed_text, split_passages
from .progress import LoadProgress, PassageProgress, counted
from .question import Question
from .rerank import rerank
from .stored_views import authors_of_each
from .settings import RetrievalSettings
from .sentence_index import SentenceIndex
from .spelling import english, spelled
from .store import IndexCache, StoredLibrary, index_settings
from .understand import FollowUp, understand


# A reply leaning on an answer is searched in its article, unless the best passage anywhere holds this much
# more of the question's weight (coverage) than the article's best.
_NEW_QUESTION_MARGIN = 0.1


class Library:
    """Articles, their passages, and the BM25 index over them. Immutable once loaded."""

    # The ids of the articles `load` read from its `added` folder (those a moderator added), not the operator's.
    added_ids: frozenset[str] = frozenset()

    def __init__(
        self,
        articles: list[Article],
        settings: RetrievalSettings | None = None,
        report: LoadReport | None = None,
        *,
        progress: PassageProgress | None = None,
    ) -> None:
        """Split `articles` into passages and index them (`Library.build`; a saved index: `Library.from_saved`).

        `progress` hears (passages indexed, total) while indexing.
        """
        self._adopt_articles(settings or RetrievalSettings(), {a.id: a for a in articles})
        passages: list[Passage] = []
        counts: dict[str, int] = {}
        for article in articles:
            found = split_passages(article, self.settings.passages)
            passages.extend(found)
            counts[article.id] = len(found)
        vocabulary = Vocabulary()
        term_ids = self.analyzer.numbering(vocabulary)
        index = BM25Index.build(
            counted((term_ids(self.indexed_text(p)) for p in passages), len(passages), progress),
            self.settings.bm25, vocabulary=vocabulary,
        )
        sentences = SentenceIndex.build(passages, self.articles, self.analyzer, index.vocabulary, self.indexed_text)
        self._adopt_passages(passages, counts, index, sentences, report)

    @classmethod
    def build(cls, articles: list[Article], settings: RetrievalSettings | None = None, *,
              progress: PassageProgress | None = None) -> Library:
        """Split `articles` into passages and index them; `progress` hears (passages indexed, total)."""
        return cls(articles, settings, progress=progress)

    @classmethod
    def from_saved(cls, stored: StoredLibrary, settings: RetrievalSettings, report: LoadReport) -> Library:
        """A library as saved: its articles and passages are read from the mapped files when looked at."""
        library = cls.__new__(cls)
        library._adopt_articles(settings, stored.articles)
        library._adopt_passages(stored.passages, stored.passage_counts, stored.index, stored.sentences, report)
        return library

    def _adopt_articles(self, settings: RetrievalSettings, articles: Mapping[str, Article]) -> None:
        self.settings = settings
        self.analyzer = Analyzer(settings.analyzer)
        self.articles = articles
        # An article's text is joined from its paragraphs on every access: keep the recent few, since
        # its passages are indexed one after another and re-ranking looks at a few articles at a time.
        # The cache holds the articles, not the library: a cycle back to it would keep a replaced
        # library alive past the bot's gc.freeze(), i.e. forever.
        self._article_text = functools.lru_cache(maxsize=128)(lambda article_id: articles[article_id].text)

    def _adopt_passages(self, passages: Sequence[Passage], counts: Mapping[str, int], index: BM25Index,
                        sentences: SentenceIndex, report: LoadReport | None) -> None:
        self.passages = passages
        self._passage_counts = counts
        self.index = index
        self.sentence_index = sentences
        # Passages are stored article after article: an article's first passage is the count before it.
        self._first_passage: dict[str, int] = {}
        first = 0
        for article_id in self.articles:
            self._first_passage[article_id] = first
            first += self.passage_count(article_id)
        self.report = report or LoadReport(root="", articles=len(self.articles), passages=len(self.passages))

    def indexed_text(self, passage: Passage) -> str:
        """The text a passage is indexed by (see `passages.indexed_text`)."""
        return indexed_text(self.articles[passage.article_id], self._article_text(passage.article_id), passage,
                            self.settings.passages.max_chars)

    @classmethod
    def load(
        cls, path: str | Path, settings: RetrievalSettings | None = None, progress: Progress | None = None,
        *, index_dir: str | Path | None = None, added: str | Path | None = None, hidden: Collection[str] = (),
        workers: int | None = None,
    ) -> Library:
        """Read a folder or a single file in any supported format.

        Bad files are skipped and listed in `report.skipped`; raises `ContentError` only when
        the path itself cannot be read. `progress` is called per file, and while indexing its
        `passages` method if it is a `LoadProgress` (as `TerminalProgress` is).

        `added` is a folder of articles added besides the operator's (`managed.ManagedArticles.folder`;
        missing is empty): they are read after `path`, their ids are in `added_ids`, and their sources are
        relative to its parent ("articles/x.md"). The operator's articles whose ids are in `hidden` are left out.

        With `index_dir`, the built index is saved there, and a later load of unchanged content
        (both folders, the same hidden ids) with the same settings reuses it (`report.from_cache`)
        instead of rebuilding. A large collection of several files is read and analyzed by one worker process
        per core, a small one in this process (`parallel_load`); `workers` sets how many (1: none).
        """
        started = time.perf_counter()
        english()  # typos are read against it: loaded with the library, not on a question
        path = Path(path)
        added = Path(added) if added is not None else None
        settings = settings or RetrievalSettings()
        cache = None
        if index_dir is not None:
            cache = IndexCache(Path(index_dir), path, index_settings(settings), added=added, hidden=hidden)
            stored = cache.load()
            if stored is not None:
                report = stored.report.model_copy(update={
                    "root": str(path), "from_cache": True, "seconds": time.perf_counter() - started})
                library = cls.from_saved(stored, settings, report)
                library.added_ids = stored.added_ids
                return library
        indexing = progress.passages if isinstance(progress, LoadProgress) else None
        built = build_collection(path, settings, progress, added=added, hidden=hidden, workers=workers,
                                 indexing=indexing)
        library = cls.from_saved(built, settings, built.report)
        library.added_ids = built.added_ids
        if cache is not None:
            cache.save(built.articles, built.passages, built.index, built.sentences, built.report, built.added_ids)
        library.report = built.report.model_copy(update={"seconds": time.perf_counter() - started})
        return library

    def is_added(self, article_id: str) -> bool:
        """Whether the article was added from the data folder (rather than read from the operator's content)."""
        return article_id in self.added_ids

    def passage_count(self, article_id: str) -> int:
        return self._passage_counts.get(article_id, 0)

    def answer(self, question: str, k: int = 5, follow_up: FollowUp | None = None) -> Answer:
        """What a chat message asks for, answered: ranked hits, and whether the best one is good enough to quote.

        `understand` strips the chat around a question and tells a question for the passages from one about
        the articles (`Answer.kind`, `about.py`) and from small talk. `follow_up` is the answer the message
        replies to: "who wrote it?" and "go on" are about its article, and a reply that leans on it ("and
        what did they sign before that?") is searched in that article first.

        For the passages, BM25 finds the candidates, and each hit keeps its exact rank-bm25 score; the best
        `settings.rerank.depth` of them are then re-ordered as `rerank.py` explains.
        """
        asked = understand(question, follow_up)
        if asked.kind == "small_talk":
            return Answer(question=question, hits=[], no_answer=False, coverage=0.0, kind="small_talk",
                          fact=asked.fact)
        if asked.kind != "passage":
            about = answer_about(self, question, asked, k, follow_up)
            if about is not None and not _lacks_fact(about) and not _no_such_article(about):
                return about
            if about is not None:
                # "When was Thoreau's essay published?" of an article that gives no date, or "Who published the
                # State of the Planet report?" where no article is that report: its passages may say.
                found = self.passage_answer(question, asked.search, k)
                return about if found.no_answer else found
        if asked.leans and follow_up is not None and follow_up.article_id in self.articles:
            if not self.analyzer(asked.search):
                # "and what did they do after that?": nothing to search but the story so far, so it goes on.
                return next_passage(self, question, follow_up)
            within = self._follow_up_answer(question, asked.search, k, follow_up)
            anywhere = self.passage_answer(question, asked.search, k)
            # "And how long was Bashir in power?" under an answer about Russia names what the article lacks:
            # a passage elsewhere that holds clearly more of the question makes it a new question.
            if within.hits and anywhere.coverage <= within.coverage + _NEW_QUESTION_MARGIN:
                return within
            return anywhere
        return self.passage_answer(question, asked.search, k)

    def passage_answer(self, question: str, search: str, k: int) -> Answer:
        """The passages that answer `search` (the question without its chat, its typos read through), best first."""
        search = self.spelled(search)
        terms = self.analyzer(search)
        # Every passage sharing a term with the question, even at a score <= 0: in a collection of one or
        # two passages rank-bm25 floors every idf below zero, and those passages are still the answer.
        ids, scores = (a.tolist() for a in self.index.top_k(terms, max(k, self.settings.rerank.depth)))
        query = Question(terms, self._weights(terms), asked_acronym(search))
        context = context_terms(self.analyzer, search) if self.settings.rerank.depth and ids else set()
        if context:
            # The context around the question counts for less in ranking (`context.py`); the order is by that
            # count from here on, and each hit keeps its exact score.
            share = self.settings.rerank.context
            query = Question(terms, ranking_weights(query.weights, context, share), query.acronym)
            keys = ranking_scores(self.index, terms, context, share, ids, scores)
            by_key = np.argsort(-keys, kind="stable").tolist()
            ids, scores, keys = [ids[n] for n in by_key], [scores[n] for n in by_key], keys[by_key].tolist()
        else:
            keys = scores
        order = rerank(self, self.settings.rerank, query, ids, keys)[:k]
        return self._answer(question, search, [ids[n] for n in order], [scores[n] for n in order])

    def spelled(self, text: str) -> str:
        """`text` with its typos read through (`spelling.spelled`): what a question's passages are searched by."""
        return spelled(text, self.analyzer, self.index)

    def _follow_up_answer(self, question: str, search: str, k: int, follow_up: FollowUp) -> Answer:
        """A reply that leans on an answer ("and what did they sign before that?"), searched in its article.

        Its few words are read with the passage replied to, which holds what "they" and "that" stand for:
        among the article's passages holding a word of the question, the best is the one with a sentence
        where the question's words meet most of the replied passage's words (each weighing its idf; the
        question's count double), then by rank-bm25 score.
        """
        terms = self.analyzer(search)
        first = self._first_passage[follow_up.article_id]
        ids = range(first, first + self.passage_count(follow_up.article_id))
        vocabulary = self.index.vocabulary
        known = [vocabulary[t] for t in dict.fromkeys(terms) if t in vocabulary]
        held = [i for i in ids if any(self.index.contains(t, i) for t in known)]
        if not held:
            return self._answer(question, search, [], [])
        scores = self.index.scores_of(terms, held)
        replied = self.passages[first + follow_up.passage] if 0 <= follow_up.passage < len(ids) else None
        weights = self._weights(terms)
        context = self._weights(self.analyzer(replied.text)) if replied else {}
        weights = {t: 2 * w for t, w in weights.items()} | {t: w for t, w in context.items() if t not in weights}

        def best_sentence(passage: int) -> float:
            sentences = self.sentence_index.sentences(passage).terms
            return max((sum(weights.get(t, 0.0) for t in set(s)) for s in sentences if set(s) & set(terms)),
                       default=0.0)

        order = sorted(range(len(held)), key=lambda n: (-best_sentence(held[n]), -scores[n]))[:k]
        return self._answer(question, search, [held[n] for n in order], scores[order].tolist())

    def _answer(self, question: str, search: str, ids: list[int], scores: list[float]) -> Answer:
        """The answer quoting passages `ids` (rank-bm25 `scores`) for the searched text `search`."""
        terms = self.analyzer(search)
        query = Question(terms, self._weights(terms))
        hits = [self._hit(i, score, query) for i, score in zip(ids, scores)]
        coverage = self._coverage(terms, ids[0]) if hits else 0.0
        # The no-answer model (no_answer.py) judges the best hit; min_coverage is its threshold.
        answerable = answerable_score(self, search, ids[0], scores[0]) if hits else 0.0
        return Answer(question=question, hits=hits, no_answer=answerable < self.settings.min_coverage or not hits,
                      coverage=coverage, answerable=answerable, nothing_to_search=not terms)

    def passage_hit(self, article_id: str, ordinal: int, question: str = "") -> Hit | None:
        """Passage `ordinal` (0-based) of an article as a hit scored for `question`; None past its last."""
        if article_id not in self._first_passage or not 0 <= ordinal < self.passage_count(article_id):
            return None
        terms = self.analyzer(question)
        passage = self._first_passage[article_id] + ordinal
        score = float(self.index.scores_of(terms, [passage])[0]) if terms else 0.0
        return self._hit(passage, score, Question(terms, self._weights(terms)))

    def position(self, hit: Hit) -> int:
        """Where `hit`'s passage is in `passages` (and the index)."""
        return self._first_passage[hit.article.id] + hit.passage.ordinal

    def covers(self, search: str, hit: Hit) -> bool:
        """Whether `hit` would be quoted for `search` as its best hit (the no-answer model's decision)."""
        terms = self.analyzer(search)
        passage = self.position(hit)
        if not terms:
            return False
        score = float(self.index.scores_of(terms, [passage])[0])
        return answerable_score(self, search, passage, score) >= self.settings.min_coverage

    def written_by(self, words: str) -> list[Article]:
        """Articles, in the collection's order, by an author every word of whose name is among `words` ("articles
        by Elena Chernenko", "what else has Elena Chernenko written lately"), else by one whose surname is all of
        `words` ("Chernenko's articles")."""
        named = set(self.words(words))
        by_word, order = self._authors_index
        found = {article_id for w in named for article_id in by_word.get(w, ())}
        articles = [self.articles[a] for a in sorted(found, key=order.__getitem__)]
        by_name = [a for a in articles if any(set(self.words(author)) <= named for author in a.authors)]
        return by_name or [a for a in articles
                           if len(named) == 1 and any(self.words(author)[-1:] == list(named) for author in a.authors)]

    @functools.cached_property
    def _authors_index(self) -> tuple[dict[str, list[str]], dict[str, int]]:
        """Each word of an author's name -> the ids of the articles by that author, and each article's place:
        built on the first question about an author, from a saved library's lines without parsing its articles."""
        by_word: dict[str, list[str]] = {}
        for article_id, authors in authors_of_each(self.articles):
            for word in {w for author in authors for w in self.words(author)}:
                by_word.setdefault(word, []).append(article_id)
        return by_word, {article_id: n for n, article_id in enumerate(self.articles)}

    def names(self, subject: str, hit: Hit) -> bool:
        """Whether `hit` holds the rarest word of `subject` that the collection knows, when it knows most of its
        words: how an article is named by a few words of its subject ("the Kommersant piece", "the Sudan one
        from last week"), where the no-answer model would judge so short a question too weak. A longer subject
        ("any articles about <a whole claim>") is left to the model (`covers`)."""
        terms = list(dict.fromkeys(self.analyzer(subject)))
        vocabulary = self.index.vocabulary
        known = [vocabulary[t] for t in terms if t in vocabulary]
        if not known or 2 * len(known) < len(terms) or len(terms) > NAMING_TERMS:
            return False
        rarest = max(known, key=self.index.match_weight)
        return self.index.contains(rarest, self.position(hit))

    def words(self, text: str) -> list[str]:
        """`text`'s words, normalized as the index sees them but not stemmed (names, titles)."""
        return self.analyzer.words(text)

    def search(self, question: str, k: int = 5) -> list[Hit]:
        """The best passages for a question, best first; [] when nothing answers it."""
        answer = self.answer(question, k)
        return [] if answer.no_answer else answer.hits

    def _weights(self, terms: list[str]) -> dict[str, float]:
        return term_weights(self.index, terms)

    def _coverage(self, terms: list[str], passage: int) -> float:
        return coverage(self.index, terms, passage)

    def _hit(self, passage_id: int, score: float, question: Question) -> Hit:
        passage = self.passages[passage_id]
        return Hit(
            score=score,
            passage=passage,
            article=self.articles[passage.article_id],
            passage_count=self.passage_count(passage.article_id),
            highlight=best_sentences(question, self.sentence_index.sentences(passage_id)),
        )

    def find_articles(self, text: str, limit: int = 25) -> list[Article]:
        """Articles whose title contains every word typed so far (for autocomplete), title order."""
        words = self.analyzer.words(text)
        found = []
        for article in self.articles.values():
            title_words = " ".join(self.analyzer.words(article.title))
            if all(w in title_words for w in words):
                found.append(article)
                if len(found) >= limit:
                    break
        return found


# The most terms a subject that names an article by its rarest word may have (`Library.names`).
NAMING_TERMS = 3


def _no_such_article(answer: Answer) -> bool:
    """An answer about one article, named by its subject, that no article is."""
    return answer.kind == "article" and answer.article is None and bool(answer.subject)


def _lacks_fact(answer: Answer) -> bool:
    """An article named by its subject that lacks the authors or the date asked for."""
    article = answer.article
    if article is None or not answer.subject:
        return False
    return (answer.fact == "authors" and not article.authors) or (answer.fact == "date" and not article.date)


__all__ = ["ContentError", "Library", "RetrievalSettings"]
