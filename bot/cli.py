"""`python -m bot`: ask, why, index, insights, console, run, cluster, sync."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from retrieval import Answer, Article, ContentError, Library, explain
from retrieval.managed import HiddenArticles, HiddenListDamaged, ManagedArticles
from retrieval.progress import TerminalProgress

from .render import render_answer
from .settings import Settings, describe_errors
from .terminal import console_for, from_discord

log = logging.getLogger("bot")


def _article_json(article: Article) -> dict:
    return {"id": article.id, "title": article.title, "authors": article.authors, "source": article.source,
            "url": article.url, "date": article.date}


def _answer_json(answer: Answer) -> dict:
    """What `ask --json` prints. `kind` tells a quote ("passage", with the no-answer model's score) from a fact
    about one article ("article", which names it), a list with one answer per article ("articles", with how
    many match) and small talk."""
    out: dict = {"question": answer.question, "kind": answer.kind, "fact": answer.fact, "no_answer": answer.no_answer}
    if answer.kind == "article":
        out["article"] = _article_json(answer.article) if answer.article else None
    if answer.kind == "articles":
        out["total"] = answer.total
    if answer.kind == "passage":
        out["answerable"] = answer.answerable
    out["answers"] = [
        {"score": hit.score, "quote": hit.passage.text, "highlight": hit.highlighted_text,
         "article": _article_json(hit.article)}
        for hit in ([] if answer.no_answer else answer.hits)
    ]
    return out


def _index_json(library: Library) -> dict:
    return {
        "articles": [
            {"id": a.id, "title": a.title, "authors": a.authors, "source": a.source,
             "passages": library.passage_count(a.id)}
            for a in library.articles.values()
        ],
        "passages": len(library.passages),
        "skipped": [s.model_dump() for s in library.report.skipped],
    }


def _load(settings: Settings, content: Path | None, quiet: bool) -> Library:
    progress = TerminalProgress(enabled=not quiet)
    if content is not None:  # a one-off folder, built in memory, as it is
        library = Library.load(content, settings.retrieval, progress)
    else:  # the configured collection, as the bot serves it: with what moderators added and hid
        library = Library.load(settings.content_path, settings.retrieval, progress, index_dir=settings.index_path,
                               added=ManagedArticles(settings.data_path).folder,
                               hidden=HiddenArticles(settings.data_path).ids())
    progress.finish(library.report)
    if not quiet:
        for skipped in library.report.skipped:
            print(f"warning: skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    return library


def console(library: Library, stdin: TextIO, stdout: TextIO, k: int) -> None:
    """Every line of input is a question; every answer is printed as the bot would post it, read for a terminal."""
    out = console_for(stdout)
    interactive = stdin.isatty()
    if interactive:
        print(f"Loaded {library.report.summary()}. Ask a question (Ctrl-D to quit).", file=stdout)
    while True:
        if interactive:
            print("? ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            continue
        out.print(from_discord(render_answer(library.answer(question, k))))
        out.print()


def _positive(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Answer questions from an article collection.")
    commands = parser.add_subparsers(dest="command", required=True)
    content = argparse.ArgumentParser(add_help=False)
    content.add_argument("--content", type=Path, help="folder or file of articles (default: content_path setting)")

    ask = commands.add_parser("ask", parents=[content], help="answer one question")
    ask.add_argument("question")
    ask.add_argument("-k", type=_positive, default=None, help="how many passages to return (default: top_k setting)")
    ask.add_argument("--json", action="store_true", help="machine-readable output")

    why = commands.add_parser("why", parents=[content],
                              help="explain the answer to a question: its terms' scores, ranks and the runner-up")
    why.add_argument("question")

    index = commands.add_parser("index", parents=[content], help="load the content and report what was read")
    index.add_argument("--json", action="store_true", help="machine-readable output")

    insights = commands.add_parser("insights", help="what members asked lately, and the answers voted down most")
    insights.add_argument("--days", type=_positive, default=7, help="how many days back (default: 7)")
    insights.add_argument("--json", action="store_true", help="machine-readable output")

    commands.add_parser("console", parents=[content], help="answer questions typed on standard input")
    run = commands.add_parser("run", help="connect to Discord (falls back to the console without a token)")
    run.add_argument("--shard-count", type=_positive, help="how many shards the bot has in all (setting shard_count)")
    run.add_argument("--shard-ids", help="which of them this process runs, e.g. 0,1 (setting shard_ids)")
    cluster = commands.add_parser(
        "cluster", help="run the bot on Discord as several processes on this machine, restarting any that ends")
    cluster.add_argument("--processes", type=_positive, default=os.cpu_count() or 1,
                         help="how many processes (default: one per core)")
    cluster.add_argument("--shard-count", type=_positive,
                         help="how many shards in all (default: setting shard_count, else one per process)")
    cluster.add_argument("--shard-ids", help="this machine's shards, shared out among its processes (default: all)")
    sync = commands.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument("--guild", type=int, help="sync to one server (instant) instead of globally")
    return parser


def _insights(settings: Settings, days: int, as_json: bool) -> int:
    from retrieval import Analyzer
    from retrieval.gaps import question_terms

    from . import insights
    from .storage import DatabaseTooNew

    try:
        # The articles' titles, from the collection as the bot serves it (its saved index loads in a second).
        library = _load(settings, None, quiet=True)
        titles = lambda article_id: getattr(library.articles.get(article_id), "title", None)  # noqa: E731
    except (ContentError, OSError) as exc:
        log.warning("articles shown by id: the content cannot be read (%s)", exc)
        titles = lambda _: None  # noqa: E731
    try:
        report = insights.read(settings.database_url, settings.data_path, days,
                               question_terms(Analyzer(settings.retrieval.analyzer)), titles)
    except DatabaseTooNew as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if report is None:
        print("error: the database cannot be read (see above)", file=sys.stderr)
        return 1
    print(json.dumps(report, ensure_ascii=False, indent=2) if as_json else "\n".join(insights.lines(report)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("ask", "why") and not args.question.strip():
        parser.error(f'{args.command} needs a question, e.g. python -m bot {args.command} "Who wrote about Sudan?"')
    try:
        # Flags given on the command line win over the settings file and the environment.
        shards = {name: getattr(args, name) for name in ("shard_count", "shard_ids") if getattr(args, name, None)}
        settings = Settings(**shards)
    except ValidationError as exc:
        print(describe_errors(exc), file=sys.stderr)
        return 2
    # The one-shot commands and the console print their own results; only the bot on Discord chats at INFO.
    on_discord = args.command in ("run", "sync", "cluster") and settings.token is not None
    level = settings.log_level if on_discord or settings.log_level == "DEBUG" else "WARNING"
    # A process of several says which in each line: their lines meet in one terminal or journal.
    which = f"[shards {','.join(map(str, settings.shard_ids))}] " if settings.shard_ids else ""
    logging.basicConfig(level=level, format=f"%(asctime)s %(levelname)s {which}%(name)s: %(message)s")
    quiet = getattr(args, "json", False)
    try:
        if args.command in ("run", "sync") and settings.token is not None:
            from .client import run_discord

            return run_discord(settings, sync_only=args.command == "sync", sync_guild=getattr(args, "guild", None))
        if args.command == "cluster":
            from .cluster import refusal, run_cluster

            if (refused := refusal(settings, args.processes)) is not None:
                print(f"error: {refused}", file=sys.stderr)
                return 2
            return run_cluster(settings, args.processes)
        if args.command == "insights":
            return _insights(settings, args.days, args.json)
        if args.command == "sync":
            print("sync needs a bot token: set DISCORD_TOKEN in the environment or .env", file=sys.stderr)
            return 2
        library = _load(settings, getattr(args, "content", None), quiet)
    except (ContentError, HiddenListDamaged) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    if args.command == "ask":
        answer = library.answer(args.question, args.k or settings.top_k)
        if args.json:
            print(json.dumps(_answer_json(answer), ensure_ascii=False, indent=2))
        else:
            console_for(sys.stdout).print(from_discord(render_answer(answer)))
        return 0
    if args.command == "why":
        print("\n".join(explain(library, args.question).lines()))
        return 0
    if args.command == "index":
        if args.json:
            print(json.dumps(_index_json(library), ensure_ascii=False, indent=2))
        else:
            print(library.report.summary())
            for article in library.articles.values():
                print(f"  {article.title}  ({library.passage_count(article.id)} passages, {article.source})")
        return 0
    if args.command == "run":
        print("No DISCORD_TOKEN set: answering questions here in the console instead.", file=sys.stderr)
    console(library, sys.stdin, sys.stdout, settings.top_k)
    return 0
