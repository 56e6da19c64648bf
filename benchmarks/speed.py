"""Query and build speed of our BM25 index against rank-bm25 and bm25s, on the same tokens and queries.

    python -m benchmarks.speed --passages 10000 100000 1000000

Each engine is built and queried in its own fresh process (see `engines`), one size after another.
Prints a Markdown table; with --write, also updates the Speed section of benchmarks/README.md and
draws benchmarks/latency.png.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import corpus, engines
from .common import DATA, ROOT, machine
from .report import update_readme

# Above this size rank-bm25 (a full scan per query, ~1.4 s at a million passages) is timed on a sample.
RANK_FULL_UP_TO = 20_000


@dataclass
class Result:
    size: int
    engine: str
    build_s: float
    peak_mb: float
    p50_ms: float
    p95_ms: float
    timed: int


def _run_engine(engine: str, folder: Path, timed: int, exact: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.engines", engine, str(folder), "--timed", str(timed), "--exact", str(exact)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{engine} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(size: int, queries: int, data: Path | None, rank_sample: int, exact: int,
            log=print) -> tuple[list[Result], float, str]:
    """Results of every engine at one size, the largest |ours - rank-bm25| score difference, the text's source."""
    collection = corpus.build(size, queries, data)
    log(f"{size:,} passages ({collection.source}), {len(collection.queries)} queries")
    results = []
    with tempfile.TemporaryDirectory(prefix="bm25-speed-") as folder:
        engines.save_tokens(collection.passages, collection.queries, Path(folder))
        del collection
        for engine in engines.ENGINES + engines.available_references():
            timed = queries if engine != "rank-bm25" or size <= RANK_FULL_UP_TO else rank_sample
            run = _run_engine(engine, Path(folder), timed, exact if engine != "bm25s" else 0)
            latencies = np.asarray(run["latencies_ms"])
            results.append(Result(size, engine, run["build_s"], run["peak_mb"],
                                  float(np.percentile(latencies, 50)), float(np.percentile(latencies, 95)),
                                  len(latencies)))
            log(f"  {engine}: build {run['build_s']:.1f} s, p50 {results[-1].p50_ms:.2f} ms")
        ours, reference = (np.load(Path(folder) / f"scores-{e}.npy") for e in ("ours", "rank-bm25"))
        difference = float(np.abs(ours - reference).max()) if ours.size else 0.0
    return results, difference, "shared evaluation sets" if data else "synthetic"


def table(results: list[Result], differences: dict[int, float], exact: int) -> str:
    lines = [
        "| passages | engine | build (s) | build peak over tokens (MB) | query p50 (ms) | query p95 (ms) "
        "| queries timed | p50 speed-up vs rank-bm25 | p50 vs bm25s | max abs score diff vs rank-bm25 |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        same_size = {x.engine: x for x in results if x.size == r.size}
        rank, bm25s = same_size["rank-bm25"], same_size["bm25s"]
        diff = f"{differences[r.size]:.1e} ({exact} queries)" if r.engine == "ours" else ""
        lines.append(
            f"| {r.size:,} | {r.engine} | {r.build_s:.1f} | {r.peak_mb:,.0f} | {r.p50_ms:.2f} | {r.p95_ms:.2f} "
            f"| {r.timed} | {rank.p50_ms / r.p50_ms:,.0f}x | {r.p50_ms / bm25s.p50_ms:.2f} | {diff} |"
        )
    return "\n".join(lines)


def plot(results: list[Result], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for engine, colour in zip(engines.ENGINES + engines.REFERENCES, ("tab:blue", "tab:red", "tab:green", "tab:gray")):
        rows = [r for r in results if r.engine == engine]
        sizes = [r.size for r in rows]
        axes.plot(sizes, [r.p50_ms for r in rows], "o-", color=colour, label=f"{engine} p50")
        axes.plot(sizes, [r.p95_ms for r in rows], "s--", color=colour, alpha=0.6, label=f"{engine} p95")
    axes.set(xscale="log", yscale="log", xlabel="passages", ylabel="query latency (ms, k=10, one at a time)",
             title="BM25 query latency")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def targets(results: list[Result]) -> str:
    """The issue's targets, checked at the largest size measured."""
    size = max(r.size for r in results)
    by = {r.engine: r for r in results if r.size == size}
    ours, rank, bm25s = by["ours"], by["rank-bm25"], by["bm25s"]
    checks = [
        (f"query p50 <= bm25s's ({bm25s.p50_ms:.2f} ms)", ours.p50_ms <= bm25s.p50_ms, f"{ours.p50_ms:.2f} ms"),
        ("query p95 <= 10 ms", ours.p95_ms <= 10, f"{ours.p95_ms:.2f} ms"),
        (">= 200x faster than rank-bm25 (p50)", rank.p50_ms / ours.p50_ms >= 200, f"{rank.p50_ms / ours.p50_ms:,.0f}x"),
        ("build <= 20 s after tokenization", ours.build_s <= 20, f"{ours.build_s:.1f} s"),
        ("build peak <= 2 GB over the tokens", ours.peak_mb <= 2048, f"{ours.peak_mb:,.0f} MB"),
    ]
    lines = [f"Targets at {size:,} passages:", ""]
    lines += [f"- {'met' if ok else 'NOT met'}: {what} - measured {value}" for what, ok, value in checks]
    for name in engines.REFERENCES:
        if name in by:
            lines.append(f"- for reference, {name} in this run: query p50 {by[name].p50_ms:.2f} ms, "
                         f"p95 {by[name].p95_ms:.2f} ms")
    return "\n".join(lines)


def describe(args: argparse.Namespace, source: str) -> str:
    return (
        f"Machine: {machine()}.\n\n"
        f"Corpus: real passages from {source} (split with our passage splitter), grown past their count by "
        "joining the opening sentences of one passage to the closing sentences of another (seeded, no passage "
        f"repeated), tokenized once with our Analyzer. {args.queries} queries: real questions sampled evenly "
        "from every evaluation set (some are long paragraphs), short queries of common, middling and rare "
        "words, and queries with a word no passage has. k = 10, one query at a time, after 3 warm-up "
        f"queries. rank-bm25 is timed on {args.rank_sample} queries above {RANK_FULL_UP_TO:,} passages. "
        f"bm25s {_version('bm25s')} uses method=\"{engines.BM25S_METHOD}\" (its default), its numpy backend, "
        "and our tokens through its token-ids API. Ours also gets the tokens as term ids (lists of ints, "
        "numbered in order of first appearance), as the Library gives them: it numbers terms while "
        "analyzing. rank-bm25 gets the strings. rank-bm25 and ours are BM25Okapi (k1=1.5, b=0.75, "
        "epsilon=0.25). "
        + (f"tantivy {_version('tantivy')} (Rust, block-max WAND; for reference: its own BM25, Lucene's k1=1.2 "
           "b=0.75, so its scores are not compared) indexes the same tokens split on spaces, term frequencies "
           "only, one writer thread and so one segment, on disk in a temporary folder (memory-mapped, warm in the "
           "page cache); a query is a boolean OR of term queries. "
           if "tantivy" in engines.available_references() else "")
        + "Build peak: the highest resident memory while building, in a fresh process, minus "
        "the memory held once the tokens are loaded. The exactness column compares full score vectors "
        "(every passage) with rank-bm25's on the first queries."
    )


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--data", type=Path, default=DATA,
                        help="the shared evaluation sets (default: ../shared/data); synthetic text if absent")
    parser.add_argument("--rank-sample", type=int, default=20, help="queries timed on rank-bm25 at large sizes")
    parser.add_argument("--exact", type=int, default=5, help="queries whose full scores are compared")
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md and latency.png")
    args = parser.parse_args(argv)
    data = args.data if args.data.is_dir() else None

    results: list[Result] = []
    differences: dict[int, float] = {}
    source = "synthetic"
    for size in args.passages:
        found, differences[size], source = measure(size, args.queries, data, args.rank_sample, args.exact,
                                                   log=lambda text: print(text, file=sys.stderr, flush=True))
        results += found
    body = "\n\n".join([describe(args, source), table(results, differences, args.exact), targets(results)])
    print(body)
    if args.write:
        update_readme(ROOT / "benchmarks" / "README.md", "Query and build speed", body)
        plot(results, ROOT / "benchmarks" / "latency.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
