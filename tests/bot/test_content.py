"""The content store's forecast of a build's size reads the files the readers read, and no others."""

from bot.content import content_bytes
from retrieval.ingest import content_files


def test_hidden_files_and_folders_are_counted_by_neither_the_readers_nor_the_forecast(tmp_path):
    (tmp_path / "article.md").write_text("# Title\n\nBody.\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "more.txt").write_text("x" * 10)
    (tmp_path / ".DS_Store").write_bytes(b"\0" * 1000)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "pack").write_bytes(b"\0" * 5000)
    (tmp_path / "sub" / ".cache").mkdir()
    (tmp_path / "sub" / ".cache" / "blob.json").write_bytes(b"\0" * 300)
    read = list(content_files(tmp_path))
    assert sorted(p.name for p in read) == ["article.md", "more.txt"]
    assert content_bytes(tmp_path) == sum(p.stat().st_size for p in read) == 15 + 10


def test_a_single_file_and_a_missing_path(tmp_path):
    file = tmp_path / "one.md"
    file.write_text("# One\n")
    assert content_bytes(file) == 6
    assert content_bytes(tmp_path / "missing") == 0
