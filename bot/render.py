"""Answers into chat text and embeds, within every Discord limit. Pure functions: no network, no state."""

from __future__ import annotations

import discord
from discord.utils import escape_markdown

from retrieval import Answer, Article, Hit, LoadReport
from retrieval.diff import LibraryDiff
from retrieval.sentences import sentence_spans

# Discord's limits (https://discord.com/developers/docs/resources/message#create-message).
CONTENT_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_LIMIT = 1024
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
ELLIPSIS = "\u2026"

# Client-wide: nothing an article or a question says can ping anyone.
NO_MENTIONS = discord.AllowedMentions.none()


def trim(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a sentence end, else a word end, with an ellipsis."""
    if len(text) <= limit:
        return text
    budget = limit - len(ELLIPSIS)
    if budget <= 0:
        return ELLIPSIS[:limit]
    ends = [end for _, end in sentence_spans(text) if end <= budget]
    if ends and ends[-1] >= budget // 2:
        return text[: ends[-1]] + " " + ELLIPSIS if ends[-1] < budget else text[: ends[-1]] + ELLIPSIS
    cut = text.rfind(" ", 0, budget + 1)
    if cut <= 0:
        cut = budget  # one enormous word: nothing better than a hard cut
    return text[:cut].rstrip() + ELLIPSIS


def _escaped_fit(text: str, limit: int) -> str:
    """Escape Markdown, trimming the raw text first so the escaped result still fits."""
    budget = limit
    while True:
        out = escape_markdown(trim(text, budget))
        if len(out) <= limit:
            return out
        budget -= len(out) - limit


def emphasized_quote(hit: Hit, limit: int) -> str:
    """The passage verbatim with Markdown escaped and the best-matching sentence(s) in bold.

    When the passage must be shortened, the text before the highlight goes first, then its end.
    """
    text = hit.passage.text
    if not hit.highlight:
        return _escaped_fit(text, limit)
    start, end = hit.highlight[0][0], hit.highlight[-1][1]
    bold = f"**{_escaped_fit(text[start:end], limit - 4)}**"
    room = limit - len(bold)
    head = escape_markdown(text[:start])
    if len(head) > room // 2:
        head = ELLIPSIS + " " if room >= 2 else ""
    return head + bold + _escaped_fit(text[end:], room - len(head))


def _authors(article: Article) -> list[str]:
    return [a.strip() for a in article.authors if a.strip()]


def byline(article: Article) -> str:
    authors = _authors(article)
    if not authors:
        return ""
    names = authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + " and " + authors[-1]
    return f"by {names}"


def title_of(article: Article) -> str:
    return article.title.strip() or article.id


def source_line(hit: Hit) -> str:
    """'Title — by A and B · source · passage 2 of 13' (plain text, escaped)."""
    parts = [byline(hit.article), hit.article.source, f"passage {hit.passage.ordinal + 1} of {hit.passage_count}"]
    return " \u00b7 ".join(escape_markdown(p) for p in parts if p)


def answer_message(hit: Hit) -> str:
    """One answer as plain message content: quote, then the source. At most 2000 characters."""
    title = trim(title_of(hit.article), EMBED_TITLE_LIMIT)
    link = f" <{hit.article.url}>" if hit.article.url else ""
    footer = f"\n\u2014 **{escape_markdown(title)}**{link}\n{source_line(hit)}"
    footer = footer[: CONTENT_LIMIT // 2]
    quote = emphasized_quote(hit, CONTENT_LIMIT - len(footer) - 2 * (hit.passage.text.count("\n") + 1) - 2)
    quoted = "\n".join("> " + line for line in quote.split("\n"))
    return (quoted + footer)[:CONTENT_LIMIT]


def no_answer_message(answer: Answer) -> str:
    """What to say when nothing answers: plainly so, and where one might look instead."""
    if answer.nothing_to_search:
        return ("There's nothing in that question to search for: words like *what*, *is* and *the* are left out. "
                "Add a name, a place or a subject.")
    text = "I couldn't find a passage that answers that."
    titles = list(dict.fromkeys(title_of(h.article) for h in answer.hits))[:3]
    if titles:
        text += " Closest articles: " + "; ".join(f"*{escape_markdown(trim(t, 200))}*" for t in titles) + "."
    return text[:CONTENT_LIMIT]


def render_answer(answer: Answer) -> str:
    """The reply the bot posts for an answer, as text (also what the console prints)."""
    return no_answer_message(answer) if answer.no_answer else answer_message(answer.hits[0])


def answer_embed(hit: Hit) -> discord.Embed:
    """The answer as an embed: quote in the description, the article as title (a link when it has a url)."""
    embed = discord.Embed(
        title=trim(title_of(hit.article), EMBED_TITLE_LIMIT),
        url=hit.article.url or None,
        description=emphasized_quote(hit, EMBED_DESCRIPTION_LIMIT),
    )
    if _authors(hit.article):
        embed.add_field(name="Authors", value=_escaped_fit(", ".join(_authors(hit.article)), EMBED_FIELD_LIMIT),
                        inline=True)
    embed.add_field(name="Source", value=trim(escape_markdown(hit.article.source), EMBED_FIELD_LIMIT), inline=True)
    embed.set_footer(text=f"passage {hit.passage.ordinal + 1} of {hit.passage_count}")
    return embed


def search_page_embed(query: str, hits: list[Hit], offset: int, page: int, pages: int) -> discord.Embed:
    """One page of /search: each result's article title and its best-matching sentence."""
    embed = discord.Embed(title=trim(f"Results for \u201c{query}\u201d", EMBED_TITLE_LIMIT))
    if not hits:
        embed.description = "Nothing in the collection matches that."
    for number, hit in enumerate(hits, start=offset + 1):
        sentence = hit.highlighted_text or hit.passage.text
        embed.add_field(
            name=trim(f"{number}. {title_of(hit.article)}", EMBED_TITLE_LIMIT),
            value=_escaped_fit(sentence, EMBED_FIELD_LIMIT - 40)
            + f"\n-# passage {hit.passage.ordinal + 1} of {hit.passage_count}",
            inline=False,
        )
    embed.set_footer(text=f"Page {page + 1} of {pages}")
    return embed


def article_embed(article: Article, passages: int) -> discord.Embed:
    """/article: what the collection holds about one article."""
    embed = discord.Embed(
        title=trim(title_of(article), EMBED_TITLE_LIMIT),
        url=article.url or None,
        description=_escaped_fit(article.standfirst, EMBED_DESCRIPTION_LIMIT) if article.standfirst else None,
    )
    if _authors(article):
        embed.add_field(name="Authors", value=_escaped_fit(", ".join(_authors(article)), EMBED_FIELD_LIMIT),
                        inline=True)
    embed.add_field(name="Passages", value=str(passages), inline=True)
    embed.add_field(name="Source", value=trim(escape_markdown(article.source), EMBED_FIELD_LIMIT), inline=True)
    if article.date:
        embed.add_field(name="Date", value=trim(article.date, EMBED_FIELD_LIMIT), inline=True)
    return embed


def _titles(label: str, titles: list[str], budget: int) -> str:
    if not titles:
        return ""
    lines, used = [], 0
    for title in titles:
        line = f"  {label} {escape_markdown(trim(title, 120))}"
        if used + len(line) > budget:
            lines.append(f"  \u2026 and {len(titles) - len(lines)} more")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def reload_message(diff: LibraryDiff, report: LoadReport, seconds: float) -> str:
    """The moderator's reply to /reload: what changed, what was skipped and why, how long it took."""
    head = (f"Reloaded {report.articles} articles, {report.passages} passages in {seconds:.1f} s."
            + (" No article changed." if diff.unchanged else ""))
    sections = [
        _titles("+", diff.added, 500),
        _titles("-", diff.removed, 400),
        _titles("~", diff.changed, 400),
    ]
    skipped = [f"{s.path}: {s.reason}" for s in report.skipped]
    if skipped:
        sections.append(f"Skipped {report.skipped_count()}:\n" + _titles("\u2022", skipped, 500))
    return trim("\n".join([head, *filter(None, sections)]), CONTENT_LIMIT)
