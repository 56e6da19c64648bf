"""The one generator that grows real text for the benchmarks, and the load benchmark's library grown with it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

from benchmarks.corpus import recombined
from benchmarks.load.content import build_library
from retrieval import Library

POOL = [[f"p{p}s{s}" for s in range(n)] for p, n in enumerate((3, 1, 4, 2, 5, 2))]


def test_recombined_joins_an_opening_to_a_closing_of_another_passage_never_twice():
    grown = list(recombined(POOL, np.random.default_rng(7), 40))
    assert len(grown) == 40
    assert grown == list(recombined(POOL, np.random.default_rng(7), 40))  # seeded
    assert len({tuple(joined) for _, joined in grown}) == 40
    for first, joined in grown:
        opening = [s for s in joined if s.startswith(f"p{first}s")]
        closing = joined[len(opening):]
        assert opening == POOL[first][:len(opening)] and opening  # the first passage's opening
        other = int(closing[0][1:].split("s")[0])
        assert other != first and closing == POOL[other][-len(closing):]  # another's closing


def test_recombined_stops_when_no_new_passage_can_be_made():
    pool = [["a", "b"], ["c", "d"]]  # 2 orders x 2 openings x 2 closings
    assert len(list(recombined(pool, np.random.default_rng(0), 100))) == 8


def test_the_load_benchmark_grows_a_library_of_exactly_the_passages_asked_for(tmp_path: Path):
    data = tmp_path / "data"
    (data / "news").mkdir(parents=True)
    records = [{"id": str(i), "title": f"Story {i}",
                "text": "\n\n".join(f"Paragraph {p} of story {i} opens here. It goes on about topic {i + p}. "
                                    f"It ends on a note {p}." for p in range(3))} for i in range(20)]
    with gzip.open(data / "news" / "corpus.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write("\n".join(json.dumps(r) for r in records))

    built = build_library(tmp_path / "content", 100, data, seed=1)
    assert built.passages == 100 and built.real_passages < 100
    library = Library.load(tmp_path / "content")
    assert len(library.passages) == 100 and len(library.articles) == built.articles
