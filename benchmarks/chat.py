"""SQuAD asked the way members of a chat server ask: wrapped in chat filler, or typed as keywords.

    python -m benchmarks.chat [--data ../shared/data] [--seed 0] [--failures 30]

Three forms of every SQuAD dev question, each asked of SQuAD's 2,067 paragraphs through `Library.answer`:

- plain: the question as SQuAD has it;
- chat (fresh and dev with the other template sets): the question wrapped in chat filler by `chat_wrapped`
  (openers such as "hey all," or "does anyone know", closers such as "thanks in advance" or an emoji, whole frames with the question in the middle,
  all lower case or no "?" some of the time). The question's own words are always kept, in order;
- keywords: the question's content words only (`keyword_form`), as "super bowl 50 afc team".

The templates are split in two halves (`TEMPLATES`): questions of SQuAD's tuning part are wrapped with the
tuning half only, those of its held-out part with the held-out half only. The held-out half's leftovers were
looked at on 2026-12-04 while the filler rules were being worked on, so a third set, written blind that day
(`chat_templates_fresh`), wraps every question once more (the "fresh" form): phrasings that no rule and no
model was made with, the honest measure of how the stripping generalises; its failures are never printed.
A fourth set, also written blind (`chat_templates_dev`, the "dev" form), is the one to work from. The questions of the seven other sets,
off-topic for Wikipedia paragraphs, are asked plain and wrapped the same way (every other one of each set
tunes) and should be declined.

Measured per form and part (`chat_report`): top-1 and top-5 paragraph (as `benchmarks.quality.rank` ranks:
each paragraph at its best passage), the share declined (`Answer.no_answer`), the share answered other than
with a passage (`Answer.kind != "passage"`), and rare-word violations: a hit lacking the question's rarest
matched term ranked above a hit holding it that has a higher rank-bm25 score (over the re-ranked hits).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import TextIO

from retrieval import Library, RetrievalSettings
from retrieval.context import context_terms, ranking_scores, ranking_weights
from retrieval.no_answer import term_weights
from retrieval.stopwords import ENGLISH
from retrieval.filler import strip_chat
from retrieval.understand import understand

from .common import DATA
from .judged import ALL_SETS, SQUAD, all_questions, parts
from .chat_templates import TEMPLATES
from .runs import SetRun, run_set

PARTS = ("tuning", "held-out")
FORMS = ("plain", "chat", "fresh", "dev", "keywords")
# The wrapped forms, each with its own templates ("chat": the question's part's half).
WRAPPED = ("chat", "fresh", "dev")

# A word that may start a question without being a name: lower-cased when the question runs on in a sentence.
_FUNCTION_WORDS = ENGLISH | {"according", "name", "approximately", "roughly", "along", "besides", "apart"}
_QUESTION_START = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are", "was",
                   "were", "do", "does", "did", "can", "could", "should", "would", "will", "has", "have", "had",
                   "name", "according"}
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")


def words(text: str) -> list[str]:
    """`text`'s words, case-folded, for checking that a wrapping kept the question's words."""
    return [w.casefold() for w in _WORD.findall(text)]


def is_question(text: str) -> bool:
    """Whether `text` is asked as a question ("In what year ...?") rather than a claim or a topic."""
    first = words(text)[:3]
    return text.rstrip().endswith("?") or bool(first and first[0] in _QUESTION_START) \
        or any(w in {"what", "which", "who", "when", "where", "how", "why"} for w in first)


def _running_on(text: str) -> str:
    """The question as it runs on inside a sentence: "Which NFL team ..." -> "which NFL team ..."."""
    first = _WORD.match(text)
    if first and first.start() == 0 and first.group().casefold() in _FUNCTION_WORDS:
        return text[0].lower() + text[1:]
    return text


def _fill(template: str, text: str) -> str:
    return template.replace("{Q}", text[:1].upper() + text[1:]).replace("{q}", _running_on(text))


def chat_wrapped(text: str, part: str, seed: int = 0) -> str:
    """`text` as a member might post it in chat, wrapped with `part`'s templates ("tuning", "held-out", "fresh",
    "dev").

    The same text, part and seed always give the same message; every word of `text` is kept, in order
    and side by side (only their case and the final punctuation may change).
    """
    rng = random.Random(f"{seed}\x00{part}\x00{text}")
    asked = is_question(text)
    bare = text.strip().rstrip("?.! ")  # Cranfield's questions end " ."
    mark = "?" if asked and rng.random() >= 0.4 else ""
    shape = rng.random()
    if shape < 0.2:
        # A frame, with the question mid-sentence and without its "?".
        message = _fill(rng.choice(TEMPLATES["frames" if asked else "telling"][part]), bare)
        closer = rng.random() < 0.3
    else:
        lead = rng.random() < 0.45
        if lead:  # "does anyone know which ...", "is it true that ..."
            inner = _fill(rng.choice(TEMPLATES["asking" if asked else "telling"][part]), bare)
            inner += "?" if mark or (not asked and rng.random() < 0.5) else ""
        else:
            inner = bare + mark
        opener = shape < 0.75 and (not lead or rng.random() < 0.5)
        message = _fill(rng.choice(TEMPLATES["openers"][part]), inner) if opener else inner
        closer = shape >= 0.5 or not (opener or lead)
    if closer:
        end = rng.choice(TEMPLATES["closers"][part])
        separators = (" ", " ", ", ", " - ", "\n") if message[-1].isalnum() and end[0].isalnum() else (" ", " ", "\n")
        message += rng.choice(separators) + end
    return message.lower() if rng.random() < 0.3 else message


# Question words and the like, dropped from the keyword form besides the stopwords.
_NOT_KEYWORDS = ENGLISH | {"whose", "many", "much", "whats"}


def keyword_form(text: str) -> str:
    """`text`'s content words only, in order and lower case: "Which NFL team represented the AFC at Super Bowl
    50?" -> "nfl team represented afc super bowl 50". A text of nothing but question words stays whole."""
    kept = []
    for word in _WORD.findall(text.casefold().replace("’", "'")):
        word = word.removesuffix("'s")
        if word and word not in _NOT_KEYWORDS:
            kept.append(word)
    return " ".join(kept) if kept else " ".join(words(text))


# --- Asking ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Asked:
    """What the library made of one message."""

    documents: list[str]  # the documents of its hits, each once, best first
    declined: bool  # Answer.no_answer
    kind: str  # Answer.kind
    violations: int  # pairs of hits out of rare-word order (see `rare_word_violations`)


def rare_word_violations(library: Library, search: str, hits: Sequence) -> int:
    """Pairs of hits where one lacking the question's rarest matched term is ranked above one holding it that
    has a higher rank-bm25 score. The rarest term and the scores are the re-ranker's: of the searched terms the
    collection holds (two at least), the one of largest match weight, and each hit's exact score, both with the
    context around the question counted for less (`retrieval/context.py`)."""
    terms, share = library.analyzer(search), library.settings.rerank.context
    context = context_terms(library.analyzer, search)
    weights = ranking_weights(term_weights(library.index, terms), context, share)
    known = [t for t in weights if t in library.index.vocabulary]
    if len(known) < 2:
        return 0
    rarest = max(known, key=lambda t: weights[t])
    passages = [library.position(hit) for hit in hits]
    scores = ranking_scores(library.index, terms, context, share, passages, [hit.score for hit in hits])
    holds = [library.index.contains(library.index.vocabulary[rarest], p) for p in passages]
    return sum(1 for i in range(len(hits)) if not holds[i]
               for j in range(i + 1, len(hits)) if holds[j] and scores[j] > scores[i])


def ask(library: Library, message: str) -> Asked:
    """Ask `message` as the bot does; the hits cover the whole re-ranked head (and 5 at least)."""
    answer = library.answer(message, max(5, library.settings.rerank.depth))
    documents = list(dict.fromkeys(hit.article.id for hit in answer.hits))
    violations = 0
    if answer.kind == "passage" and answer.hits:
        violations = rare_word_violations(library, library.spelled(understand(message).search), answer.hits)
    return Asked(documents, answer.no_answer, answer.kind, violations)


def forms(text: str, part: str, seed: int = 0) -> dict[str, str]:
    wrapped = {form: chat_wrapped(text, part if form == "chat" else form, seed) for form in WRAPPED}
    return {"plain": text} | wrapped | {"keywords": keyword_form(text)}


@dataclass
class ChatRun:
    """Every SQuAD question asked in each form, and the off-topic questions plain and wrapped."""

    run: SetRun
    seed: int
    messages: dict[str, dict[str, str]]  # query -> form -> message
    asked: dict[str, dict[str, Asked]]  # query -> form -> outcome
    part_of: dict[str, str]  # query -> "tuning" or "held-out"
    off_topic: dict[str, list[tuple[str, str, dict[str, Asked]]]]  # part -> (set, question, plain and WRAPPED forms)
    seconds: float


def ask_all(run: SetRun, seed: int = 0) -> ChatRun:
    started = time.perf_counter()
    library, judged = run.library, run.judged
    part_of = {q: part for part, qrels in parts(judged).items() for q in qrels}
    messages = {q: forms(judged.queries[q], part_of[q], seed) for q in judged.qrels}
    asked = {q: {form: ask(library, message) for form, message in by_form.items()} for q, by_form in messages.items()}
    off_topic: dict[str, list[tuple[str, str, dict[str, Asked]]]] = {part: [] for part in PARTS}
    for name in ALL_SETS[1:]:
        folder = judged.folder.parent / name
        if not (folder / "queries.jsonl").exists():
            continue
        for n, question in enumerate(all_questions(folder)):
            part = PARTS[n % 2]
            off_topic[part].append((name, question, {form: ask(library, message) for form, message
                                                     in forms(question, part, seed).items() if form != "keywords"}))
    return ChatRun(run, seed, messages, asked, part_of, off_topic, time.perf_counter() - started)


# --- Report ---------------------------------------------------------------------------------------------

def _share(flags: Sequence[bool]) -> float:
    return fmean(flags) if flags else 0.0


def chat_report(run: SetRun, out: TextIO, seed: int = 0) -> ChatRun:
    """Print the chat-style SQuAD tables for the SQuAD `run` (its library is SQuAD's paragraphs)."""
    chat = ask_all(run, seed)
    qrels = run.judged.qrels
    print(f"\n## Chat-style SQuAD (benchmarks/chat.py, seed {seed})\n", file=out)
    print("Every SQuAD question asked plain, wrapped in chat filler (chat: tuning questions with the tuning\n"
          "templates, held-out ones with the held-out templates; fresh: every question with the fresh templates,\n"
          "written blind and never looked at; dev: with a second blind set, looked at) and as its keywords. Declined: `no_answer`; not a passage:\n"
          "answered as a question about the articles or small talk. Rare-word violations: pairs of hits where one\n"
          "lacking the question's rarest matched term is above one holding it with a higher rank-bm25 score\n"
          "(questions with any / pairs). Targets: chat top-1 within 2 points of plain, declined <= 5 %; no\n"
          "violation.\n", file=out)
    print("| form | part | questions | top-1 | top-1 vs plain | top-5 | declined | not a passage "
          "| rare-word violations |\n|---|---|---:|---:|---:|---:|---:|---:|---:|", file=out)
    for part in PARTS:
        queries = [q for q in qrels if chat.part_of[q] == part]
        plain_top1 = None
        for form in FORMS:
            results = [chat.asked[q][form] for q in queries]
            top1 = _share([bool(a.documents) and a.documents[0] in qrels[q] for q, a in zip(queries, results)])
            top5 = _share([bool(set(a.documents[:5]) & qrels[q].keys()) for q, a in zip(queries, results)])
            plain_top1 = top1 if plain_top1 is None else plain_top1
            delta = "" if form == "plain" else f"{100 * (top1 - plain_top1):+.1f} pts"
            violated = sum(a.violations > 0 for a in results)
            declined, routed = _share([a.declined for a in results]), _share([a.kind != "passage" for a in results])
            print(f"| {form} | {part} | {len(queries):,} | {top1:.4f} | {delta} | {top5:.4f} | {declined:.3f} "
                  f"| {routed:.3f} | {violated:,} / {sum(a.violations for a in results):,} |", file=out)
    print("\nOff-topic questions (the seven other sets; every other one of each set tunes) against SQuAD's\n"
          "paragraphs, asked plain and wrapped with their part's templates: all should be declined.\n", file=out)
    asked_forms = ("plain", *WRAPPED)
    print("| off-topic questions | part | questions | " + " | ".join(f"declined {f}" for f in asked_forms) + " | "
          + " | ".join(f"not a passage {f}" for f in asked_forms) + " |\n|---|---|---:|"
          + "---:|" * (2 * len(asked_forms)), file=out)
    for part in PARTS:
        rows = [asked for _, _, asked in chat.off_topic[part]]
        declined = " | ".join(f"{_share([by_form[f].declined for by_form in rows]):.3f}" for f in asked_forms)
        routed = " | ".join(f"{_share([by_form[f].kind != 'passage' for by_form in rows]):.3f}" for f in asked_forms)
        print(f"| all | {part} | {len(rows):,} | {declined} | {routed} |", file=out)
    print(f"\n{len(qrels):,} SQuAD questions x {len(FORMS)} forms and "
          f"{sum(len(r) for r in chat.off_topic.values()):,} off-topic questions x {len(asked_forms)} in "
          f"{chat.seconds:.0f}s.", file=out)
    return chat


def chat_failures(chat: ChatRun, out: TextIO, count: int = 30, part: str = "tuning", form: str = "chat") -> None:
    """Questions of `part` answered plain (right paragraph first, not declined) but declined or mis-ranked when
    wrapped (`form`), a seeded sample of `count`, with what `strip_chat` made of the wrapping. Never "fresh":
    its failures are not looked at, so that it stays a measure of phrasings nobody worked from."""
    if form == "fresh":
        raise ValueError("the fresh templates' failures are not looked at")
    qrels = chat.run.judged.qrels
    failed = []
    for q, asked in chat.asked.items():
        plain, wrapped = asked["plain"], asked[form]
        right = bool(plain.documents) and plain.documents[0] in qrels[q] and not plain.declined
        if chat.part_of[q] == part and right and (wrapped.declined or not wrapped.documents
                                                 or wrapped.documents[0] not in qrels[q]):
            failed.append(q)
    declined = sum(chat.asked[q][form].declined for q in failed)
    print(f"\n## {part}, {form}: {len(failed):,} questions answered plain but declined or mis-ranked wrapped ({declined:,} "
          f"declined, {len(failed) - declined:,} mis-ranked; {min(count, len(failed))} shown)\n", file=out)
    for q in random.Random(chat.seed).sample(failed, min(count, len(failed))):
        message = chat.messages[q][form]
        wrapped = chat.asked[q][form]
        outcome = "declined" if wrapped.declined else ("mis-ranked" if wrapped.kind == "passage" else wrapped.kind)
        print(f"- {outcome}: {message!r}\n  plain:      {chat.messages[q]['plain']!r}\n"
              f"  strip_chat: {strip_chat(message)!r}\n  searched:   {understand(message).search!r}", file=out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chat", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help=f"folder holding the sets (default {DATA})")
    parser.add_argument("--seed", type=int, default=0, help="seed of the chat wrapping")
    parser.add_argument("--failures", type=int, default=0, metavar="N",
                        help="also print N questions answered plain but not wrapped (--part, --form)")
    parser.add_argument("--form", choices=("chat", "dev"), default="chat", help="the wrapped form of --failures")
    parser.add_argument("--part", choices=PARTS, default="tuning", help="the part of --failures")
    parser.add_argument("--settings", default="{}", help="RetrievalSettings overrides as JSON")
    args = parser.parse_args(argv)
    run = run_set(args.data, SQUAD, RetrievalSettings.model_validate_json(args.settings))
    chat = chat_report(run, sys.stdout, args.seed)
    if args.failures:
        chat_failures(chat, sys.stdout, args.failures, args.part, args.form)
    return 0


if __name__ == "__main__":
    sys.exit(main())
