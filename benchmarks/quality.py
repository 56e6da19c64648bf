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
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from retrieval import RetrievalSettings

from .chat import chat_report
from .common import DATA
from .judged import ALL_SETS, SQUAD, Qrels, ndcg, paired_table, parts
from .no_answer_report import scifact_no_answer_report, squad_no_answer_report
from .runs import Ranked, SetRun, run_set


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
    squad_no_answer_report(data, run, out)


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
