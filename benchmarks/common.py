"""What every benchmark shares: where the checkout and the shared evaluation data are, the machine a run
was on, and how much memory a process holds."""

from __future__ import annotations

import os
import platform
import resource
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
"""The shared evaluation sets, beside the checkout (read-only)."""


def machine() -> str:
    """Cores, CPU, memory, Python and numpy of this machine, for a benchmark's report."""
    cpu = "unknown CPU"
    memory = "unknown RAM"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")))
        memory = f"{kib / 2**20:.0f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{os.cpu_count()} cores ({cpu}), {memory}, Python {platform.python_version()}, "
            f"numpy {np.__version__}")


def rss_mb(pid: int | str = "self") -> dict[str, float]:
    """A process's resident set size now ("rss") and at its peak ("peak", VmHWM), MB, from /proc (Linux).

    Without /proc, this process's peak from getrusage stands for both, and another process's are NaN."""
    figures = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                figures[key] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        if pid == "self":
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            figures = {"VmRSS": peak, "VmHWM": peak}
    return {"rss": figures.get("VmRSS", float("nan")), "peak": figures.get("VmHWM", float("nan"))}
