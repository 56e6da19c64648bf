"""The value objects the rest of the project passes around."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .understand import Fact, Kind


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Paragraph(_Frozen):
    """A body paragraph, with the subheading it stands under (if any)."""

    text: str
    heading: str | None = None


class Article(_Frozen):
    id: str
    title: str
    standfirst: str = ""
    authors: list[str] = Field(default_factory=list)
    paragraphs: list[Paragraph] = Field(default_factory=list)
    source: str = Field(description="Path of the file the article was read from, relative to the content root.")
    url: str | None = None
    date: str | None = None

    @property
    def units(self) -> list[Paragraph]:
        """The standfirst (when there is one) and the body paragraphs: everything quotable."""
        lead = [Paragraph(text=self.standfirst)] if self.standfirst else []
        return lead + list(self.paragraphs)

    @property
    def text(self) -> str:
        """The article's quotable text as one string, paragraphs separated by blank lines.

        Passage offsets index into this string.
        """
        return "\n\n".join(p.text for p in self.units)


class Passage(_Frozen):
    """A quotable piece of an article: roughly a paragraph, a whole thought."""

    article_id: str
    ordinal: int = Field(description="0-based position of the passage within its article.")
    text: str
    start: int = Field(description="Offset of the passage in `Article.text`.")
    end: int
    heading: str | None = None


class Hit(_Frozen):
    """One search result. `score` is the raw BM25 score, exactly as rank-bm25 computes it."""

    score: float
    passage: Passage
    article: Article
    passage_count: int = Field(description="How many passages the article has, for 'passage n of m'.")
    highlight: list[tuple[int, int]] = Field(
        default_factory=list,
        description="Character spans in `passage.text` of the sentence(s) that best match the question.",
    )

    @property
    def highlighted_text(self) -> str:
        """The highlighted sentence(s), joined by a space."""
        return " ".join(self.passage.text[a:b] for a, b in self.highlight)


class Answer(_Frozen):
    """The outcome of a question: ranked hits, and whether the best one really answers it.

    `kind` says what was asked: "passage" (a quote that answers it), "article" (a fact about one article:
    `fact` is "authors", "date", "link", "about" or "more", and `article` is the article), "articles" (a
    list, one hit per article: "mentions", "by_author" or "catalogue", with `total` matching articles) or
    "small_talk" ("greeting", "thanks", "help": no hits).
    """

    question: str
    hits: list[Hit]
    no_answer: bool
    coverage: float = Field(description="Share of the question's term weight that the best hit matches (0..1).")
    answerable: float = Field(0.0, description="For kind 'passage': the no-answer model's score for the best hit "
                                                "(0..1), quoted when it reaches RetrievalSettings.min_coverage; 0 "
                                                "for the other kinds.")
    nothing_to_search: bool = Field(
        False, description="The question has no word left to search for once common words are dropped "
                           "('What is it?'); no_answer is then true.",
    )
    kind: Kind = "passage"
    fact: Fact = ""
    subject: str = Field("", description="The words naming the article or author asked about, as understood.")
    article: Article | None = Field(None, description="For kind 'article': the article the question is about.")
    total: int = Field(0, description="For kind 'articles': how many articles match (all of them for 'catalogue').")


class SkippedFile(_Frozen):
    path: str
    reason: str
    whole_file: bool = Field(True, description="False when only one record of the file was skipped (bad JSON "
                                               "Lines line, record without text); the rest of it was read.")


class LoadReport(_Frozen):
    root: str
    files: int = 0
    articles: int = 0
    passages: int = 0
    skipped: list[SkippedFile] = Field(default_factory=list)
    seconds: float = 0.0
    from_cache: bool = Field(False, description="Whether the index was loaded from the saved index instead of built.")

    def summary(self) -> str:
        text = (f"{_counted(self.articles, 'article')}, {_counted(self.passages, 'passage')} from "
                f"{_counted(self.files, 'file')}")
        if self.skipped:
            text += f"; skipped {self.skipped_count()}"
        return text

    def skipped_count(self) -> str:
        """What `skipped` lists, in words: "2 files", "1 record", "1 file and 3 records"."""
        files = sum(s.whole_file for s in self.skipped)
        records = len(self.skipped) - files
        return " and ".join(_counted(n, word) for n, word in ((files, "file"), (records, "record")) if n)


def _counted(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def relative_source(path: Path, root: Path) -> str:
    """A stable, human-friendly source name: the path below the content root."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name
