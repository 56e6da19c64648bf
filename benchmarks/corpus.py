"""A realistic benchmark collection: real passages, grown to any size, tokenized once with our Analyzer.

Real text comes from the shared evaluation sets (news, speeches, abstracts), split with our own
passage splitter. Past the real passage count, new passages join the opening sentences of one
real passage to the closing sentences of another, chosen with a seeded generator: every passage
is distinct, lengths and word frequencies stay those of real text, and no sentence is tokenized
twice. Queries are real questions from the same sets, a few single words of chosen frequency,
and some with a word no passage contains.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

from retrieval.analyzer import Analyzer
from retrieval.passages import split_passages
from retrieval.models import Article
from retrieval.readers import SkipFile, read_file
from retrieval.sentences import sentence_spans

Tokens = list[list[str]]
# A passage as its token segments: title and subheading first, then one segment per sentence.
Segments = list[list[str]]

_UNKNOWN_WORDS = ("qzxvyl", "blorptangle", "vexmirquan", "zumbrelk")


@dataclass
class Collection:
    passages: Tokens
    queries: Tokens
    source: str  # what the text is, for the report


def shared_articles(data: Path) -> Iterator[tuple[str, list[Article]]]:
    """Each shared set's articles in turn, with the set's name, read as the bot reads them."""
    for file in sorted(data.glob("*/corpus.jsonl.gz")) + sorted(data.glob("sotu/*.jsonl.gz")):
        try:
            articles = read_file(file, file.name, [])
        except SkipFile:
            continue
        yield file.parent.name, articles


def _real_passages(data: Path, analyzer: Analyzer, enough: int) -> list[Segments]:
    """Passages of every set in turn, until there are `enough` of them (all, for large sizes)."""
    found: list[Segments] = []
    for _, articles in shared_articles(data):
        if len(found) >= enough:
            break
        for article in articles:
            for passage in split_passages(article):
                head = analyzer(" ".join(filter(None, (article.title, passage.heading))))
                sentences = [analyzer(passage.text[a:b]) for a, b in sentence_spans(passage.text)]
                found.append([head, *filter(None, sentences)])
    return found


def _real_queries(data: Path, analyzer: Analyzer, rng: np.random.Generator, per_set: int) -> Tokens:
    queries: Tokens = []
    for file in sorted(data.glob("*/queries.jsonl")):
        texts = [json.loads(line)["text"] for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
        for i in rng.permutation(len(texts))[:per_set]:
            if tokens := analyzer(texts[i]):
                queries.append(tokens)
    return queries


def _synthetic_passages(rng: np.random.Generator, count: int) -> list[Segments]:
    """Stand-in text when the shared data is absent: Zipf-distributed made-up words."""
    syllables = ["ka", "lo", "mi", "ren", "to", "sa", "vu", "pe", "dri", "on", "ul", "bes"]
    words = sorted({"".join(rng.choice(syllables, size=rng.integers(2, 4))) for _ in range(3000)})
    weights = 1.0 / np.arange(1, len(words) + 1)
    weights /= weights.sum()

    def sentence() -> list[str]:
        return list(rng.choice(words, size=rng.integers(6, 18), p=weights))

    return [[sentence()[:3], *(sentence() for _ in range(rng.integers(1, 6)))] for _ in range(count)]


def _grow(real: list[Segments], size: int, rng: np.random.Generator) -> Tokens:
    """`size` passages: a seeded sample of the real ones, then distinct recombinations of them."""
    flat = [list(chain.from_iterable(p)) for p in real]
    if size <= len(flat):
        return [flat[i] for i in np.sort(rng.permutation(len(flat))[:size])]
    passages = flat
    seen: set[tuple[int, int, int, int]] = set()
    while len(passages) < size:
        batch = size - len(passages)
        firsts, seconds = rng.integers(0, len(real), batch), rng.integers(0, len(real), batch)
        cuts, resumes = rng.random(batch), rng.random(batch)
        for a, b, cut, resume in zip(firsts.tolist(), seconds.tolist(), cuts.tolist(), resumes.tolist()):
            first, second = real[a], real[b]
            # Keep the first passage's title and at least one of its sentences, and at least one of the second's.
            i = 2 + int(cut * (len(first) - 1)) if len(first) > 1 else 1
            j = 1 + int(resume * (len(second) - 1)) if len(second) > 1 else 1
            key = (a, i, b, j)
            if a == b or key in seen:
                continue
            seen.add(key)
            passages.append(list(chain.from_iterable(first[:i] + second[j:])))
    return passages


def _frequency_queries(passages: Tokens, rng: np.random.Generator, count: int) -> Tokens:
    """Short queries of one to three words drawn from the common, middling and rare vocabulary."""
    counts = Counter(chain.from_iterable(passages[: 20_000]))
    ranked = [w for w, _ in counts.most_common()]
    bands = [ranked[:50], ranked[50:2000], ranked[2000:]] if len(ranked) > 2000 else [ranked]
    queries: Tokens = []
    for n in range(count):
        band = bands[n % len(bands)]
        queries.append([band[i] for i in rng.integers(0, len(band), 1 + n % 3)])
    return queries


def build(size: int, query_count: int, data: Path | None, seed: int = 0) -> Collection:
    """`size` tokenized passages and `query_count` tokenized queries, the same for every engine."""
    rng = np.random.default_rng(seed)
    analyzer = Analyzer()
    real = _real_passages(data, analyzer, size) if data is not None and data.is_dir() else []
    source = "shared evaluation sets" if real else "synthetic words (shared data absent)"
    if not real:
        real = _synthetic_passages(rng, 3000)
    passages = _grow(real, size, rng)

    frequency_count = max(1, query_count // 10)
    unknown_count = max(1, query_count // 10)
    questions = _real_queries(data, analyzer, rng, per_set=query_count) if source.startswith("shared") else []
    questions = [questions[i] for i in rng.permutation(len(questions))]
    questions = questions[: query_count - frequency_count - unknown_count]
    questions += _frequency_queries(passages, rng, query_count - len(questions) - unknown_count)
    for n in range(unknown_count):
        base = questions[int(rng.integers(0, len(questions)))]
        questions.append([*base, _UNKNOWN_WORDS[n % len(_UNKNOWN_WORDS)]])
    return Collection(passages=passages, queries=questions[:query_count], source=source)
