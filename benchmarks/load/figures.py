"""A run's figures: from the driver's records and the bot process's probes to the report (counts, outcomes,
latency percentiles, the reload, memory, load average), and whether it is ok."""

from __future__ import annotations

import math
import os
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .config import LoadConfig
from .content import NEW_ARTICLE_TITLE
from .probes import LogCounter

# Goals from issue #6.
GOAL_P99_MS = 100.0
GOAL_P99_LARGE_MS = 250.0
LARGE_LIBRARY = 100_000
# Issue 17's, for the bot as several processes (a million passages, 50 questions/s, a reload mid-way).
GOAL_P99_CLUSTER_MS = 500.0


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    """Nearest-rank p50/p95/p99 and max of `values` (seconds) in milliseconds."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def rank(p: float) -> float:
        return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000, 1)

    return {"n": len(ordered), "p50": rank(50), "p95": rank(95), "p99": rank(99), "max": round(ordered[-1] * 1000, 1)}


def finish(config: LoadConfig, mode: str, results: dict[str, Any], library: Any, rss: dict[str, dict],
           lags: list[tuple[float, float]], logs: LogCounter, load_before: tuple[float, ...]) -> dict[str, Any]:
    """The report: the driver's `results` summed up with what was measured in the bot's process."""
    records = results["records"]
    timed = [r for r in records if r["latency_s"] is not None]
    latencies = [r["latency_s"] for r in timed]
    outcomes = Counter(r["outcome"] for r in records)
    by_category: dict[str, Counter] = defaultdict(Counter)
    for r in records:
        by_category[r["category"]][r["outcome"]] += 1
    on_topic = [r for r in records if r["category"] == "on_topic" and r["outcome"] == "answer"]
    new_after = [r for r in records if r["category"] == "new_article" and r["after_reload"]
                 and r["outcome"] != "refused"]
    new_refused = sum(1 for r in records if r["category"] == "new_article" and r["after_reload"]
                      and r["outcome"] == "refused")
    goal_ms = GOAL_P99_LARGE_MS if library.passages >= LARGE_LIBRARY else GOAL_P99_MS
    report = {
        "mode": mode,
        "library": {"articles": library.articles, "passages": library.passages},
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()},
        "asked": len(records),
        "asked_by_kind": dict(Counter(r["via"] for r in records)),
        "answered": sum(1 for r in records if r["answers"]),
        "answer_messages": sum(r["answers"] for r in records),
        "lost": sum(1 for r in records if r["answers"] == 0),
        "duplicated": sum(1 for r in records if r["answers"] > 1),
        "outcomes": dict(outcomes),
        "by_category": {k: dict(v) for k, v in by_category.items()},
        "deferred": sum(1 for r in records if r["deferred"]),
        "on_topic_from_source_title": (sum(1 for r in on_topic if _same_title(r["title"], r["expected_title"])),
                                       len(on_topic)),
        "new_article_after_reload": (sum(1 for r in new_after if _same_title(r["title"], NEW_ARTICLE_TITLE)),
                                     len(new_after), new_refused),
        "latency_ms": {
            "all": percentiles(latencies),
            "mention": percentiles([r["latency_s"] for r in timed if r["via"] == "mention"]),
            "ask": percentiles([r["latency_s"] for r in timed if r["via"] == "ask"]),
            "during_reload": percentiles([r["latency_s"] for r in timed if r["during_reload"]]),
            "outside_reload": percentiles([r["latency_s"] for r in timed if not r["during_reload"]]),
        },
        "send_slip_ms": percentiles([max(0.0, r["slip_ms"] / 1000) for r in records]),
        "bot_loop_lag_ms": percentiles([lag for _, lag in lags]),
        "bot_loop_worst_lags": [(round(when - results["started"], 2), round(lag * 1000, 1))
                                for when, lag in sorted(lags, key=lambda x: -x[1])[:5]],
        "bot_rss_mb": rss,
        "bot_log": {"counts": dict(logs.counts), "first": logs.first},
        "goal_p99_ms": goal_ms,
        "load_average": {"before": [round(x, 2) for x in load_before],
                         "after": [round(x, 2) for x in os.getloadavg()]},
        "slowest": sorted((r for r in records if r["latency_s"] is not None), key=lambda r: -r["latency_s"])[:5],
        **results,
    }
    report["ok"] = report["lost"] == 0 and report["duplicated"] == 0 and report["stray_bot_messages"] == 0
    return report


def _same_title(shown: str | None, expected: str | None) -> bool:
    if not shown or not expected:
        return False
    return shown == expected or shown.rstrip("\u2026") == expected[:len(shown.rstrip("\u2026"))]
