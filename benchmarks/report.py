"""The benchmarks' part of benchmarks/README.md: a subsection of its Speed section, rewritten in place."""

from __future__ import annotations

import re
from pathlib import Path

SECTION = "## Speed"


def update_readme(path: Path, subsection: str, body: str) -> None:
    """Replace (or add) `### subsection` inside the Speed section, leaving every other section alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if SECTION not in text.splitlines():
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\nMeasured by the scripts in this folder; rerun them to refresh.\n"
    start = text.index(f"\n{SECTION}\n") + 1
    following = re.search(r"^## ", text[start + len(SECTION):], flags=re.MULTILINE)
    end = start + len(SECTION) + following.start() if following else len(text)
    section = text[start:end]
    block = f"### {subsection}\n\n{body.strip()}\n\n"
    existing = re.search(rf"^### {re.escape(subsection)}\n.*?(?=^##+ |\Z)", section, flags=re.MULTILINE | re.DOTALL)
    section = (section[:existing.start()] + block + section[existing.end():] if existing
               else section.rstrip("\n") + "\n\n" + block)
    rest = text[end:]
    path.write_text(text[:start] + section.rstrip("\n") + "\n" + ("\n" + rest if rest else ""), encoding="utf-8")
