"""Hostile and broken content: no exception escapes a load, and the report says what happened to each file."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval import Library

SUFFIXES = [".txt", ".md", ".json", ".jsonl", ".txt.gz", ".jsonl.gz"]
GOOD = "Harbour Bridge Reopens\n\nThe bridge is open.\n\nAnn Lee\n\nThe harbour bridge reopened on Monday.\n"


def accounted_for(library: Library, names: list[str]) -> None:
    """Every file is either read (its articles are in the library) or skipped with a reason."""
    read = {a.source for a in library.articles.values()}
    skipped = {s.path: s.reason for s in library.report.skipped}
    for name in names:
        assert name in read or skipped.get(name), f"{name} neither read nor reported"
    assert all(reason.strip() for reason in skipped.values())


@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_bytes_in_any_format_never_break_a_load(tmp_path_factory, data, suffix):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / f"random{suffix}").write_bytes(data)
    (folder / "good.txt").write_text(GOOD)
    library = Library.load(folder)
    accounted_for(library, [f"random{suffix}", "good.txt"])
    assert "Harbour Bridge Reopens" in [a.title for a in library.articles.values()]


@given(text=st.text(max_size=3000))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_unicode_text_file_loads_or_is_skipped_with_a_reason(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("text")
    (folder / "a.txt").write_text(text, encoding="utf-8")
    library = Library.load(folder)
    accounted_for(library, ["a.txt"])
    for passage in library.passages:
        assert passage.text.strip()


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("name", "data", "expect"),
    [
        ("truncated.txt", GOOD.encode() + "caf\u00e9".encode()[:-1], "read"),
        ("nuls.txt", GOOD.encode() + b"\x00" * 20000 + b"\nMore text after the NULs here.\n", "binary file"),
        ("late-nul.txt", GOOD.encode() + b"x" * 9000 + b"\x00\nMore text after a NUL.\n", "read"),
        ("rtl.txt", ("\u202eTitle Reversed\u202c\n\nStand\u200bfirst \u200f.\n\nBody \u2066text\u2069 here.\n"
                     ).encode(), "read"),
        ("deep.json", nested(100_000).encode(), "not valid JSON"),
        ("deep.jsonl", (nested(100_000) + "\n").encode(), "no usable record"),
        ("record.json", json.dumps({"id": {"x": 1}, "title": ["no"], "text": "Real text here."}).encode(), "read"),
        ("notext.jsonl", b'{"id": "1", "title": "t"}\n', "missing or empty \"text\""),
        ("scalar.md", b"---\njust a string\n---\nBody.\n", "front matter must be a mapping"),
        ("badyaml.md", b"---\ntitle: [unclosed\n---\nBody.\n", "front matter is not valid YAML"),
        ("laughs.md", ("---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
            for i in range(9)) + "title: *j\nauthors: *j\n---\nBody text.\n").encode(), "read"),
    ],
)
def test_named_hostile_files(tmp_path, name, data, expect):
    (tmp_path / name).write_bytes(data)
    library = Library.load(tmp_path)
    accounted_for(library, [name])
    if expect == "read":
        assert library.articles, library.report.skipped
    else:
        assert expect in {s.path: s.reason for s in library.report.skipped}[name]


def test_a_ten_megabyte_line_without_a_newline_is_read_as_body_with_a_short_title(tmp_path):
    (tmp_path / "wall.txt").write_text(" ".join(["river"] * 1_000_000) + " delta")
    library = Library.load(tmp_path)
    (article,) = library.articles.values()
    assert len(article.title) <= 130 and article.title.startswith("river river")
    assert all(len(p.text) <= 700 for p in library.passages)
    assert library.passages[-1].text.endswith("delta")


def test_ten_thousand_empty_files_are_each_reported(tmp_path):
    for i in range(10_000):
        (tmp_path / f"{i:05}.txt").touch()
    (tmp_path / "good.txt").write_text(GOOD)
    library = Library.load(tmp_path)
    assert len(library.articles) == 1
    assert len(library.report.skipped) == 10_000
    assert {s.reason for s in library.report.skipped} == {"empty file"}


def test_special_files_are_not_read(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    (tmp_path / "good.txt").write_text(GOOD)
    library = Library.load(tmp_path)
    assert {s.path: s.reason for s in library.report.skipped}["pipe.txt"] == "not a regular file"


def test_a_symlinked_folder_loop_does_not_hang(tmp_path: Path):
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert len(Library.load(tmp_path).articles) == 1
