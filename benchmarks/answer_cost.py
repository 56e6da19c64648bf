"""What a whole answer costs (`Library.answer`: BM25, re-ranking, highlight, the no-answer decision), and
whether a change of code changed any answer.

    python -m benchmarks.answer_cost time [--passages 100000] [--questions 300] [--rounds 1]
    python -m benchmarks.answer_cost record FILE [--passages N]   # every answer, one JSON line each
    python -m benchmarks.answer_cost compare FILE [--passages N]  # exit status 1 if any answer differs

`time` answers questions drawn from the library's own sentences with some off-topic ones, as the load
benchmark asks them (`load.plan`), at k=3 (the bot's default), one at a time after a few warm-up
questions, on a library of real text grown to `--passages` (`load.content`) and served from its saved
index, as the bot serves it. The content and the index are kept in `--work` between runs.

`record` and `compare` answer every SQuAD dev question (or `--set`'s: a set read as `quality.py` reads it)
at k=40, past the re-ranking depth, or with `--passages` the timing's questions on that library: the hits
(their passages, order and exact scores), each highlight, the coverage, the no-answer decision and its score.
Record with the code before a change (a `git worktree` of it) and compare with the code after, both with the
same PYTHONHASHSEED (the highlight breaks near-ties in the order of a set of words).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from retrieval import Answer, Library

from .common import DATA, ROOT
from .judged import SQUAD, read_judged_set

WARM_UP = 3


def grown_library(work: Path, passages: int, data: Path) -> Library:
    """A library of `passages` passages of real text, from its saved index in `work` (built the first time)."""
    from .load.content import build_library

    content = work / f"content-{passages}"
    if not content.is_dir():
        build_library(content, passages, data)
    # One saved index per checkout: the code before and after a change each keep their own.
    return Library.load(content, index_dir=work / f"index-{passages}-{ROOT.name}")


def drawn_questions(work: Path, passages: int, count: int) -> list[str]:
    from .load.plan import plan_questions

    return [q.text for q in plan_questions(work / f"content-{passages}", count, None, seed=1)]


def judged_set(data: Path, name: str) -> tuple[Library, list[str]]:
    judged = read_judged_set(data / name)
    return Library.load(judged.corpus), list(judged.queries.values())


def answer_record(answer: Answer) -> dict:
    """What a member would see of an answer, exactly: floats as their shortest round-tripping text."""
    return {
        "question": answer.question, "kind": answer.kind, "no_answer": answer.no_answer,
        "answerable": repr(answer.answerable), "coverage": repr(answer.coverage),
        "hits": [[h.article.id, h.passage.ordinal, repr(h.score), h.highlight] for h in answer.hits],
    }


def records(library: Library, questions: Sequence[str], k: int) -> Iterator[dict]:
    for question in questions:
        yield answer_record(library.answer(question, k))


def timings(library: Library, questions: Sequence[str], rounds: int) -> np.ndarray:
    """Milliseconds per question, each question's fastest of `rounds` (the machine has other tenants)."""
    for question in questions[:WARM_UP]:
        library.answer(question, 3)
    best = np.full(len(questions) - WARM_UP, np.inf)
    for _ in range(rounds):
        for n, question in enumerate(questions[WARM_UP:]):
            started = time.perf_counter()
            library.answer(question, 3)
            best[n] = min(best[n], (time.perf_counter() - started) * 1e3)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.answer_cost", description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("time", "record", "compare"))
    parser.add_argument("file", nargs="?", type=Path, help="the answers recorded (record, compare)")
    parser.add_argument("--passages", type=int, help="a library of real text this large (time: 100,000)")
    parser.add_argument("--questions", type=int, default=300, help="questions drawn from it (default 300)")
    parser.add_argument("--rounds", type=int, default=1, help="time: rounds of the questions, fastest kept")
    parser.add_argument("--set", default=SQUAD, help=f"record, compare: a judged set's questions (default {SQUAD})")
    parser.add_argument("--data", type=Path, default=DATA, help=f"the shared sets (default {DATA})")
    parser.add_argument("--work", type=Path, default=Path("/tmp/answer-cost"),
                        help="where the grown content and its saved index are kept")
    args = parser.parse_args(argv)
    passages = args.passages or (100_000 if args.mode == "time" else None)
    if passages:
        started = time.perf_counter()
        library = grown_library(args.work, passages, args.data)
        questions = drawn_questions(args.work, passages, args.questions + WARM_UP)
        print(f"{library.report.summary()} ({'saved index' if library.report.from_cache else 'built'}, "
              f"{time.perf_counter() - started:.1f} s)", file=sys.stderr)
    else:
        library, questions = judged_set(args.data, args.set)
    if args.mode == "time":
        ms = timings(library, questions, args.rounds)
        print(f"{len(ms)} questions at k=3: p50 {np.percentile(ms, 50):.2f} ms, p95 {np.percentile(ms, 95):.2f} ms, "
              f"mean {ms.mean():.2f} ms")
        return 0
    if args.file is None:
        parser.error(f"{args.mode} needs a FILE")
    found = records(library, questions, 40)
    if args.mode == "record":
        with args.file.open("w", encoding="utf-8") as out:
            for record in found:
                out.write(json.dumps(record) + "\n")
        return 0
    with args.file.open(encoding="utf-8") as recorded:
        expected = [json.loads(line) for line in recorded]
    differ = 0
    for before, after in zip(expected, found, strict=True):
        after = json.loads(json.dumps(after))  # tuples as lists, as recorded
        if before != after:
            differ += 1
            if differ <= 5:
                print(f"differs: {before['question']!r}\n  before {before}\n  after  {after}")
    print(f"{len(expected)} answers compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
