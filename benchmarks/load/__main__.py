"""The load benchmark's command line (see the package's description and benchmarks/README.md, "Load").

    python -m benchmarks.load --seconds 60 --rate 50 [--passages N | --content PATH] [--json FILE] ...
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

from ..common import DATA
from . import __doc__ as DESCRIPTION
from .cluster import run_cluster
from .config import DEFAULT_HEARTBEAT_MS, DEFAULT_RATE, LoadConfig
from .content import stage_content
from .report import code_version, machine_with_discord, markdown
from .run import run_in_process, run_separate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=DESCRIPTION.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to ask questions (default 60)")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE, help="questions a second (default 50)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--content", type=Path, help="content folder or file (default: the seeds); copied first")
    where.add_argument("--passages", type=int, help="build a library of this many passages of real text")
    parser.add_argument("--data", type=Path, default=DATA, help=f"shared text for --passages (default {DATA})")
    parser.add_argument("--members", type=int, default=None, help="members asking in turn (default: enough that "
                                                                   "the per-member cooldown never refuses one)")
    parser.add_argument("--heartbeat-ms", type=int, default=DEFAULT_HEARTBEAT_MS, help="gateway heartbeat interval")
    parser.add_argument("--no-reload", action="store_true", help="skip the moderator's /reload halfway")
    parser.add_argument("--in-process", action="store_true", help="run fake, driver and bot in one event loop")
    parser.add_argument("--processes", type=int, default=1,
                        help="run the bot as `python -m bot cluster --processes N` (N shards, a guild on each), "
                             "coordinated through a redis-server started for the run (default 1: the bot in this "
                             "process)")
    parser.add_argument("--drain", type=float, default=60.0, help="after the last question, wait at most this "
                                                                   "long for answers and the reload (default 60)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the full report as JSON to this file")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.rate <= 0 or args.seconds * args.rate > 1_000_000:
        parser.error("--seconds and --rate must be positive, and at most a million questions in all")
    if args.processes < 1 or (args.processes > 1 and args.in_process):
        parser.error("--processes must be at least 1, and more than 1 runs the bot in processes of its own: "
                     "not with --in-process")

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="load-benchmark-") as folder:
        staged = Path(folder) / "content"
        started = time.perf_counter()
        content = stage_content(staged, args.content, args.passages, args.data, args.seed)
        print(f"content staged in {time.perf_counter() - started:.1f} s: {content}", file=sys.stderr)
        config = LoadConfig(content=staged, seconds=args.seconds, rate=args.rate, members=args.members,
                            heartbeat_ms=args.heartbeat_ms, reload=not args.no_reload, seed=args.seed,
                            drain_seconds=args.drain)
        if args.processes > 1:
            run = run_cluster(config, args.processes, Path(folder))
        else:
            run = run_in_process(config) if args.in_process else run_separate(config)
        report = asyncio.run(run)
    report["machine"] = machine_with_discord()
    report["code"] = code_version()
    report["content"] = content
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print(markdown(report, content))
    print(f"\nMachine: {report['machine']}\nCode: {report['code']}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
