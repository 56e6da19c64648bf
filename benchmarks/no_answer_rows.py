"""Feature rows for the no-answer model (`collect`): what `benchmarks.no_answer_fit` fits and evaluates on.

Each row is one question asked of one library, with the features of `retrieval.no_answer.features` for its
best hit (found exactly as `Library.passage_answer` finds it) and a label: 1 when the library holds the
answer (the question's own collection), 0 when the question is off-topic for it. The libraries, so that one
model holds from one article to thousands of passages:

- SQuAD's 2,067 paragraphs: SQuAD's questions (positive), the seven other sets' questions (negative),
  each asked plain, chat-wrapped (`benchmarks.chat`), as keywords, and, for fitting only, with an aside
  (`with_aside`: words no stripping rule knows, as in chat phrasings nobody tuned on); and questions about
  a name a paragraph mentions (`about_a_name`: "What is Nexus?", positive, reported only);
- SciFact's corpus: its claims (positive); SQuAD questions and the engineering and library-science sets'
  questions (Cranfield, CISI, NPL, ADI: negative). NFCorpus's and MED's are medical, often answerable
  by SciFact's abstracts, so they are left out there;
- each SQuAD article alone: its own questions (positive), another article's (negative);
- eight SQuAD articles together: their questions (positive), other articles' (negative).

Tuning rows come from even-numbered SQuAD articles, SciFact's train claims and the first, third, ...
question of each other set; held-out rows from the rest (see `benchmarks.judged.parts`).

A SQuAD question whose best hit is another paragraph stays a positive: the collection answers it (SQuAD
often states a fact in more than one paragraph, and the ranking is the re-ranker's job, not this model's),
and the targets count every declined answerable question as lost.
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval import Answer, Article, Library, RetrievalSettings
from retrieval.no_answer import FEATURES, features
from retrieval.understand import understand

from .chat import chat_wrapped, keyword_form
from .judged import ALL_SETS, SQUAD, all_questions, read_judged_set, squad_article

# The off-topic sets asked of SciFact's corpus (medical ones are not off-topic there).
SCIFACT_OFF_TOPIC = ("cranfield", "cisi", "npl", "adi")
# Every how-manyth SQuAD question is asked of SciFact and of the eight-article libraries of others.
SQUAD_SAMPLE = 5
GROUP = 8  # articles in a mid-sized library
SMALL = {12: "small", 4: "tiny"}  # paragraphs in the smallest libraries, and their kind of row


class _Recording(Library):
    """A library that keeps what its last passage answer decided on: the searched terms and the best hit."""

    best: tuple[str, int, float] | None = None

    def _answer(self, question: str, search: str, ids: list[int], scores: list[float]) -> Answer:
        self.best = (search, ids[0], scores[0]) if ids else None
        return Answer(question=question, hits=[], no_answer=True, coverage=0.0)  # the model is not asked


@dataclass
class Rows:
    """Feature rows and, for each, which library kind, part and label it belongs to."""

    x: list[np.ndarray]
    scenario: list[str]
    part: list[str]
    label: list[int]
    right: list[bool]  # positives: the best hit is a judged-relevant document
    train: list[bool]  # used for fitting (the rest only reported)
    source: list[str]  # the set the question comes from
    question: list[str]  # as asked
    group: list[str]  # the question before any chat wrapping: cross-validation keeps its rows together

    def add(self, library: _Recording, question: str, scenario: str, part: str, label: int,
            relevant: Iterable[str] = (), train: bool = True, source: str = SQUAD, plain: str = "") -> None:
        asked = understand(question)
        library.passage_answer(question, asked.search, 1)
        if library.best is None:
            vector = np.full(len(FEATURES), np.nan)  # nothing matched: always declined
            hit_article = ""
        else:
            search, passage, score = library.best
            vector = features(library, search, passage, score)
            hit_article = library.passages[passage].article_id
        self.x.append(vector)
        self.scenario.append(scenario)
        self.part.append(part)
        self.label.append(label)
        self.right.append(hit_article in set(relevant))
        self.train.append(train)
        self.source.append(source)
        self.question.append(question)
        self.group.append(plain or question)

    def arrays(self) -> dict[str, np.ndarray]:
        return {"x": np.array(self.x), "scenario": np.array(self.scenario), "part": np.array(self.part),
                "label": np.array(self.label), "right": np.array(self.right), "train": np.array(self.train),
                "source": np.array(self.source), "question": np.array(self.question), "group": np.array(self.group)}


def with_aside(question: str, rng: random.Random, pool: Sequence[str]) -> str:
    """`question` with two to six words of a question drawn from `pool`, lower case, before or after it."""
    words = rng.choice(pool).rstrip("?. ").split()
    start = rng.randrange(max(1, len(words) - 1))
    aside = " ".join(words[start:start + rng.randint(2, 6)]).lower()
    if rng.random() < 0.4:
        return f"{aside}, {question[:1].lower()}{question[1:]}"
    return question.rstrip("?. ") + rng.choice((" ", ", ", " - ")) + aside


_WORD = re.compile(r"[^\W_]+")


def with_unknown_names(question: str, library: Library, rng: random.Random, count: int = 2) -> str | None:
    """`question` with its `count` rarest words (in `library`) replaced by made-up ones, as a question about
    something the collection never mentions ("Who won the qzxvyl blorp cup last year?"); None when it
    has too few known words to keep some of them."""
    vocabulary, index = library.index.vocabulary, library.index
    weights = {}
    for found in _WORD.finditer(question):
        terms = library.analyzer(found.group())
        if len(terms) == 1 and terms[0] in vocabulary:
            weights[found.span()] = index.match_weight(vocabulary[terms[0]])
    if len(weights) < count + 2:
        return None
    for start, end in sorted(sorted(weights, key=weights.__getitem__)[-count:], reverse=True):
        made_up = "".join(rng.choice("bcdfgklmnprstvxz") + rng.choice("aeiouy") for _ in range(rng.randint(2, 4)))
        question = question[:start] + made_up + question[end:]
    return question


# A name: one to three capitalized words in a row ("Nexus", "Abdalla Hamdok", "Sovereign Council").
_NAME = re.compile(r"\b[A-Z][\w'-]+(?:\s+(?:of\s+|the\s+)?[A-Z][\w'-]+){0,2}")
# How members ask about a name and nothing else.
_ABOUT_NAME = ("What is {}?", "Who is {}?", "who was {}", "what's {}", "{}?", "{}", "tell me about {}",
               "What is {} known for?", "what do we know about {}?")


def about_a_name(text: str, library: Library, rng: random.Random) -> str | None:
    """A question about a name `text` mentions that few passages of `library` hold ("What is Nexus?", "who was
    Tancred"), as members ask about a name they saw; None when `text` names nothing that rare."""
    index, vocabulary = library.index, library.index.vocabulary
    single = float(np.log1p((index.doc_count - 0.5) / 1.5))
    names = []
    for found in _NAME.finditer(text):
        terms = library.analyzer(found.group())
        if found.start() and text[:found.start()].rstrip()[-1:] not in ".!?" and terms and all(
                t in vocabulary and index.match_weight(vocabulary[t]) >= 0.8 * single for t in terms):
            names.append(found.group())
    return rng.choice(_ABOUT_NAME).format(rng.choice(names)) if names else None


def _halves(questions: Sequence[str]) -> Iterator[tuple[str, str]]:
    for n, question in enumerate(questions):
        yield ("tuning" if n % 2 == 0 else "held-out"), question


def collect(data: Path, settings: RetrievalSettings) -> dict[str, np.ndarray]:
    rows = Rows([], [], [], [], [], [], [], [], [])
    off_topic = {name: all_questions(data / name) for name in ALL_SETS[1:] if (data / name / "queries.jsonl").exists()}

    squad = read_judged_set(data / SQUAD)
    library = _Recording.load(squad.corpus, settings)
    squad_part = {q: "tuning" if int(squad_article(next(iter(g)))) % 2 == 0 else "held-out"
                  for q, g in squad.qrels.items()}
    started = time.perf_counter()
    for query, grades in squad.qrels.items():
        rows.add(library, squad.queries[query], "squad", squad_part[query], 1, grades)
    for name, questions in off_topic.items():
        for part, question in _halves(questions):
            rows.add(library, question, "squad", part, 0, source=name)
    # More off-topic questions of the same kinds for fitting: SciFact's train claims.
    for question in read_judged_set(data / "scifact", "train").queries.values():
        rows.add(library, question, "squad-fit", "tuning", 0, source="scifact")
    print(f"SQuAD corpus: {time.perf_counter() - started:.0f}s", file=sys.stderr)
    squad_articles = list(library.articles.values())
    started = time.perf_counter()
    # Chat-wrapped, as benchmarks.chat wraps them (each part with its own templates): every other question.
    for n, (query, grades) in enumerate(squad.qrels.items()):
        if n % 2 == 0:
            question = squad.queries[query]
            rows.add(library, chat_wrapped(question, squad_part[query]), "chat", squad_part[query], 1, grades,
                     plain=question)
    for name, questions in off_topic.items():
        for part, question in _halves(questions):
            rows.add(library, chat_wrapped(question, part), "chat", part, 0, source=name, plain=question)
    # With an aside nobody wrote a rule for: a few words of another tuning question before or after it, so
    # that the model meets words the chat stripping missed (fitted on only; never reported).
    pool = [squad.queries[q] for q in squad.qrels if squad_part[q] == "tuning"]
    rng = random.Random(0)
    for n, (query, grades) in enumerate(squad.qrels.items()):
        if n % 2 == 1 and squad_part[query] == "tuning":
            question = squad.queries[query]
            rows.add(library, with_aside(question, rng, pool), "aside", "tuning", 1, grades, plain=question)
    for name, questions in off_topic.items():
        for part, question in _halves(questions):
            if part == "tuning":
                rows.add(library, with_aside(question, rng, pool), "aside", part, 0, source=name, plain=question)
    # About something the collection never mentions: every fourth question, its two rarest words made up.
    # Reported, not fitted on: fitted on, they cost the targets' SQuAD and chat declines 0.4-0.9 points.
    for n, (query, grades) in enumerate(squad.qrels.items()):
        unknown = with_unknown_names(squad.queries[query], library, rng) if n % 4 == 2 else None
        if unknown is not None:
            rows.add(library, unknown, "unknown", squad_part[query], 0, train=False, plain=squad.queries[query])
    # About a name a paragraph mentions and few others do, and nothing else ("What is Nexus?", "who was
    # Tancred"): one such question per paragraph, in its article's part. Reported, not fitted on: fitted on
    # (weighing 0.1, 0.3 or 1 group), the trees declined 0.12 / 0.01 / 0 of them but SQuAD's own questions 4.2 /
    # 4.2 / 4.7 % and chat-wrapped ones 5.3 / 5.3 / 6.2 % (held-out); `no_answer.holds_the_name` answers them.
    for article in squad_articles:
        question = about_a_name(" ".join(p.text for p in article.paragraphs), library, rng)
        if question is not None:
            part = "tuning" if int(squad_article(article.id)) % 2 == 0 else "held-out"
            rows.add(library, question, "names", part, 1, {article.id}, train=False)
    # Typed as keywords ("super bowl 50 afc team"), as benchmarks.chat types them: every other question.
    for n, (query, grades) in enumerate(squad.qrels.items()):
        if n % 2 == 1:
            question = squad.queries[query]
            rows.add(library, keyword_form(question), "keywords", squad_part[query], 1, grades, plain=question)
    for name, questions in off_topic.items():
        for part, question in _halves(questions):
            rows.add(library, keyword_form(question), "keywords", part, 0, source=name, plain=question)
    print(f"SQuAD corpus, chat-wrapped and keywords: {time.perf_counter() - started:.0f}s", file=sys.stderr)

    started = time.perf_counter()
    scifact = {split: read_judged_set(data / "scifact", split) for split in ("train", "test")}
    library = _Recording.load(scifact["test"].corpus, settings)
    for split, judged in scifact.items():
        for query, grades in judged.qrels.items():
            rows.add(library, judged.queries[query], "scifact", "tuning" if split == "train" else "held-out", 1,
                     grades, source="scifact")
    for n, query in enumerate(squad.qrels):
        if n % SQUAD_SAMPLE == 0:
            rows.add(library, squad.queries[query], "scifact", squad_part[query], 0)
    for name in SCIFACT_OFF_TOPIC:
        for part, question in _halves(off_topic.get(name, [])):
            rows.add(library, question, "scifact", part, 0, source=name)
    print(f"SciFact corpus: {time.perf_counter() - started:.0f}s", file=sys.stderr)

    started = time.perf_counter()
    articles: dict[str, list[Article]] = {}
    for article in squad_articles:
        articles.setdefault(squad_article(article.id), []).append(article)
    asked: dict[str, list[str]] = {}
    for query, grades in squad.qrels.items():
        asked.setdefault(squad_article(next(iter(grades))), []).append(query)
    names = sorted(asked, key=int)
    for n, name in enumerate(names):
        part = "tuning" if int(name) % 2 == 0 else "held-out"
        one = _Recording(articles[name], settings)
        for query in asked[name]:
            rows.add(one, squad.queries[query], "article", part, 1, squad.qrels[query])
        for query in asked[name][::2]:
            question = squad.queries[query]
            rows.add(one, keyword_form(question), "article-keywords", part, 1, squad.qrels[query], plain=question)
        # Reported as quality.py does (the next article's questions); fitted on the next one of the same
        # part, so tuning rows hold only tuning articles' questions.
        for query in asked[names[(n + 1) % len(names)]]:
            rows.add(one, squad.queries[query], "article", part, 0, train=False)
        if part == "tuning":
            for query in asked[names[(n + 2) % len(names)]]:
                rows.add(one, squad.queries[query], "article-fit", part, 0)
            for query in asked[names[(n + 2) % len(names)]][::2]:
                question = squad.queries[query]
                rows.add(one, keyword_form(question), "article-keywords", part, 0, plain=question)
    print(f"One-article libraries: {time.perf_counter() - started:.0f}s", file=sys.stderr)

    started = time.perf_counter()
    # Smaller still, as a community's first few articles: every 12 or 4 paragraphs of an article alone.
    for size, scenario in SMALL.items():
        for n, name in enumerate(names):
            part = "tuning" if int(name) % 2 == 0 else "held-out"
            other = asked[names[(n + 2) % len(names)]]
            for start in range(0, len(articles[name]), size):
                chunk = articles[name][start:start + size]
                held = {a.id for a in chunk}
                own = [q for q in asked[name] if next(iter(squad.qrels[q])) in held]
                small = _Recording(chunk, settings)
                for query in own:
                    rows.add(small, squad.queries[query], scenario, part, 1, squad.qrels[query])
                for query in other[start:start + len(own)]:
                    rows.add(small, squad.queries[query], scenario, part, 0)
    print(f"Libraries of 12 and 4 paragraphs: {time.perf_counter() - started:.0f}s", file=sys.stderr)

    started = time.perf_counter()
    for parity, part in ((0, "tuning"), (1, "held-out")):
        side = [name for name in names if int(name) % 2 == parity]
        for start in range(0, len(side), GROUP):
            group = side[start:start + GROUP]
            eight = _Recording([a for name in group for a in articles[name]], settings)
            for name in group:
                for query in asked[name]:
                    rows.add(eight, squad.queries[query], "eight", part, 1, squad.qrels[query])
            others = [q for name in side if name not in group for q in asked[name]]
            for query in others[::SQUAD_SAMPLE * 2]:
                rows.add(eight, squad.queries[query], "eight", part, 0)
    print(f"Eight-article libraries: {time.perf_counter() - started:.0f}s", file=sys.stderr)

    started = time.perf_counter()
    for parity, part in ((0, "tuning"), (1, "held-out")):
        side = [name for name in names if int(name) % 2 == parity]
        rest = [a for name in names if int(name) % 2 != parity for a in articles[name]]
        for half in (side[0::2], side[1::2]):
            # The other part's articles fill the library out (their questions are not asked of it).
            big = _Recording([a for name in half for a in articles[name]] + rest, settings)
            for name in side:
                for query in asked[name][::2]:
                    rows.add(big, squad.queries[query], "half", part, int(name in half), squad.qrels[query])
    print(f"Half-SQuAD libraries: {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return rows.arrays()
