"""Answer quality on public retrieval sets, measured through the same `Library` code path the bot uses.

    python -m benchmarks.quality [--data ../shared/data] [--sets squad-v1.1-dev scifact ...] [--settings JSON]

Each set's `corpus.jsonl.gz` is read by `Library.load`: the JSON Lines reader, passage splitting, the
analyzer, BM25 and the re-ranker all run exactly as for the bot's own content. The bot ranks passages,
the judgements name documents: a document may be cut into several passages, and it ranks where its
best (first-ranked) passage ranks. Rankings come from `Library.answer(question, k).hits`, which are
ranked whether or not the library would decline to answer, with k large enough to reach `DEPTH`
documents.

Metrics are averaged over the queries with at least one judged-relevant document (trec_eval's
convention), with BEIR's definitions: nDCG@10 with linear gain on graded judgements (trec_eval
`ndcg_cut.10`), R@k = share of the relevant documents in the top k, MRR@10. For SQuAD (one relevant
paragraph per question) R@1 and R@5 are top-1 and top-5 accuracy.

Tuning and held-out parts (`parts`): settings were chosen on the tuning part of each set only. Each
part is also compared question by question with bm25s, with a paired randomization test's p-value
(`paired_p_value`), to tell a real difference from that of a few questions.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import TextIO

import numpy as np

from retrieval import Answer, Article, Hit, Library, RetrievalSettings, no_answer
from retrieval.understand import understand

from .common import DATA

DEPTH = 100
SQUAD = "squad-v1.1-dev"
ALL_SETS = (SQUAD, "scifact", "nfcorpus", "cranfield", "cisi", "medline", "npl", "adi")
# Thresholds on the no-answer model's score compared in the report, around the default (0.5).
THRESHOLDS = (0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)

Grades = dict[str, int]  # document id -> relevance grade (>= 1)
Qrels = dict[str, Grades]  # query id -> its judged-relevant documents


# --- Judged sets ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class JudgedSet:
    """A corpus file, its judged questions, and the documents that answer each one."""

    name: str
    folder: Path
    queries: dict[str, str]
    qrels: Qrels

    @property
    def corpus(self) -> Path:
        return self.folder / "corpus.jsonl.gz"


def read_judged_set(folder: Path, split: str = "test") -> JudgedSet:
    """A set in the common layout; `split="train"` reads `queries_train.jsonl` and `qrels_train.tsv`."""
    suffix = "" if split == "test" else f"_{split}"
    qrels: Qrels = {}
    with open(folder / f"qrels{suffix}.tsv", encoding="utf-8") as lines:
        next(lines)  # header
        for line in lines:
            query, doc, grade = line.rstrip("\n").split("\t")
            if int(grade) > 0:
                qrels.setdefault(query, {})[doc] = int(grade)
    queries = {}
    with open(folder / f"queries{suffix}.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["id"] in qrels:
                queries[record["id"]] = record["text"]
    qrels = {q: grades for q, grades in qrels.items() if q in queries}
    return JudgedSet(folder.name if split == "test" else f"{folder.name}:{split}", folder, queries, qrels)


def all_questions(folder: Path) -> list[str]:
    """Every question of a set, judged or not."""
    with open(folder / "queries.jsonl", encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines]


def squad_article(paragraph: str) -> str:
    """The article of a SQuAD paragraph: paragraph ids are "<article>_<paragraph>"."""
    return paragraph.split("_")[0]


def parts(judged: JudgedSet) -> dict[str, Qrels]:
    """The tuning and held-out parts of a set's judged questions.

    SQuAD: questions on even-numbered articles tune, odd ones are held out (a split by article, so no
    paragraph is seen from both sides). SciFact: its train split tunes, its test split is held out.
    The others have no split: every other judged query (1st, 3rd, ... in qrels order) tunes.
    """
    if judged.name == SQUAD:
        halves: dict[str, Qrels] = {"tuning": {}, "held-out": {}}
        for query, grades in judged.qrels.items():
            halves["tuning" if int(squad_article(next(iter(grades)))) % 2 == 0 else "held-out"][query] = grades
        return halves
    if judged.folder.name == "scifact":
        return {"tuning" if judged.name.endswith(":train") else "held-out": judged.qrels}
    queries = list(judged.qrels)
    return {"tuning": {q: judged.qrels[q] for q in queries[0::2]},
            "held-out": {q: judged.qrels[q] for q in queries[1::2]}}


# --- Metrics (one query) --------------------------------------------------------------------------------

def ndcg(ranked: Sequence[str], grades: Grades, k: int = 10) -> float:
    """nDCG@k, linear gain: sum of grade / log2(rank + 1), over the same for the ideal ordering."""
    dcg = sum(grades.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k]))
    ideal = sum(g / math.log2(rank + 2) for rank, g in enumerate(sorted(grades.values(), reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def recall(ranked: Sequence[str], grades: Grades, k: int) -> float:
    return len(set(ranked[:k]) & grades.keys()) / len(grades) if grades else 0.0


def reciprocal_rank(ranked: Sequence[str], grades: Grades, k: int = 10) -> float:
    return next((1 / (rank + 1) for rank, doc in enumerate(ranked[:k]) if doc in grades), 0.0)


METRICS: dict[str, Callable[[Sequence[str], Grades], float]] = {
    "nDCG@10": ndcg,
    "R@1": lambda ranked, grades: recall(ranked, grades, 1),
    "R@5": lambda ranked, grades: recall(ranked, grades, 5),
    "R@10": lambda ranked, grades: recall(ranked, grades, 10),
    "R@100": lambda ranked, grades: recall(ranked, grades, 100),
    "MRR@10": reciprocal_rank,
}


def mean_metrics(runs: dict[str, Sequence[str]], qrels: Qrels) -> dict[str, float]:
    """Every metric averaged over the judged queries; a query missing from `runs` ranked nothing."""
    return {name: fmean(metric(runs.get(q, ()), grades) for q, grades in qrels.items()) if qrels else 0.0
            for name, metric in METRICS.items()}


def paired_p_value(ours: Sequence[float], reference: Sequence[float], rounds: int = 10_000, seed: int = 0) -> float:
    """Two-sided p-value of the paired randomization (sign-flip) test of the mean difference.

    Under "no difference" each query's difference is as likely negated: the p-value is the share of
    sign patterns whose mean is at least as far from 0 as the observed one. Exact (every pattern) up
    to 16 queries, else `rounds` random patterns.
    """
    differences = np.asarray(ours, dtype=float) - np.asarray(reference, dtype=float)
    if not differences.any():
        return 1.0
    as_far = abs(differences.mean()) - 1e-12  # a pattern's mean equal to the observed one, up to rounding
    if len(differences) <= 16:
        patterns = (np.arange(2 ** len(differences))[:, None] >> np.arange(len(differences))) & 1
        return float(np.mean(np.abs(((1 - 2 * patterns) * differences).mean(axis=1)) >= as_far))
    rng = np.random.default_rng(seed)
    reached = 0
    for start in range(0, rounds, 1000):
        signs = rng.choice([-1.0, 1.0], size=(min(1000, rounds - start), len(differences)))
        reached += int(np.sum(np.abs((signs * differences).mean(axis=1)) >= as_far))
    return reached / rounds


def paired_table(rows: list[tuple[str, list[float], list[float]]]) -> str:
    """Markdown: per-query nDCG@10 of ours against bm25s on the same questions, and the test's p-value."""
    lines = ["| set | queries | ours better / worse / same | mean difference | p (paired sign flip) |",
             "|---|---:|---:|---:|---:|"]
    for label, ours, reference in rows:
        d = np.asarray(ours) - np.asarray(reference)
        counts = f"{int(np.sum(d > 1e-9))} / {int(np.sum(d < -1e-9))} / {int(np.sum(np.abs(d) <= 1e-9))}"
        p = paired_p_value(ours, reference)
        lines.append(f"| {label} | {len(d):,} | {counts} | {d.mean():+.4f} | {f'{p:.2f}' if p >= 0.01 else '< 0.01'} |")
    return "\n".join(lines)


# --- Ranking --------------------------------------------------------------------------------------------

@dataclass
class Ranked:
    """What the library made of one question: documents in rank order, its best hit, its coverage, and
    its no-answer decision (`Answer.no_answer`) with the model's score behind it (`answerable_score`)."""

    documents: list[str]
    best: Hit | None
    coverage: float
    declined: bool = False
    answerable: float = 0.0


def rank(library: Library, question: str, depth: int = DEPTH) -> Ranked:
    """The documents the library ranks for a question, each at its best passage, at most `depth`."""
    per_article = max(1.0, len(library.passages) / max(1, len(library.articles)))
    k = math.ceil(depth * per_article * 1.25)
    while True:
        answer = library.answer(question, k)
        documents = list(dict.fromkeys(hit.article.id for hit in answer.hits))
        if len(documents) >= depth or len(answer.hits) < k:
            return Ranked(documents[:depth], answer.hits[0] if answer.hits else None, answer.coverage,
                          answer.no_answer, answerable_score(library, question, answer))
        k *= 2


def rank_all(library: Library, judged: JudgedSet) -> dict[str, Ranked]:
    return {query: rank(library, question) for query, question in judged.queries.items()}


def reference_runs(judged: JudgedSet) -> dict[str, list[str]] | None:
    """The bm25s baseline of BASELINES.md (method A), run here to compare on any part of a set.

    None when bm25s (a test dependency) is not installed.
    """
    try:
        import bm25s
        import Stemmer
    except ImportError:
        return None
    with gzip.open(judged.corpus, "rt", encoding="utf-8") as lines:
        corpus = [json.loads(line) for line in lines]
    texts = [f"{d['title']} {d['text']}" if d.get("title") else d["text"] for d in corpus]
    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False),
                    show_progress=False)
    queries = list(judged.queries)
    tokens = bm25s.tokenize([judged.queries[q] for q in queries], stopwords="en", stemmer=stemmer,
                            show_progress=False)
    found, _ = retriever.retrieve(tokens, k=min(DEPTH, len(corpus)), show_progress=False, n_threads=1)
    return {q: [corpus[i]["id"] for i in row] for q, row in zip(queries, found)}


# --- SQuAD: the highlight -------------------------------------------------------------------------------

def squad_answers(folder: Path) -> dict[str, list[str]]:
    """Question id -> its gold answer texts, from the original SQuAD file."""
    with gzip.open(folder / "dev-v1.1.json.gz", "rt", encoding="utf-8") as file:
        data = json.load(file)["data"]
    return {qa["id"]: [a["text"] for a in qa["answers"]]
            for article in data for paragraph in article["paragraphs"] for qa in paragraph["qas"]}


def _squashed(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class HighlightResult:
    judged: int  # questions whose best hit is a passage of the right paragraph holding a gold answer
    highlighted: int  # ... and whose highlighted sentence holds one
    questions: int

    @property
    def accuracy(self) -> float:
        return self.highlighted / self.judged if self.judged else 0.0


def highlight_accuracy(ranked: dict[str, Ranked], qrels: Qrels, gold: dict[str, list[str]]) -> HighlightResult:
    """How often the sentence marked as best holds a gold answer.

    The highlighter is judged where it can be right: the best hit is the right paragraph, and the
    passage quoted from it holds an answer. `highlighted / questions` is the end-to-end share.
    """
    judged = highlighted = 0
    for query, result in ranked.items():
        hit = result.best
        if hit is None or hit.article.id not in qrels[query]:
            continue
        answers = [_squashed(text) for text in gold[query]]
        if not any(a in _squashed(hit.passage.text) for a in answers):
            continue
        judged += 1
        marked = _squashed(hit.highlighted_text)
        highlighted += any(a in marked for a in answers)
    return HighlightResult(judged, highlighted, len(ranked))


# --- The no-answer decision -----------------------------------------------------------------------------

_PASSAGE_IDS: weakref.WeakKeyDictionary[Library, dict[tuple[str, int], int]] = weakref.WeakKeyDictionary()


def answerable_score(library: Library, question: str, answer: Answer) -> float:
    """The no-answer model's score for an answer's best hit (`retrieval.no_answer.score`), the number the
    library compares with its threshold (`RetrievalSettings.min_coverage`); 0 without a hit.

    An answer about the articles (`Answer.kind` other than "passage") scores 1 when given, 0 when declined.
    """
    if not answer.hits:
        return 0.0
    if answer.kind != "passage":
        return 0.0 if answer.no_answer else 1.0
    if library not in _PASSAGE_IDS:
        _PASSAGE_IDS[library] = {(p.article_id, p.ordinal): n for n, p in enumerate(library.passages)}
    hit = answer.hits[0]
    terms = library.analyzer(understand(question).search)
    return no_answer.score(library, terms, _PASSAGE_IDS[library][hit.article.id, hit.passage.ordinal], hit.score)


@dataclass(frozen=True)
class DeclineRates:
    declined: float
    right_declined: float = 0.0  # declined although the best hit was the right paragraph
    wrong_declined: float = 0.0  # declined, and the best hit was not the right paragraph


def decline_rates(declined: Sequence[bool], right: Sequence[bool] | None = None) -> DeclineRates:
    """Shares of questions declined, and for answerable ones split by whether the best hit was right."""
    if not declined:
        return DeclineRates(0.0)
    count = len(declined)
    if right is None:
        return DeclineRates(sum(declined) / count)
    return DeclineRates(sum(declined) / count, sum(d and r for d, r in zip(declined, right)) / count,
                        sum(d and not r for d, r in zip(declined, right)) / count)


@dataclass(frozen=True)
class Decisions:
    """Questions asked of a library: each one's no-answer decision, the model's score, and (for answerable
    questions) whether the best hit was right."""

    declined: list[bool]
    scores: list[float]
    right: list[bool] | None = None

    @classmethod
    def of(cls, ranked: Sequence[Ranked], right: Sequence[bool] | None = None) -> Decisions:
        return cls([r.declined for r in ranked], [r.answerable for r in ranked],
                   None if right is None else list(right))

    def __add__(self, other: Decisions) -> Decisions:
        return Decisions(self.declined + other.declined, self.scores + other.scores)

    def at(self, threshold: float) -> DeclineRates:
        """The shares declined had the threshold been `threshold` (declined: the score is below it)."""
        return decline_rates([s < threshold for s in self.scores], self.right)

    def actual(self) -> DeclineRates:
        return decline_rates(self.declined, self.right)


# --- Report ---------------------------------------------------------------------------------------------

def recorded_baseline(data: Path, name: str) -> dict[str, float] | None:
    """The bm25s (Lucene, k1=1.2, b=0.75) numbers recorded in `_baselines/<set>.json`."""
    path = data / "_baselines" / f"{name}.json"
    if not path.exists():
        return None
    results = json.loads(path.read_text(encoding="utf-8"))["results"]
    return next((v for k, v in results.items() if k.startswith("bm25s")), None)


def _pair(ours: float, baseline: float | None) -> str:
    if baseline is None:
        return f"{ours:.4f}"
    return f"**{ours:.4f}** / {baseline:.4f}" if ours >= baseline else f"{ours:.4f} / {baseline:.4f}"


Row = tuple[str, int, dict[str, float], dict[str, float] | None]  # label, queries, ours, baseline


def metrics_table(rows: list[Row], columns: Sequence[str]) -> str:
    """Markdown: one row per (label, queries, ours, baseline); bold where ours is at least the baseline."""
    lines = ["| set | queries | " + " | ".join(f"{c} ours / bm25s" for c in columns) + " |",
             "|---|---:|" + "---:|" * len(columns)]
    for label, count, ours, baseline in rows:
        cells = [_pair(ours[c], (baseline or {}).get(c)) for c in columns]
        lines.append(f"| {label} | {count:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


@dataclass
class SetRun:
    """One set's questions ranked by the library, and by the bm25s reference when it is installed."""

    judged: JudgedSet
    library: Library
    ranked: dict[str, Ranked]
    reference: dict[str, list[str]] | None

    def metrics(self, qrels: Qrels) -> dict[str, float]:
        return mean_metrics({q: self.ranked[q].documents for q in qrels}, qrels)

    def reference_metrics(self, qrels: Qrels) -> dict[str, float] | None:
        return None if self.reference is None else mean_metrics(self.reference, qrels)


def run_set(data: Path, name: str, settings: RetrievalSettings) -> SetRun:
    folder, _, split = name.partition(":")
    judged = read_judged_set(data / folder, split or "test")
    library = Library.load(judged.corpus, settings)
    started = time.perf_counter()
    ranked = rank_all(library, judged)
    seconds = time.perf_counter() - started
    print(f"{judged.name}: {library.report.summary()}; {len(ranked)} questions in {seconds:.1f}s", file=sys.stderr)
    return SetRun(judged, library, ranked, reference_runs(judged))


def report(data: Path, runs: list[SetRun], out: TextIO) -> None:
    columns = ("nDCG@10", "R@10", "R@100", "MRR@10")
    print("## Every judged question, beside the bm25s baseline recorded in BASELINES.md\n", file=out)
    print(metrics_table([(r.judged.name, len(r.judged.qrels), r.metrics(r.judged.qrels),
                          recorded_baseline(data, r.judged.name)) for r in runs], columns), file=out)
    print("\n## Tuning and held-out parts, beside bm25s run on the same questions\n", file=out)
    rows = [(f"{r.judged.name} ({part})", len(qrels), r.metrics(qrels), r.reference_metrics(qrels))
            for r in runs for part, qrels in parts(r.judged).items()]
    print(metrics_table(rows, ("nDCG@10", "R@1", "R@5", "R@100")), file=out)
    paired = [(f"{r.judged.name} ({part})", [ndcg(r.ranked[q].documents, g) for q, g in qrels.items()],
               [ndcg(r.reference.get(q, ()), g) for q, g in qrels.items()])
              for r in runs if r.reference is not None for part, qrels in parts(r.judged).items()]
    if paired:
        print("\n## nDCG@10 per question, ours against bm25s on the same questions\n", file=out)
        print(paired_table(paired), file=out)
    for run in runs:
        if run.judged.name == SQUAD:
            squad_report(data, run, out)
            from .chat import chat_report  # chat.py builds on this module

            print(file=out)
            chat_report(run, out)
    scifact_no_answer_report(runs, out)


def squad_report(data: Path, run: SetRun, out: TextIO) -> None:
    ours, baseline = run.metrics(run.judged.qrels), recorded_baseline(data, run.judged.name) or {}
    print(f"\n## SQuAD, every question\n\nTop-1 paragraph {_pair(ours['R@1'], baseline.get('R@1'))}, "
          f"top-5 {_pair(ours['R@5'], baseline.get('R@5'))} (ours / bm25s; targets 0.80 and 0.94).", file=out)
    gold = squad_answers(run.judged.folder)
    highlight = highlight_accuracy(run.ranked, run.judged.qrels, gold)
    print(f"\n## SQuAD highlight\n\nThe highlighted sentence holds a gold answer for {highlight.accuracy:.4f} of the "
          f"{highlight.judged:,} questions whose best hit is the right paragraph and quotes an answer "
          f"(end to end: {highlight.highlighted / highlight.questions:.4f} of all {highlight.questions:,}).",
          file=out)

    threshold = run.library.settings.min_coverage
    print(f"\n## No answer, against SQuAD's corpus (the default threshold is {threshold})\n", file=out)
    print("Declined share: by the library's own decision (`Answer.no_answer`, at its threshold), then had the\n"
          "threshold on the no-answer model's score been each of a few around it. SQuAD questions should be\n"
          "answered; for them the decline is split into 'right' (the best hit was the right paragraph) and\n"
          "'wrong'. Questions from the other sets are off-topic for Wikipedia paragraphs and should be declined\n"
          "(their tuning half: the 1st, 3rd, ... question of each set).\n", file=out)
    print(_threshold_header(threshold), file=out)
    for part, qrels in [("all", run.judged.qrels), *parts(run.judged).items()]:
        best = [run.ranked[q].best for q in qrels]
        right = [hit is not None and hit.article.id in qrels[q] for q, hit in zip(qrels, best)]
        print(_decline_row(f"SQuAD, {part}", Decisions.of([run.ranked[q] for q in qrels], right)), file=out)
    halves = {"tuning": Decisions([], []), "held-out": Decisions([], [])}
    for name in ALL_SETS[1:]:
        if (data / name / "queries.jsonl").exists():
            asked = [rank(run.library, q, depth=1) for q in all_questions(data / name)]
            print(_decline_row(f"{name} (off-topic)", Decisions.of(asked)), file=out)
            halves["tuning"] += Decisions.of(asked[0::2])
            halves["held-out"] += Decisions.of(asked[1::2])
    if halves["tuning"].declined:
        print(_decline_row("all off-topic", halves["tuning"] + halves["held-out"]), file=out)
        for part, decisions in halves.items():
            print(_decline_row(f"off-topic, {part} half", decisions), file=out)
    small_collections_report(run, out)


def scifact_no_answer_report(runs: Sequence[SetRun], out: TextIO) -> None:
    """SciFact's claims asked of SciFact's own corpus: every one is answerable, so few should be declined
    (tuning: the train claims; held-out: the test claims)."""
    scifact = {"tuning" if r.judged.name.endswith(":train") else "held-out": r
               for r in runs if r.judged.folder.name == "scifact"}
    if not scifact:
        return
    threshold = next(iter(scifact.values())).library.settings.min_coverage
    print(f"\n## No answer, SciFact's claims against SciFact's corpus (the default threshold is {threshold})\n",
          file=out)
    print(_threshold_header(threshold), file=out)
    for part in ("tuning", "held-out"):
        if part in scifact:
            run = scifact[part]
            right = [r.best is not None and r.best.article.id in run.judged.qrels[q] for q, r in run.ranked.items()]
            print(_decline_row(f"SciFact claims, {part}", Decisions.of(list(run.ranked.values()), right)), file=out)


def _threshold_header(threshold: float) -> str:
    return (f"| questions | count | declined (at {threshold}) | " + " | ".join(f"< {t}" for t in THRESHOLDS)
            + " |\n|---|---:|---:|" + "---:|" * len(THRESHOLDS))


def _decline_row(label: str, decisions: Decisions) -> str:
    def cell(rates: DeclineRates) -> str:
        if decisions.right is None:
            return f"{rates.declined:.3f}"
        return f"{rates.declined:.3f} ({rates.right_declined:.3f} right, {rates.wrong_declined:.3f} wrong)"

    cells = [cell(decisions.actual())] + [cell(decisions.at(t)) for t in THRESHOLDS]
    return f"| {label} | {len(decisions.declined):,} | " + " | ".join(cells) + " |"


def small_collections_report(run: SetRun, out: TextIO) -> None:
    """The no-answer decision in the smallest collections: each SQuAD article's paragraphs alone.

    A community's folder may hold a few articles on one subject, where the subject's words are in every
    passage. Each article's own questions should be answered; the next article's (same style, another
    subject) should be declined.
    """
    articles: dict[str, list[Article]] = {}
    for article in run.library.articles.values():
        articles.setdefault(squad_article(article.id), []).append(article)
    questions: dict[str, list[str]] = {}
    for query, grades in run.judged.qrels.items():
        questions.setdefault(squad_article(next(iter(grades))), []).append(query)
    names = sorted(questions, key=int)
    if len(names) < 2:
        return
    own: dict[str, tuple[Ranked, bool]] = {}
    foreign: dict[str, list[Ranked]] = {}
    for n, name in enumerate(names):
        library = Library(articles[name], run.library.settings)
        for query in questions[name]:
            asked = rank(library, run.judged.queries[query], depth=1)
            own[query] = (asked, asked.best is not None and asked.best.article.id in run.judged.qrels[query])
        other = names[(n + 1) % len(names)]
        foreign[name] = [rank(library, run.judged.queries[q], depth=1) for q in questions[other]]
    paragraphs = sum(len(articles[name]) for name in names) / len(names)
    print(f"\n## No answer in small collections: each of {len(names)} SQuAD articles alone "
          f"({paragraphs:.0f} paragraphs on average)\n", file=out)
    print("Each article's own questions should be answered (declines split as above); the next article's\n"
          "questions, asked of it, are off-topic and should be declined. Parts follow the article.\n", file=out)
    print(_threshold_header(run.library.settings.min_coverage), file=out)
    for part, qrels in parts(run.judged).items():
        print(_decline_row(f"own questions, {part}",
                           Decisions.of([own[q][0] for q in qrels], [own[q][1] for q in qrels])), file=out)
    for part, qrels in parts(run.judged).items():
        libraries = {squad_article(next(iter(grades))) for grades in qrels.values()}
        print(_decline_row(f"next article's questions, {part}",
                           Decisions.of([r for name in names if name in libraries for r in foreign[name]])), file=out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help=f"folder holding the sets (default {DATA})")
    parser.add_argument("--sets", nargs="+", default=[*ALL_SETS, "scifact:train"],
                        help="set folders to run; 'scifact:train' is SciFact's train split")
    parser.add_argument("--settings", default="{}",
                        help='RetrievalSettings overrides as JSON, e.g. \'{"rerank": {"depth": 0}}\'')
    args = parser.parse_args(argv)
    settings = RetrievalSettings.model_validate_json(args.settings)
    report(args.data, [run_set(args.data, name, settings) for name in args.sets], sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
