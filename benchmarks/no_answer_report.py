"""The no-answer decision as the quality benchmark reports it: declines by the library's own decision and
at thresholds around it, against SQuAD's corpus, in one-article libraries, and for SciFact's claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from retrieval import Article, Library

from .judged import ALL_SETS, all_questions, parts, squad_article
from .runs import Ranked, SetRun, rank

# Thresholds on the no-answer model's score compared in the report, around the default (0.5).
THRESHOLDS = (0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)


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


def squad_no_answer_report(data: Path, run: SetRun, out: TextIO) -> None:
    """Declines against SQuAD's corpus: its own questions, the other sets' (off-topic), one article alone."""
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
