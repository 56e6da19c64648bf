"""Real text for the benchmarks, grown to any size: here as a tokenized collection for the speed benchmark.

Real text comes from the shared evaluation sets (news, speeches, abstracts), split with our own
passage splitter. Past the real passage count, new passages join the opening sentences of one
real passage to the closing sentences of another (`recombined`, which the content folders of the
load and store benchmarks are grown with too), chosen with a seeded generator: every passage is
distinct, lengths and word frequencies stay those of real text, and no sentence is tokenized
twice. Queries are real questions from the same sets, a few single words of chosen frequency,
and some with a word no passage contains.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TypeVar

import numpy as np

from retrieval.analyzer import Analyzer
from retrieval.models import Article
from retrieval.passages import split_passages
from retrieval.readers import SkipFile, read_file
from retrieval.sentences import sentence_spans

Tokens = list[list[str]]
# A passage as its token segments: title and subheading first, then one segment per sentence.
Segments = list[list[str]]
Sentence = TypeVar("Sentence")

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


def sentences(text: str) -> list[str]:
    """A passage's sentences, white space folded (a passage may span paragraphs)."""
    return [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]


def recombined(passages: Sequence[Sequence[Sentence]], rng: np.random.Generator,
               count: int) -> Iterator[tuple[int, list[Sentence]]]:
    """Up to `count` new passages, each the opening sentences of one of `passages` followed by the closing
    sentences of another (at least one of each, where it has any): `(index of the first, sentences)`.

    Seeded by `rng`; never a passage with itself, never the same two cuts twice. Stops early only when a
    whole round of draws finds nothing new (too few passages for `count`)."""
    seen: set[tuple[int, int, int, int]] = set()
    made = 0
    while made < count:
        batch = count - made
        firsts, seconds = rng.integers(0, len(passages), batch), rng.integers(0, len(passages), batch)
        cuts, resumes = rng.random(batch), rng.random(batch)
        before = made
        for a, b, cut, resume in zip(firsts.tolist(), seconds.tolist(), cuts.tolist(), resumes.tolist()):
            first, second = passages[a], passages[b]
            keep, skip = 1 + int(cut * len(first)), int(resume * len(second))
            if a == b or (a, keep, b, skip) in seen:
                continue
            seen.add((a, keep, b, skip))
            made += 1
            yield a, [*first[:keep], *second[skip:]]
        if made == before:
            return


def _real_passages(data: Path, analyzer: Analyzer, enough: int) -> list[Segments]:
    """Passages of every set in turn, until there are `enough` of them (all, for large sizes)."""
    found: list[Segments] = []
    for _, articles in shared_articles(data):
        if len(found) >= enough:
            break
        for article in articles:
            for passage in split_passages(article):
                head = analyzer(" ".join(filter(None, (article.title, passage.heading))))
                found.append([head, *filter(None, map(analyzer, sentences(passage.text)))])
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
    # The first passage's title and subheading lead; the sentences are recombined.
    grown = recombined([p[1:] for p in real], rng, size - len(flat))
    return flat + [list(chain.from_iterable([real[a][0], *joined])) for a, joined in grown]


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
