"""A load run's report as printed: a Markdown table of the figures, the machine and the code measured."""

from __future__ import annotations

import os
import platform
from typing import Any

from ..common import ROOT, machine


def machine_with_discord() -> str:
    """The machine, discord.py's version and the operating system."""
    import discord

    return f"{machine()}, discord.py {discord.__version__}, {platform.system()} {platform.release()}"


def code_version() -> str:
    """The commit measured, and the files that differed from it (read-only git commands)."""
    import subprocess

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.rstrip("\n") if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD").strip()
    if not commit:
        return "not a git checkout"
    changed = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no").splitlines() if line]
    return f"commit {commit}" + (f" with uncommitted changes to {', '.join(changed)}" if changed else " (clean)")


def _ms(figures: dict) -> str:
    if not figures.get("n"):
        return "–"
    return f"{figures['p50']:.1f} / {figures['p95']:.1f} / {figures['p99']:.1f} / {figures['max']:.1f}"


def markdown(report: dict[str, Any], content: str) -> str:
    latency = report["latency_ms"]
    reload = report["reload"]
    rss = report["bot_rss_mb"]
    outcomes = report["outcomes"]
    new_hit, new_n, new_refused = report["new_article_after_reload"]
    p99 = latency["all"]["p99"]
    goal = report["goal_p99_ms"]
    by_category = report["by_category"]
    beats = report["heartbeats"]
    logged = report["bot_log"]["counts"]
    rows = [
        ("library", f"{report['library']['passages']:,} passages, {report['library']['articles']:,} articles "
                    f"({content})"),
        ("run", f"{report['config']['seconds']:g} s at {report['config']['rate']:g} questions/s "
                f"(achieved {report['achieved_rate']:.2f}/s), {report['members']} members, "
                f"heartbeat interval {report['heartbeats']['interval_s']:g} s; {report['mode']}"),
        ("questions asked", f"{report['asked']:,} ({report['asked_by_kind'].get('mention', 0):,} mentions, "
                            f"{report['asked_by_kind'].get('ask', 0):,} /ask)"),
        ("answers sent", f"{report['answer_messages']:,} to {report['answered']:,} questions"),
        ("lost / duplicated / stray bot messages",
         f"{report['lost']} / {report['duplicated']} / {report['stray_bot_messages']}"),
        ("outcomes", f"{outcomes.get('answer', 0):,} quoted a passage, {outcomes.get('no_answer', 0):,} no answer, "
                     f"{outcomes.get('refused', 0)} refused by the rate limiter, {outcomes.get('error', 0)} errors"
                     + f", {outcomes.get('busy', 0):,} told \u201cbusy\u201d"
                     + (f", {outcomes['other']} other" if outcomes.get("other") else "")),
        ("on-topic (drawn from a sentence)", _category(by_category.get("on_topic", {}))),
        ("off-topic", _category(by_category.get("off_topic", {}))),
        ("latency p50 / p95 / p99 / max, ms", _ms(latency["all"])
         + (f" (goal p99 < {goal:.0f} ms: {'met' if p99 is not None and p99 < goal else 'NOT met'})")),
        ("… mentions", _ms(latency["mention"])),
        ("… /ask", _ms(latency["ask"])),
        ("… asked during the reload", _ms(latency["during_reload"])),
        ("… asked outside the reload", _ms(latency["outside_reload"])),
        ("/reload", "not run" if not reload.get("sent") else
         f"at {reload['at_s']} s, acknowledged in {reload['callback_ms']} ms, done in {reload['took_s']} s "
         f"(\u201c{reload['reply']}\u201d); of the {new_n + new_refused} questions about the added article asked "
         f"after it, {new_hit} of the {new_n} answered were answered from it"
         + (f" ({new_refused} refused by the rate limiter)" if new_refused else "")
         + (f"; the bot's processes serving the new index when it replied: {reload['processes']}"
            if reload.get("processes") else "")),
        ("worst heartbeat lateness", f"{beats['worst_lateness_ms']:.1f} ms over {beats['in_run']} heartbeats "
                                     f"(whole session {beats['worst_lateness_whole_session_ms']:.1f} ms)"),
        ("bot event-loop lag p50 / p95 / p99 / max, ms", _ms(report["bot_loop_lag_ms"]) if report["bot_gc"] else
         NOT_MEASURED),
        ("bot garbage collection", _gc(report["bot_gc"]) if report["bot_gc"] else NOT_MEASURED),
        ("sender slip p50 / p95 / p99 / max, ms", _ms(report["send_slip_ms"])
         + f"; fake's garbage collection: {_gc(report['fake_gc'])}"),
        ("bot RSS, MB", f"{rss['start']['rss']:.0f} before loading, {rss['ready']['rss']:.0f} before the load, "
                        f"{rss['after']['rss']:.0f} after it (peak {rss['after']['peak']:.0f})"
         if "bot_processes" not in report else _processes_rss(report["bot_processes"])),
        ("machine load average (1 min) before / after the run",
         f"{report['load_average']['before'][0]:.2f} / {report['load_average']['after'][0]:.2f} "
         f"on {os.cpu_count()} cores"),
        *([] if "rest_per_second" not in report else [
            ("bot's REST requests a second, all processes, most in any 1 s", _rates(report["rest_per_second"]))]),
        *([] if "by_shard" not in report else [("questions by shard: asked / lost / duplicated",
                                                "; ".join(f"shard {shard}: {n['asked']:,} / {n['lost']} / "
                                                          f"{n['duplicated']}" for shard, n in report["by_shard"]))]),
        ("REST errors", ", ".join(f"{n} \u00d7 {k}" for k, n in report["rest_errors"].items()) or "none"),
        ("bot warnings / errors logged", f"{logged.get('WARNING', 0)} / "
                                         f"{logged.get('ERROR', 0) + logged.get('CRITICAL', 0)}"),
    ]
    lines = ["| measure | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
    if report["aborted"]:
        lines.append(f"\n**Aborted:** {report['aborted']}")
    return "\n".join(lines)


NOT_MEASURED = "not measured (in the bot's own processes)"


def _processes_rss(processes: dict) -> str:
    return "; ".join(f"process {n} (pid {p['pid']}): {p['ready']['rss']:.0f} before the load, {p['after']['rss']:.0f} "
                     f"after it (peak {p['after']['peak']:.0f})" for n, p in enumerate(processes["rss_mb"]))


def _rates(rates: dict) -> str:
    held = "held" if rates["held"] else "EXCEEDED"
    return (f"{rates['global_max_per_s']} counted by Discord's global limit (budget `limits.replies_per_second` = "
            f"{rates['budget_per_s']}: {held}); {rates['all_max_per_s']} with the interaction responses it exempts "
            f"({rates['global_requests']:,} and {rates['requests']:,} requests in the run)")


def _gc(figures: dict) -> str:
    return (f"{figures['collections']:,} collections ({figures['full']} full), longest {figures['longest_ms']:.1f} ms, "
            f"{figures['total_ms']:.0f} ms in all")


def _category(counts: dict) -> str:
    total = sum(counts.values())
    if not total:
        return "–"
    return (f"{total:,}: {counts.get('answer', 0):,} quoted, {counts.get('no_answer', 0):,} no answer"
            + (f", {counts.get('refused', 0)} refused" if counts.get("refused") else "")
            + (f", {counts.get('lost', 0)} lost" if counts.get("lost") else ""))
