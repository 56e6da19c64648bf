"""Questions about the articles, replies under an answer and small talk, phrased the way members phrase them.

    python -m benchmarks.meta_questions [--failures N]

Two sets of phrasings (`meta_templates_dev`, `meta_templates_fresh`), written blind on 2026-12-05 from general
knowledge of chat, independently of `retrieval/understand.py` and of each other: the dev set is the one to work
from (its failures are printed with --failures); the fresh set is the honest measure and its failures are never
printed. Each phrasing is asked of the seed articles through `Library.answer`, with its subject or author name
filled in (`SUBJECTS`, `NAMES`: chosen for the seeds, not from the phrasings), or as a reply under an answer
quoting one of them (`FollowUp`), and is right when the answer is what a member asked for:

- who wrote / what is it about / when was it published / the link, of an article named by its subject: that fact
  of that article (of an article with no date, a date question read as one and answered from the passages);
- what an author has written: their articles, each by them; which articles mention a subject: a list holding
  the article; what articles there are: the catalogue;
- a reply asking who wrote it / its date / its link: that fact of the article replied to; "go on": its next passage;
- greetings, thanks and help: small talk, of that kind;
- questions about the content that use such words ("who wrote the treaty ...", "when was the first newspaper
  published"): a passage answer, not one of the above.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from retrieval import Library
from retrieval.models import Answer
from retrieval.understand import FollowUp, understand

from . import meta_templates_dev, meta_templates_fresh

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
RUSSIA = "Why Russia And China See Eye-To-Eye On Cyber Security"
SUDAN = "In Sudan, A Surprise About-Face Marks Death Of The Revolution"
# Words a member might name each seed article by, and its authors' names.
SUBJECTS = {RUSSIA: ("cyber security", "Russia and China", "Kommersant"),
            SUDAN: ("Sudan", "military coup", "Hamdok")}
NAMES = {RUSSIA: ("Elena Chernenko", "Ivan Safronov"), SUDAN: ("Nesrine Malik",)}
SETS = {"dev": (meta_templates_dev, "DEV_"), "fresh": (meta_templates_fresh, "FRESH_")}


@dataclass(frozen=True)
class Asked:
    kind: str  # the template tuple's name, without its set's prefix: "AUTHORS", "REPLY_MORE", ...
    message: str
    answer: Answer
    right: bool


def _article(answer: Answer) -> str:
    return answer.article.title if answer.article is not None else ""


def _is_fact(fact: str, title: str) -> Callable[[Answer], bool]:
    return lambda a: (a.kind, a.fact, _article(a)) == ("article", fact, title)


def _lists(fact: str, holds: Callable[[Answer], bool] = lambda a: True) -> Callable[[Answer], bool]:
    return lambda a: a.kind == "articles" and a.fact == fact and not a.no_answer and holds(a)


def _cases(library: Library, kind: str, template: str) -> list[tuple[str, FollowUp | None, Callable[[Answer], bool]]]:
    """Each way `template` of `kind` is asked of the seeds, with what a right answer is."""
    by_title = {a.title: a for a in library.articles.values()}
    cases: list[tuple[str, FollowUp | None, Callable[[Answer], bool]]] = []
    facts = {"AUTHORS": "authors", "ABOUT": "about", "DATE": "date", "LINK": "link"}
    for title, subjects in SUBJECTS.items():
        for subject in subjects:
            message = template.format(subject=subject, name="")
            if kind == "DATE" and not by_title[title].date:
                # Of an article with no date, a date question is answered by its passages when one says
                # (`Library.answer`): right when it was read as a date question of that article.
                cases.append((message, None, lambda a, t=title, m=message: _is_fact("date", t)(a) or (
                    a.kind == "passage" and understand(m).fact == "date")))
            elif kind in facts:
                cases.append((message, None, _is_fact(facts[kind], title)))
            elif kind == "MENTIONS":
                cases.append((message, None, _lists("mentions", lambda a, t=title: t in {h.article.title for h in a.hits})))
            elif kind == "PASSAGE":
                cases.append((message, None, lambda a: a.kind == "passage"))
    for title, names in NAMES.items():
        for name in names:
            if kind == "BY_AUTHOR":
                message = template.format(subject="", name=name)
                cases.append((message, None, _lists("by_author", lambda a, n=name: bool(a.hits) and all(
                    n in h.article.authors for h in a.hits))))
    if kind.startswith("REPLY_"):
        for title, article in by_title.items():
            replied = FollowUp(article.id, 1)
            if kind == "REPLY_MORE":
                right = (lambda a, t=title: (a.kind, a.fact, _article(a)) == ("article", "more", t)
                         and bool(a.hits) and a.hits[0].passage.ordinal == 2)
            else:
                right = _is_fact(kind.removeprefix("REPLY_").lower(), title)
            cases.append((template, replied, right))
    if kind == "CATALOGUE":
        cases.append((template, None, _lists("catalogue")))
    if kind in ("GREETING", "THANKS", "HELP"):
        cases.append((template, None, lambda a, f=kind.lower(): (a.kind, a.fact) == ("small_talk", f)))
    return cases


KINDS = ("AUTHORS", "BY_AUTHOR", "MENTIONS", "ABOUT", "DATE", "LINK", "CATALOGUE", "REPLY_AUTHORS", "REPLY_DATE",
         "REPLY_LINK", "REPLY_MORE", "GREETING", "THANKS", "HELP", "PASSAGE")


def ask_set(library: Library, name: str) -> list[Asked]:
    module, prefix = SETS[name]
    asked = []
    for kind in KINDS:
        for template in getattr(module, prefix + kind):
            for message, follow_up, right in _cases(library, kind, template):
                answer = library.answer(message, follow_up=follow_up)
                asked.append(Asked(kind, message, answer, right(answer)))
    return asked


def report(by_set: dict[str, list[Asked]], out: TextIO) -> None:
    print("| asked | " + " | ".join(f"{name}: right (asked)" for name in by_set) + " |\n|---|"
          + "---:|" * len(by_set), file=out)
    for kind in (*KINDS, "all"):
        cells = []
        for asked in by_set.values():
            chosen = [a for a in asked if kind in ("all", a.kind)]
            cells.append(f"{sum(a.right for a in chosen) / len(chosen):.3f} ({len(chosen):,})" if chosen else "-")
        print(f"| {kind.lower().replace('_', ' ')} | " + " | ".join(cells) + " |", file=out)


def failures(asked: list[Asked], out: TextIO, count: int) -> None:
    wrong = [a for a in asked if not a.right]
    print(f"\n## dev: {len(wrong):,} wrong ({min(count, len(wrong))} shown)\n", file=out)
    for a in wrong[:count]:
        outcome = f"{a.answer.kind}/{a.answer.fact or '-'}" + (" (declined)" if a.answer.no_answer else "")
        print(f"- {a.kind}: {a.message!r} -> {outcome} {_article(a.answer)!r} subject={a.answer.subject!r}", file=out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.meta_questions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--failures", type=int, default=0, metavar="N", help="also print N of the dev set's failures")
    args = parser.parse_args(argv)
    library = Library.load(SEEDS)
    by_set = {name: ask_set(library, name) for name in SETS}
    report(by_set, sys.stdout)
    if args.failures:
        failures(by_set["dev"], sys.stdout, args.failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
