"""Reading article folders: the seed dump format exactly, and every kind of messy file."""

import gzip
import json
from pathlib import Path

import pytest

from retrieval import Library
from tests.conftest import SEEDS

SAVED_PAGES = Path(__file__).parent / "web" / "data"
BOILERPLATE = ("Support Worldcrunch", "We are grateful", "Merci!", "Keep reading", "Show less")
CAPTIONS = (
    "The penguins are watching at Tencent headquarters",
    "Xi and Putin last year",
    "Sudanese protesters demonstrating against the military regime",
    "rebelmouse-image",
)


def test_seed_file_holds_exactly_two_articles_with_their_titles_and_authors(seed_library):
    articles = list(seed_library.articles.values())
    assert [a.title for a in articles] == [
        "Why Russia And China See Eye-To-Eye On Cyber Security",
        "In Sudan, A Surprise About-Face Marks Death Of The Revolution",
    ]
    assert articles[0].authors == ["Elena Chernenko", "Vladislav Novyii", "Ivan Safronov"]
    assert articles[1].authors == ["Nesrine Malik"]
    assert articles[0].standfirst.startswith("Unlike with Washington, Moscow and Beijing agree")
    assert articles[1].standfirst.startswith("Ousted Prime Minister Abdalla Hamdok")
    assert all(a.source == "000_53ac65de5c9a03b2.txt" for a in articles)


def test_no_boilerplate_caption_or_image_tag_reaches_a_passage_or_title(seed_library):
    texts = [p.text for p in seed_library.passages] + [a.title for a in seed_library.articles.values()]
    for text in texts:
        for forbidden in BOILERPLATE + CAPTIONS:
            assert forbidden not in text


def test_seed_body_is_kept_whole(seed_library):
    russia, sudan = seed_library.articles.values()
    assert russia.paragraphs[0].text.startswith("MOSCOW \u2014 During President Vladimir Putin's visit")
    assert russia.paragraphs[-1].text.endswith("cyber espionage.")
    assert sudan.paragraphs[-1].text.endswith("the counter-coup resided.")
    # The subheading gives context to the paragraphs below it, and is not a paragraph itself.
    assert "Protecting sovereignty, hunting terrorists" not in [p.text for p in russia.paragraphs]
    headed = [p for p in russia.paragraphs if p.heading == "Protecting sovereignty, hunting terrorists"]
    assert headed[0].text.startswith("Russia and China certainly have more in common")


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


ARTICLE = (
    "Harbour Bridge Reopens After Repairs\n\n"
    "The city's oldest bridge carries traffic again after two years of work.\n\n"
    "Anna Smith and José Álvarez\n\n"
    "The harbour bridge reopened on Monday after engineers replaced its corroded cables. "
    "The repairs cost the council nine million euros.\n\n"
    "Commuters had used ferries during the closure.\n"
)


def skipped(library: Library) -> dict[str, str]:
    return {s.path: s.reason for s in library.report.skipped}


def test_crlf_bom_and_cp1252_files_are_decoded_not_dropped(tmp_path):
    _write(tmp_path, "crlf.txt", "\ufeff" + ARTICLE.replace("\n", "\r\n"))
    _write(tmp_path, "latin.txt", ARTICLE.replace("Harbour Bridge", "Caf\u00e9 Bridge").encode("cp1252"))
    library = Library.load(tmp_path)
    titles = sorted(a.title for a in library.articles.values())
    assert titles == ["Caf\u00e9 Bridge Reopens After Repairs", "Harbour Bridge Reopens After Repairs"]
    assert all(a.authors == ["Anna Smith", "Jos\u00e9 \u00c1lvarez"] for a in library.articles.values())
    assert not any("\r" in p.text for p in library.passages)
    assert sum("nine million euros" in p.text for p in library.passages) == 2


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"\n \r\n\t\n", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("only-boilerplate.txt",
         "Support Worldcrunch\nWe are grateful for reader support to continue our unique mission. "
         "Click here to contribute whatever you can. Merci!\n\nKeep reading... Show less\n",
         "only site boilerplate"),
        ("broken.json", b'{"id": "1", "title": "x", "text": ', "not valid JSON"),
        ("list.md", "---\n- a\n- b\n---\nBody text here.\n", "front matter must be a mapping"),
        ("bomb.jsonl.gz", b"not gzip at all", "not a readable gzip file"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type"),
        ("latest.html", (SAVED_PAGES / "no_article.html").read_bytes(), "no article text"),
    ],
)
def test_a_bad_file_is_skipped_with_a_specific_reason_and_the_rest_still_loads(tmp_path, name, data, reason):
    _write(tmp_path, "good.txt", ARTICLE)
    _write(tmp_path, name, data)
    library = Library.load(tmp_path)
    assert [a.title for a in library.articles.values()] == ["Harbour Bridge Reopens After Repairs"]
    assert reason in skipped(library)[name]


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    _write(tmp_path, "good.txt", ARTICLE)
    _write(tmp_path, "locked.txt", ARTICLE)
    real_read = Path.read_bytes

    # chmod 0 means nothing to root, who runs CI: refuse the read the way the kernel would.
    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert skipped(Library.load(tmp_path))["locked.txt"] == "permission denied"


def test_symlinks_out_of_the_folder_or_in_a_loop_are_skipped(tmp_path):
    content = tmp_path / "content"
    _write(content, "good.txt", ARTICLE)
    _write(tmp_path, "outside.txt", ARTICLE.replace("Harbour", "Secret"))
    (content / "escape.txt").symlink_to(tmp_path / "outside.txt")
    (content / "loop.txt").symlink_to(content / "loop.txt")
    library = Library.load(content)
    reasons = skipped(library)
    assert "outside the content folder" in reasons["escape.txt"]
    assert "loop" in reasons["loop.txt"]
    assert len(library.articles) == 1


def test_a_folder_mixing_every_format_loads_them_all(tmp_path):
    _write(tmp_path, "dump.txt", ARTICLE)
    _write(tmp_path, "notes/essay.md",
           "---\ntitle: Tidal Power Comes Of Age\nauthors: [Mara Lind]\nurl: https://example.org/tidal\n"
           "date: 2024-03-01\n---\n\n# Ignored Heading\n\nTidal turbines now power four thousand homes.\n\n"
           "## Costs\n\nEach turbine cost three million pounds.\n")
    _write(tmp_path, "records.json", json.dumps([
        {"id": "r1", "title": "Glacier Retreat Measured", "text": "The glacier lost forty metres.\n\nScientists "
         "used drones.", "authors": ["Ola Berg"], "url": "https://example.org/glacier"},
    ]))
    lines = [json.dumps({"id": f"d{i}", "title": f"Desert Bloom {i}", "text": f"Rain fell for {i} days."})
             for i in range(3)]
    _write(tmp_path, "more.jsonl.gz", gzip.compress(("\n".join(lines) + "\n{broken\n").encode()))
    library = Library.load(tmp_path)
    by_title = {a.title: a for a in library.articles.values()}
    assert set(by_title) == {"Harbour Bridge Reopens After Repairs", "Tidal Power Comes Of Age",
                             "Glacier Retreat Measured", "Desert Bloom 0", "Desert Bloom 1", "Desert Bloom 2"}
    tidal = by_title["Tidal Power Comes Of Age"]
    assert tidal.authors == ["Mara Lind"] and tidal.url == "https://example.org/tidal" and tidal.date == "2024-03-01"
    assert [p.heading for p in tidal.paragraphs] == ["Ignored Heading", "Costs"]
    assert library.articles["r1"].paragraphs[1].text == "Scientists used drones."
    assert library.articles["d2"].source == "more.jsonl.gz"
    assert "line 4: not valid JSON" in skipped(library)["more.jsonl.gz"]
    assert library.report.files == 4 and library.report.articles == 6
    # The file was read, so the summary counts a skipped record, not a skipped file.
    assert library.report.summary().endswith("from 4 files; skipped 1 record")


def test_saved_web_pages_are_read_as_their_article(tmp_path):
    page = (SAVED_PAGES / "news.html").read_bytes()
    _write(tmp_path, "bridge.html", page)
    copy = page.replace(b"Harbour Bridge Reopens", b"Old Bridge Reopens")
    _write(tmp_path, "archive/BRIDGE-COPY.HTM.gz", gzip.compress(copy))
    library = Library.load(tmp_path)
    by_title = {a.title: a for a in library.articles.values()}
    assert set(by_title) == {"Harbour Bridge Reopens After Two Years of Repairs",
                             "Old Bridge Reopens After Two Years of Repairs"}
    bridge = by_title["Harbour Bridge Reopens After Two Years of Repairs"]
    assert bridge.authors == ["Maria Okafor", "Tom\u00e1s Reyes"] and bridge.date == "2024-03-05"
    assert bridge.url == "https://courier.example/news/2024/harbour-bridge-reopens" and bridge.source == "bridge.html"
    assert bridge.paragraphs[0].text.startswith("The Harbour Bridge reopened to traffic on Tuesday morning")
    assert not any("Subscribe to the Courier" in p.text or "Privacy policy" in p.text for p in library.passages)


def test_a_missing_content_path_is_an_error_not_an_empty_library(tmp_path):
    from retrieval import ContentError

    with pytest.raises(ContentError, match="does not exist"):
        Library.load(tmp_path / "nowhere")


def test_seed_file_in_repo_is_the_shared_sample_byte_for_byte():
    shared = SEEDS.parent.parent / "shared" / "seeds" / "000_53ac65de5c9a03b2.txt"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert (SEEDS / shared.name).read_bytes() == shared.read_bytes()
