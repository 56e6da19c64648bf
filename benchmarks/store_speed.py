"""Cold build versus warm load of a saved index, through `Library.load(..., index_dir=...)`.

    python -m benchmarks.store_speed --paragraphs 680000

Writes a content folder of JSON Lines articles made from real text (paragraphs recombined from
the shared evaluation sets, as in `corpus`), then loads it twice, each time in a fresh process:
once building and saving the index, once loading what was saved. A first start reads and analyzes the
content in one worker process per core (`retrieval.parallel_load`): the peak RSS is the loading process's,
and the largest of its workers' is given beside it. With --write, records the result in the Speed section of
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.passages import split_passages

from .common import DATA, ROOT, machine
from .corpus import recombined, sentences, shared_articles
from .report import update_readme

_PARAGRAPHS_PER_ARTICLE = 5
_ARTICLES_PER_FILE = 5000

_LOAD = """
import json, resource, sys, time
from retrieval import Library
started = time.perf_counter()
library = Library.load(sys.argv[1], index_dir=sys.argv[2])
loaded = time.perf_counter() - started
started = time.perf_counter()
hits = library.search("what did the government say about the economy")
first_search = time.perf_counter() - started
print(json.dumps({"seconds": loaded, "from_cache": library.report.from_cache, "passages": len(library.passages),
                  "articles": len(library.articles), "first_search_s": first_search, "hits": len(hits),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "workers_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def write_content(folder: Path, paragraphs: int, data: Path, seed: int = 0) -> None:
    """Articles of recombined real paragraphs: the first sentences of one, the last of another."""
    real = [found for _, articles in shared_articles(data) for article in articles
            for passage in split_passages(article) if (found := sentences(passage.text))]
    grown = recombined(real, np.random.default_rng(seed), paragraphs)
    articles = paragraphs // _PARAGRAPHS_PER_ARTICLE
    for start in range(0, articles, _ARTICLES_PER_FILE):
        lines = []
        for n in range(start, min(start + _ARTICLES_PER_FILE, articles)):
            article = list(islice(grown, _PARAGRAPHS_PER_ARTICLE))
            text = "\n\n".join(" ".join(joined) for _, joined in article)
            lines.append(json.dumps({"id": f"article-{n}", "title": real[article[0][0]][0][:80], "text": text}))
        (folder / f"articles-{start // _ARTICLES_PER_FILE:04d}.jsonl").write_text("\n".join(lines), encoding="utf-8")


def _load(content: Path, index_dir: Path) -> dict:
    """One load in a fresh process, with the machine's load average (1 minute) before and after it: the first
    start uses every core, so another job on the machine shows in its seconds."""
    before = os.getloadavg()[0]
    done = subprocess.run([sys.executable, "-c", _LOAD, str(content), str(index_dir)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "load": (before, os.getloadavg()[0])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=680_000,
                        help="paragraphs to write (the default gives about a million passages)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bm25-store-") as work:
        content, index_dir = Path(work) / "content", Path(work) / ".index"
        content.mkdir()
        write_content(content, args.paragraphs, args.data)
        cold = _load(content, index_dir)
        warm = _load(content, index_dir)
        on_disk = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file())
    assert not cold["from_cache"] and warm["from_cache"], "the second load should have used the saved index"
    body = (
        f"Machine: {machine()}.\n\n"
        f"{cold['articles']:,} articles, {cold['passages']:,} passages of recombined real paragraphs in JSON Lines "
        f"files; each load in a fresh process (`python -m benchmarks.store_speed --paragraphs {args.paragraphs}`); "
        f"load average {cold['load'][0]:.1f} before the first start, {cold['load'][1]:.1f} after it.\n\n"
        "| load | seconds | peak RSS (MB) | a worker's peak RSS (MB) | first search (ms) |\n|---|---:|---:|---:|---:|\n"
        f"| cold: read, split, tokenize, build, save | {cold['seconds']:.1f} | {cold['peak_mb']:,.0f} "
        f"| {cold['workers_peak_mb']:,.0f} | {cold['first_search_s'] * 1000:.1f} |\n"
        f"| warm: load the saved index | {warm['seconds']:.2f} | {warm['peak_mb']:,.0f} "
        f"| {warm['workers_peak_mb']:,.0f} | {warm['first_search_s'] * 1000:.1f} |\n\n"
        f"Saved index on disk: {on_disk / 2**20:,.0f} MB. " + _judged(cold, warm)
    )
    print(body)
    if args.write:
        update_readme(ROOT / "benchmarks" / "README.md", "Saved index: cold build vs warm load", body)
    return 0


# The targets are set for a million passages; a smaller run says nothing of them.
_TARGET_PASSAGES = 1_000_000


def _judged(cold: dict[str, Any], warm: dict[str, Any]) -> str:
    if cold["passages"] < _TARGET_PASSAGES:
        return f"The targets (at {_TARGET_PASSAGES:,} passages) are not judged at this size."
    return (f"Targets at 1M passages: warm load <= 1 s - {'met' if warm['seconds'] <= 1 else 'NOT met'}; first start "
            f"<= 90 s with peak <= 2.5 GB - {'met' if cold['seconds'] <= 90 and cold['peak_mb'] <= 2500 else 'NOT met'}.")


if __name__ == "__main__":
    sys.exit(main())
