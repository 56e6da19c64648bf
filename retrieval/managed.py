"""What moderators add and hide, kept in the bot's data folder (never in the operator's content folder).

    <data_path>/articles/     added articles, one Markdown file each with YAML front matter (title, authors,
                              url, date, site, added_by, added_at and `key`: where it came from, a url or
                              file:<name>)
    <data_path>/hidden.json   the operator's articles hidden by a moderator: {"hidden": [{"id", "title"}]}

`Library.load(..., added=ManagedArticles.folder, hidden=HiddenArticles.ids())` reads both. Every file is written
atomically (a temporary name in the same folder, fsync, rename, fsync the folder): a crash never leaves half
an article or half a list. Temporary names start with "." so that a load never reads one.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .models import Article
from .readers import SkipFile, read_file, slugify
from .store import fsync_path

log = logging.getLogger(__name__)

ARTICLES = "articles"
HIDDEN = "hidden.json"


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` whole, or leave it as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        with open(temporary, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_path(path.parent)


def read_upload(data: bytes, filename: str, scratch: Path) -> tuple[list[Article], list[str]]:
    """The articles in an uploaded file, read by the content folder's readers as if it were one of its files,
    and the problems that cost part of it (a bad JSON Lines record). Raises `SkipFile` saying why it gives none.

    The bytes are put in a temporary folder below `scratch` (the data folder: the one place the bot writes).
    """
    name = Path(filename).name or "upload"
    scratch.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        articles = read_file(path, name, problems)
    if not articles:
        raise SkipFile("it holds no article")
    return articles, problems


def _one_line(text: str) -> str:
    # Front matter values are single lines: a title never needs a line break, and YAML reads some
    # unicode line breaks (U+0085) back as spaces.
    return " ".join(text.split())


def article_markdown(article: Article, key: str, added_by: str, added_at: datetime.datetime,
                     site: str | None = None) -> str:
    """`article` as the Markdown reader reads it back: front matter, then its paragraphs under `##` subheadings.
    `site` is the name of the website a page was published on, kept for the people who read the file."""
    meta = {
        "title": _one_line(article.title),
        "authors": [_one_line(a) for a in article.authors],
        "url": article.url and _one_line(article.url),
        "date": article.date and _one_line(article.date),
        "site": site and _one_line(site),
        "key": key,
        "added_by": _one_line(added_by),
        "added_at": added_at.isoformat(timespec="seconds"),
    }
    front = yaml.safe_dump({k: v for k, v in meta.items() if v}, allow_unicode=True, sort_keys=False,
                           width=float("inf"))
    blocks: list[str] = []
    heading: str | None = None
    for paragraph in article.units:
        if paragraph.heading and paragraph.heading != heading:
            blocks.append(f"## {_one_line(paragraph.heading)}")
        heading = paragraph.heading
        blocks.append(paragraph.text)
    return f"---\n{front}---\n\n" + "\n\n".join(blocks) + "\n"


def _key_of(path: Path) -> str | None:
    """The `key` in the front matter of a file `article_markdown` wrote; None for anything else."""
    try:
        text = path.read_text(encoding="utf-8")
        meta = yaml.safe_load(text[4:].split("\n---\n", 1)[0]) if text.startswith("---\n") else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    key = meta.get("key") if isinstance(meta, dict) else None
    return key if isinstance(key, str) else None


@dataclass(frozen=True)
class Stored:
    """What `ManagedArticles.put` wrote: the library sources of the new files, and how many earlier articles
    with the same key it replaced."""

    sources: list[str]
    replaced: int


class ManagedArticles:
    """The added articles in `<data_path>/articles/`. An article's library `source` is `articles/<file name>`."""

    def __init__(self, data_path: Path) -> None:
        self.root = data_path
        self.folder = data_path / ARTICLES

    def file_for(self, key: str) -> Path:
        """The file of the article added from `key`: one name per key, so adding it again replaces it."""
        label = key.removeprefix("file:").rstrip("/").rsplit("/", 1)[-1]
        digest = hashlib.blake2b(key.encode(), digest_size=5).hexdigest()
        return self.folder / f"{slugify(label)[:60] or 'article'}-{digest}.md"

    def source_of(self, path: Path) -> str:
        return f"{ARTICLES}/{path.name}"

    def keys(self) -> dict[str, Path]:
        """Every added article's key and file."""
        if not self.folder.is_dir():
            return {}
        found = {}
        for path in sorted(self.folder.glob("*.md")):
            key = _key_of(path)
            if key is not None:
                found[key] = path
        return found

    def put(self, key: str, articles: list[Article], added_by: str,
            added_at: datetime.datetime | None = None, site: str | None = None) -> Stored:
        """Write the articles read from `key` (a url, or `file:<name>`), replacing what was added from it before.

        One article is stored under `key`; several (a dump or a JSON list) under `key#<article id>` each.
        `site` names the website a page came from.
        """
        added_at = added_at or datetime.datetime.now(datetime.timezone.utc)
        earlier = {k: p for k, p in self.keys().items() if k == key or k.startswith(key + "#")}
        keyed = [(key, articles[0])] if len(articles) == 1 else [(f"{key}#{a.id}", a) for a in articles]
        written = []
        for article_key, article in keyed:
            path = self.file_for(article_key)
            write_atomically(path, article_markdown(article, article_key, added_by, added_at, site).encode())
            written.append(path)
        for stale in set(earlier.values()) - set(written):
            self._delete(stale)
        return Stored(sources=[self.source_of(p) for p in written], replaced=len(earlier))

    def delete(self, source: str) -> bool:
        """Delete the added article whose library source is `source`; False when there is none."""
        path = self.root / source
        if path.parent != self.folder or path.suffix != ".md" or not path.is_file():
            return False
        self._delete(path)
        return True

    def _delete(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        fsync_path(self.folder)


class HiddenListDamaged(Exception):
    """hidden.json cannot be read. It is kept as it is, and not changed, until someone fixes or moves it."""


class HiddenArticles:
    """The operator's articles a moderator hid, by id (with their titles, to offer them back), in hidden.json."""

    def __init__(self, data_path: Path) -> None:
        self.path = data_path / HIDDEN

    def titles(self) -> dict[str, str]:
        """Hidden article ids and their titles; {} when nothing was ever hidden. Raises `HiddenListDamaged`."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise self._damaged(exc.strerror or str(exc)) from None
        try:
            entries = json.loads(raw)["hidden"]
            titles = {e["id"]: e["title"] for e in entries}
        except (ValueError, KeyError, TypeError) as exc:
            raise self._damaged(f"not the list the bot writes: {exc!r}") from None
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in titles.items()):
            raise self._damaged("an id or title is not text")
        return titles

    def ids(self) -> frozenset[str]:
        return frozenset(self.titles())

    def hide(self, article_id: str, title: str) -> None:
        self._save({**self.titles(), article_id: title})

    def restore(self, article_id: str) -> str | None:
        """Un-hide an article; its title, or None when it was not hidden."""
        titles = self.titles()
        title = titles.pop(article_id, None)
        if title is not None:
            self._save(titles)
        return title

    def _save(self, titles: dict[str, str]) -> None:
        entries = [{"id": k, "title": v} for k, v in titles.items()]
        write_atomically(self.path, json.dumps({"hidden": entries}, ensure_ascii=False, indent=1).encode())

    def _damaged(self, reason: str) -> HiddenListDamaged:
        message = (f"the list of hidden articles ({self.path}) cannot be read ({reason}). It is kept as it is and "
                   "will not be changed: fix it or move it aside, then /reload")
        log.error("%s", message)
        return HiddenListDamaged(message)
