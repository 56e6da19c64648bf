"""The questions a load run asks: drawn from the library's own sentences, some off-topic (the no-answer
path), and after the reload some about the article it adds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .content import NEW_ARTICLE_QUESTION, NEW_ARTICLE_TITLE

OFF_TOPIC_SHARE = 0.1
TEMPLATES = ("What about {}?", "Why {}?", "How {}?", "What do the articles say about {}?")
OFF_TOPIC = (
    "What is the best recipe for sourdough bread?",
    "How do I calibrate a qzxvyl blorptangle?",
    "Where can I buy vexmirquan zumbrelk tickets?",
    "Who won the blorptangle qzxvyl cup last year?",
    "How often should I water a zumbrelk vexmirquan?",
    "Which skateboard wheels grip best on wet cobblestones?",
)


@dataclass
class Question:
    index: int
    text: str
    category: str  # "on_topic" (drawn from a sentence), "off_topic" or "new_article" (after the reload)
    via: str  # "mention" or "ask"
    source_title: str | None = None


def _fragment(text: str, rng: np.random.Generator) -> str | None:
    from retrieval.sentences import sentence_spans

    sentences = [text[a:b].split() for a, b in sentence_spans(text)]
    sentences = [s for s in sentences if len(s) >= 6]
    if not sentences:
        return None
    words = sentences[int(rng.integers(len(sentences)))]
    size = min(len(words), int(rng.integers(5, 10)))
    start = int(rng.integers(0, len(words) - size + 1))
    fragment = " ".join(words[start:start + size]).strip(" ,;:.!?\"'()[]\u201c\u201d\u2018\u2019")
    if "<@" in fragment or "@everyone" in fragment or "@here" in fragment or len(fragment) < 10:
        return None
    return TEMPLATES[int(rng.integers(len(TEMPLATES)))].format(fragment)


def plan_questions(folder: Path, count: int, reload_index: int | None, seed: int = 0) -> list[Question]:
    """`count` questions: mostly drawn from the library's sentences, `OFF_TOPIC_SHARE` off-topic, and
    after `reload_index` every 20th (at least 2 in all) about the article the reload adds."""
    from retrieval.ingest import read_content
    from retrieval.passages import split_passages

    rng = np.random.default_rng(seed)
    articles, _, _ = read_content(folder)
    if not articles:
        raise SystemExit(f"no article in {folder}")
    probe_every = 20
    if reload_index is not None and count - reload_index < 2 * probe_every:
        probe_every = max(1, (count - reload_index) // 2)
    questions: list[Question] = []
    for index in range(count):
        via = "mention" if rng.random() < 0.5 else "ask"
        if reload_index is not None and index > reload_index and (index - reload_index) % probe_every == 0:
            questions.append(Question(index, NEW_ARTICLE_QUESTION, "new_article", via, NEW_ARTICLE_TITLE))
            continue
        if rng.random() < OFF_TOPIC_SHARE:
            questions.append(Question(index, OFF_TOPIC[int(rng.integers(len(OFF_TOPIC)))], "off_topic", via))
            continue
        text = None
        for _ in range(100):
            article = articles[int(rng.integers(len(articles)))]
            passages = split_passages(article)
            if passages and (text := _fragment(passages[int(rng.integers(len(passages)))].text, rng)):
                break
        if text is None:
            raise SystemExit(f"could not draw a question from the sentences in {folder}")
        questions.append(Question(index, text, "on_topic", via, article.title))
    return questions
