"""The public judged sets: reading a set and its judgements, the tuning and held-out parts, the metrics.

Metrics are averaged over the queries with at least one judged-relevant document (trec_eval's
convention), with BEIR's definitions: nDCG@10 with linear gain on graded judgements (trec_eval
`ndcg_cut.10`), R@k = share of the relevant documents in the top k, MRR@10.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean

import numpy as np

SQUAD = "squad-v1.1-dev"
ALL_SETS = (SQUAD, "scifact", "nfcorpus", "cranfield", "cisi", "medline", "npl", "adi")

Grades = dict[str, int]  # document id -> relevance grade (>= 1)
Qrels = dict[str, Grades]  # query id -> its judged-relevant documents


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
