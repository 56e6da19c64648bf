"""The public entry point: load a content folder, report what was read, answer questions."""

from __future__ import annotations

import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .analyzer import Analyzer, AnalyzerSettings
from .bm25 import BM25Index, BM25Settings
from .highlight import best_sentences
from .ingest import ContentError, Progress, read_content
from .models import Answer, Article, Hit, LoadReport, Passage
from .passages import PassageSettings, split_passages


class RetrievalSettings(BaseModel):
    """Everything that decides what is indexed and how questions are scored."""

    model_config = ConfigDict(frozen=True)

    analyzer: AnalyzerSettings = AnalyzerSettings()
    passages: PassageSettings = PassageSettings()
    bm25: BM25Settings = BM25Settings()
    min_coverage: float = Field(
        0.5, ge=0, le=1,
        description="Below this share of the question's term weight matched by the best passage, "
                    "the answer is 'no answer'.",
    )


class Library:
    """Articles, their passages, and the BM25 index over them. Immutable once loaded."""

    def __init__(
        self,
        articles: list[Article],
        settings: RetrievalSettings | None = None,
        report: LoadReport | None = None,
    ) -> None:
        self.settings = settings or RetrievalSettings()
        self.analyzer = Analyzer(self.settings.analyzer)
        self.articles: dict[str, Article] = {a.id: a for a in articles}
        self.passages: list[Passage] = []
        self._passage_counts: dict[str, int] = {}
        for article in articles:
            found = split_passages(article, self.settings.passages)
            self.passages.extend(found)
            self._passage_counts[article.id] = len(found)
        self.index = BM25Index.build(
            (self._passage_terms(p) for p in self.passages), self.settings.bm25
        )
        self.report = report or LoadReport(root="", articles=len(articles), passages=len(self.passages))

    def _passage_terms(self, passage: Passage) -> list[str]:
        # A passage is found by its article's title and its subheading as well as by its own words.
        article = self.articles[passage.article_id]
        return self.analyzer(" ".join(filter(None, (article.title, passage.heading, passage.text))))

    @classmethod
    def load(
        cls, path: str | Path, settings: RetrievalSettings | None = None, progress: Progress | None = None
    ) -> Library:
        """Read a folder or a single file in any supported format.

        Bad files are skipped and listed in `report.skipped`; raises `ContentError` only when
        the path itself cannot be read.
        """
        started = time.perf_counter()
        path = Path(path)
        articles, skipped, files = read_content(path, progress)
        library = cls(articles, settings)
        library.report = LoadReport(
            root=str(path), files=files, articles=len(library.articles), passages=len(library.passages),
            skipped=skipped, seconds=time.perf_counter() - started,
        )
        return library

    def passage_count(self, article_id: str) -> int:
        return self._passage_counts.get(article_id, 0)

    def answer(self, question: str, k: int = 5) -> Answer:
        """Ranked hits for a question, and whether the best one is good enough to quote."""
        terms = self.analyzer(question)
        ids, scores = self.index.top_k(terms, k)
        hits = [self._hit(int(i), float(s), terms) for i, s in zip(ids, scores) if s > 0]
        coverage = self._coverage(terms, int(ids[0])) if hits else 0.0
        no_answer = not hits or coverage < self.settings.min_coverage
        return Answer(question=question, hits=hits, no_answer=no_answer, coverage=coverage)

    def search(self, question: str, k: int = 5) -> list[Hit]:
        """The best passages for a question, best first; [] when nothing answers it."""
        answer = self.answer(question, k)
        return [] if answer.no_answer else answer.hits

    def _weights(self, terms: list[str]) -> dict[str, float]:
        vocabulary = self.index.vocabulary
        return {t: self.index.match_weight(vocabulary.get(t)) for t in dict.fromkeys(terms)}

    def _coverage(self, terms: list[str], passage: int) -> float:
        weights = self._weights(terms)
        total = sum(weights.values())
        vocabulary = self.index.vocabulary
        matched = sum(w for t, w in weights.items() if t in vocabulary and self.index.contains(vocabulary[t], passage))
        return matched / total if total else 0.0

    def _hit(self, passage_id: int, score: float, terms: list[str]) -> Hit:
        passage = self.passages[passage_id]
        return Hit(
            score=score,
            passage=passage,
            article=self.articles[passage.article_id],
            passage_count=self.passage_count(passage.article_id),
            highlight=best_sentences(passage.text, self._weights(terms), self.analyzer),
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


__all__ = ["ContentError", "Library", "RetrievalSettings"]
