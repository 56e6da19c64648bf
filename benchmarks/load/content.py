"""The content a load run answers from: the seeds, any folder (copied), or a large library grown from real
text; and the article a moderator adds halfway, with the question only it answers."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from ..common import DATA, ROOT

SEEDS = ROOT / "seeds"

# The article a moderator adds halfway through, and the question only it answers.
NEW_ARTICLE_FILE = "zz-load-benchmark-reload.md"
NEW_ARTICLE_TITLE = "Selenara Station Greenhouse Sprouts Its First Lettuce"
NEW_ARTICLE = f"""---
title: {NEW_ARTICLE_TITLE}
authors: Rosa Diaz
---

Astronauts at Selenara station harvested twelve heads of lettuce grown in regolith under LED lamps,
the first crop of the lunar greenhouse.
"""
NEW_ARTICLE_QUESTION = "How many heads of lettuce did astronauts harvest at Selenara station?"


@dataclass
class BuiltContent:
    articles: int
    passages: int
    real_passages: int


def build_library(folder: Path, passages: int, data: Path = DATA, seed: int = 0) -> BuiltContent:
    """Write a JSON Lines content folder of `passages` passages of real text into `folder`.

    The real articles of the shared sets come first, unchanged (~72k passages in all). Past those,
    new articles of 2-5 paragraphs are grown from their passages by `benchmarks.corpus.recombined`,
    as the speed benchmark grows its passages: each paragraph joins the opening sentences of one
    real passage to the closing sentences of another (seeded, every pair distinct), under the first
    one's title, so the text is new but lengths and word frequencies stay those of real text.
    Passages are counted with the bot's own splitter, so the bot loads exactly the reported count.
    """
    from retrieval.models import Article, Paragraph
    from retrieval.passages import split_passages

    from ..corpus import recombined, sentences, shared_articles

    if not data.is_dir():
        raise SystemExit(f"--passages needs the shared text in {data} (read-only); it is missing")
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    total = articles = 0
    pool: list[tuple[str, list[str]]] = []  # (title, sentences) of the real passages of 2+ sentences
    real_articles = ((name, article) for name, group in shared_articles(data) for article in group)
    with (folder / "real.jsonl").open("w", encoding="utf-8") as out:
        for name, article in real_articles:
            found = split_passages(article)
            if total + len(found) > passages:
                break
            if not found:
                continue
            record = {"id": f"{name}/{article.id}", "title": article.title,
                      "text": "\n\n".join(p.text for p in article.paragraphs)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            total += len(found)
            articles += 1
            pool += [(article.title, said) for passage in found if len(said := sentences(passage.text)) >= 2]
    real = total

    def count(article_id: str, title: str, texts: list[str]) -> int:
        paragraphs = [Paragraph(text=t) for t in texts]
        return len(split_passages(Article(id=article_id, title=title, paragraphs=paragraphs, source="")))

    # Every paragraph gives a passage or more, so twice the shortfall is plenty, whatever is cut at the end.
    grown = recombined([said for _, said in pool], rng, 2 * (passages - total) + 10) if len(pool) > 1 else iter(())
    with (folder / "grown.jsonl").open("w", encoding="utf-8") as out:
        while total < passages:
            joins = list(islice(grown, int(rng.integers(2, 6))))
            if not joins:
                break
            title = pool[joins[0][0]][0]
            texts = [" ".join(said) for _, said in joins]
            article_id = f"grown/{articles}"
            found = count(article_id, title, texts)
            # The last article is cut short so that the library has exactly `passages` passages.
            while total + found > passages and texts:
                words = texts[-1].split()
                texts[-1] = " ".join(words[:len(words) // 2]) if len(words) > 20 else ""
                texts = [t for t in texts if t]
                found = count(article_id, title, texts) if texts else 0
            if not texts:
                continue
            total += found
            articles += 1
            out.write(json.dumps({"id": article_id, "title": title, "text": "\n\n".join(texts)},
                                 ensure_ascii=False) + "\n")
    return BuiltContent(articles=articles, passages=total, real_passages=real)


def stage_content(folder: Path, content: Path | None, passages: int | None, data: Path, seed: int) -> str:
    """Fill `folder` (a temporary directory: the benchmark adds an article to it) and describe it."""
    if passages:
        built = build_library(folder, passages, data, seed)
        return (f"{built.passages:,} passages in {built.articles:,} articles of real text from {data} "
                f"({built.real_passages:,} real passages, the rest recombined)")
    source = content or SEEDS
    if source.is_dir():
        shutil.copytree(source, folder, dirs_exist_ok=True)
    else:
        shutil.copy2(source, folder)
    return f"{'the seeds' if content is None else source}"
