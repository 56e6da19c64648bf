"""Answers into chat text and embeds, within every Discord limit (`fit`). Pure functions: no network, no state."""

from __future__ import annotations

import datetime
import re
from urllib.parse import quote as percent_encoded
from urllib.parse import unquote

import discord

from retrieval import Answer, Article, Hit, LoadReport
from retrieval.diff import LibraryDiff
from retrieval.understand import FollowUp

from .fit import (
    CONTENT_LIMIT,
    ELLIPSIS,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    escape_markdown,
    escaped_fit,
    trim,
)

# Client-wide: nothing an article or a question says can ping anyone.
NO_MENTIONS = discord.AllowedMentions.none()

ERROR_MESSAGE = "Something went wrong answering that. It has been logged; please try again later."


def too_fast_message(retry_after: float) -> str:
    """What a member asking faster than the cooldown allows is told."""
    return f"You're asking quickly: try again in {retry_after:.0f} s."


def emphasized_quote(hit: Hit, limit: int) -> str:
    """The passage verbatim with Markdown escaped and the best-matching sentence(s) in bold.

    When the passage must be shortened, the text before the highlight goes first, then its end.
    """
    text = hit.passage.text
    if not hit.highlight:
        return escaped_fit(text, limit)
    start, end = hit.highlight[0][0], hit.highlight[-1][1]
    bold = f"**{escaped_fit(text[start:end], limit - 4, _starts_line(text, start))}**"
    room = limit - len(bold)
    head = escape_markdown(text[:start])
    if len(head) > room // 2:
        head = ELLIPSIS + " " if room >= 2 else ""
    return head + bold + escaped_fit(text[end:], room - len(head), _starts_line(text, end))


def _starts_line(text: str, at: int) -> bool:
    return at == 0 or text[at - 1] == "\n"


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
    """'by A and B · 3 Dec 2026 · source · passage 2 of 13' (plain text, escaped): the date, when the article
    gives one, tells members how fresh the quote is."""
    parts = [byline(hit.article), _date_shown(hit.article), hit.article.source,
             f"passage {hit.passage.ordinal + 1} of {hit.passage_count}"]
    return " \u00b7 ".join(escape_markdown(p) for p in parts if p)


def answer_message(hit: Hit, limit: int = CONTENT_LIMIT) -> str:
    """One answer as plain message content: quote, then the source. At most `limit` characters."""
    title = trim(title_of(hit.article), EMBED_TITLE_LIMIT)
    link = f" <{hit.article.url}>" if hit.article.url else ""
    footer = f"\n\u2014 **{escape_markdown(title)}**{link}\n{source_line(hit)}"
    footer = footer[: limit // 2]
    quote = emphasized_quote(hit, limit - len(footer) - 2 * (hit.passage.text.count("\n") + 1) - 2)
    quoted = "\n".join("> " + line for line in quote.split("\n"))
    return (quoted + footer)[:limit]


def no_answer_message(answer: Answer) -> str:
    """What to say when nothing answers: plainly so, and where one might look instead."""
    if answer.kind == "article":
        if answer.article is None:
            return UNIDENTIFIED_ARTICLE
        return f"That was the last passage of {_italic_title(answer.article)}."
    if answer.nothing_to_search:
        return ("There's nothing in that question to search for: words like *what*, *is* and *the* are left out. "
                "Add a name, a place or a subject.")
    if answer.kind == "articles":
        return f"No article mentions \u201c{escaped_fit(answer.subject, 200)}\u201d."
    text = "I couldn't find a passage that answers that."
    titles = list(dict.fromkeys(title_of(h.article) for h in answer.hits))[:3]
    if titles:
        text += " Closest articles: " + "; ".join(f"*{escape_markdown(trim(t, 200))}*" for t in titles) + "."
    return text[:CONTENT_LIMIT]


def render_answer(answer: Answer) -> str:
    """The reply to an answer of any kind, as text (what the console and `python -m bot ask` print)."""
    if answer.kind == "small_talk":
        return console_small_talk_message(answer.fact)
    if answer.no_answer:
        return no_answer_message(answer)
    if answer.kind == "articles":
        return articles_message(answer)
    lead = fact_message(answer) if answer.kind == "article" else ""
    if not answer.hits:
        return lead
    if not lead:
        return answer_message(answer.hits[0])
    return lead + "\n" + answer_message(answer.hits[0], CONTENT_LIMIT - len(lead) - 1)


# -- an answer's footer: which passage of which article it quoted ------------------------------------------

# The footer is the answer's only memory: a reply to it is read in its context ("who wrote it?", "go on")
# from "passage 2 of 13 · <article id>", so follow-ups work after a restart. The id is the rest of the line,
# whatever it holds; only what Discord might trim or a reader cannot see is percent-encoded (and "%" itself).
_FOOTER = re.compile(r"passage (\d+) of (\d+) \u00b7 (.+)", re.DOTALL)


def _footer_id(article_id: str) -> str:
    last = len(article_id) - 1
    return "".join(
        percent_encoded(ch, safe="")
        if ch == "%" or not ch.isprintable()
        or (ch == " " and (i in (0, last) or article_id[i - 1] == " " or article_id[i + 1] == " "))
        else ch
        for i, ch in enumerate(article_id)
    )


def answer_footer(hit: Hit) -> str:
    """'passage 2 of 13 · <article id>'; just the position when the id cannot fit (no follow-ups then)."""
    position = f"passage {hit.passage.ordinal + 1} of {hit.passage_count}"
    footer = f"{position} \u00b7 {_footer_id(hit.article.id)}"
    return footer if len(footer) <= EMBED_FOOTER_LIMIT else position


def answered_passage(footer: str | None) -> FollowUp | None:
    """The article and passage an answer's footer names (`answer_footer` read back); None for any other text."""
    match = _FOOTER.fullmatch(footer or "")
    if match is None or int(match[1]) < 1:
        return None
    return FollowUp(article_id=unquote(match[3]), passage=int(match[1]) - 1)


# A public /ask answer names its question above the embed ("Asked: ..."): members see what was asked (Discord
# shows a command's name, not its words), and "Why this answer" reads it back after a restart.
ASKED = "Asked: "
EMBED_AUTHOR_LIMIT = 256


def show_question(embed: discord.Embed, question: str) -> None:
    """Name `question` on the answer's embed, when it fits whole (a cut question would be explained wrongly)."""
    line = ASKED + " ".join(question.split())
    if len(line) <= EMBED_AUTHOR_LIMIT and len(embed) + len(line) <= EMBED_TOTAL_LIMIT:
        embed.set_author(name=line)


def shown_question(embed: discord.Embed) -> str | None:
    """The question `show_question` named on `embed`; None when it names none."""
    name = embed.author.name or ""
    return name[len(ASKED):] if name.startswith(ASKED) and len(name) > len(ASKED) else None


def answer_embed(hit: Hit) -> discord.Embed:
    """The answer as an embed: quote in the description, the article as title (a link when it has a url)."""
    embed = discord.Embed(title=trim(title_of(hit.article), EMBED_TITLE_LIMIT), url=hit.article.url or None)
    if _authors(hit.article):
        embed.add_field(name="Authors", value=escaped_fit(", ".join(_authors(hit.article)), EMBED_FIELD_LIMIT),
                        inline=True)
    embed.add_field(name="Source", value=trim(escape_markdown(hit.article.source), EMBED_FIELD_LIMIT), inline=True)
    if _date_shown(hit.article):
        embed.add_field(name="Date", value=escaped_fit(_date_shown(hit.article), EMBED_FIELD_LIMIT), inline=True)
    embed.set_footer(text=answer_footer(hit))
    embed.description = emphasized_quote(hit, min(EMBED_DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - len(embed)))
    return embed


# -- questions about the articles, and small talk ------------------------------------------------------------

UNIDENTIFIED_ARTICLE = ("Which article do you mean? Reply to one of my answers, or name its subject: "
                        "*who wrote the article about ...?*")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE_LIMIT = 60  # a "date" longer than this is not one: its start is enough
_LINK_LIMIT = 500  # a longer url is not shown as a link: cut, it would lead nowhere


def shown_date(date: str) -> str:
    """An article's date as members read it: '3 Dec 2026' when it is an ISO date (or date-time), else as given."""
    try:
        day = datetime.datetime.fromisoformat(date.strip())
    except ValueError:
        return date.strip()
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _date_shown(article: Article) -> str:
    """The article's date as members read it, at most a short line's worth; '' when it gives none."""
    return trim(shown_date(article.date), _DATE_LIMIT) if article.date and article.date.strip() else ""


def _italic_title(article: Article) -> str:
    return f"*{escaped_fit(title_of(article), 200)}*"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def fact_message(answer: Answer) -> str:
    """The fact a question about one article asks for ('*Title* is by A, B and C.'); '' when the quote is the
    answer ('what is it about?', 'go on')."""
    article = answer.article
    if article is None:
        return ""
    title = _italic_title(article)
    if answer.fact == "authors":
        authors = _authors(article)
        return (f"{title} is by {escaped_fit(_names(authors), 1000)}." if authors
                else f"{title} doesn't name its authors.")
    if answer.fact == "date":
        date = (article.date or "").strip()
        return f"{title} was published {escaped_fit(shown_date(date), 200)}." if date else \
            "The article doesn't give a date."
    if answer.fact == "link":
        if article.url and len(article.url) <= _LINK_LIMIT:
            return f"The link to {title}: <{article.url}>"
        return f"{title} has no link: it was read from {escaped_fit(article.source, 500)}."
    return ""


def _item(number: int, hit: Hit, sentence: str, budget: int) -> str:
    """One article of a list: its number, title and byline, then a sentence of it quoted."""
    head = f"**{number}.** {_italic_title(hit.article)}"
    names = byline(hit.article)
    if names:
        head += " " + escaped_fit(names, max(20, budget // 4))
    sentence = " ".join(sentence.split())
    room = budget - len(head) - 3
    return head + ("\n> " + escaped_fit(sentence, room) if sentence and room > 20 else "")


def articles_message(answer: Answer) -> str:
    """An answer of one hit per article: how many match, then each with its title, byline and best sentence
    ('which articles mention X') or its standfirst ('what has A written', 'what articles do you have')."""
    shown, total = answer.hits, max(answer.total, len(answer.hits))
    some = total > len(shown)
    subject = escaped_fit(answer.subject, 100)
    if answer.fact == "mentions":
        head = (f"1 article mentions \u201c{subject}\u201d:" if total == 1 else
                f"{total:,} articles mention \u201c{subject}\u201d" + (f"; the best {len(shown)}:" if some
                                                                       else ", best first:"))
    elif answer.fact == "by_author":
        author = _author_named(answer)
        head = f"I have {_counted(total, 'article')} by {author}" + (", for example:" if some else ":")
    else:
        head = f"I have {_counted(total, 'article')}" + (", for example:" if some else ":")
    budget = (CONTENT_LIMIT - len(head)) // max(1, len(shown)) - 2
    items = []
    for number, hit in enumerate(shown, start=1):
        # The sentence that mentions what was asked about; else what the article is about.
        sentence = hit.highlighted_text if answer.fact == "mentions" else hit.article.standfirst
        items.append(_item(number, hit, sentence or hit.passage.text, budget))
    return trim("\n".join([head, *items]), CONTENT_LIMIT)


def _counted(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _author_named(answer: Answer) -> str:
    """The author asked about as the articles spell the name ('elena chernenko' -> 'Elena Chernenko')."""
    words = answer.subject.casefold().split()
    for hit in answer.hits:
        for author in _authors(hit.article):
            if words and all(w in author.casefold().split() for w in words):
                return escaped_fit(author, 200)
    return escaped_fit(answer.subject, 200)


_HOW_TO_ASK = ("Mention me with a question and I'll quote the passage of the articles that answers it; reply to "
               "one of my answers to follow up (*who wrote it?*, *go on*); or use /ask, /search or /article.")
_SMALL_TALK = {
    "greeting": "Hi! " + _HOW_TO_ASK,
    "thanks": "You're welcome! " + _HOW_TO_ASK,
    "help": ("I answer questions about the articles by quoting the passage that answers them, with its source.\n"
             "- **Mention me** with a question: *who arrested the prime minister?*, "
             "*who wrote the article about ...?*, *which articles mention ...?*, *what articles do you have?*\n"
             "- **Reply to one of my answers** to follow up: *who wrote it?*, *when was it published?*, *link?*, "
             "*go on*\n"
             "- /ask to ask (when nothing answers, only you are told), /search to list the passages that match "
             "some words, /article to look up an article by its title"),
}


def small_talk_message(fact: str) -> str:
    """A short, friendly reply to a greeting, thanks or a call for help that says how to ask."""
    return _SMALL_TALK.get(fact, _SMALL_TALK["help"])


# In the console every line is a question of its own: no mentions, replies or slash commands.
_CONSOLE_HOW_TO_ASK = ("Type a question and I'll quote the passage of the articles that answers it: "
                       "*who arrested the prime minister?*, *who wrote the article about ...?*, "
                       "*which articles mention ...?*, *what articles do you have?*")
_CONSOLE_SMALL_TALK = {"greeting": "Hi! " + _CONSOLE_HOW_TO_ASK, "thanks": "You're welcome! " + _CONSOLE_HOW_TO_ASK}


def console_small_talk_message(fact: str) -> str:
    """`small_talk_message` for the console, where one asks by typing a line."""
    return _CONSOLE_SMALL_TALK.get(fact, _CONSOLE_HOW_TO_ASK)


def search_page_embed(query: str, hits: list[Hit], offset: int, page: int, pages: int) -> discord.Embed:
    """One page of /search: each result's article title and its best-matching sentence."""
    embed = discord.Embed(title=trim(f"Results for \u201c{query}\u201d", EMBED_TITLE_LIMIT))
    if not hits:
        embed.description = "Nothing in the collection matches that."
    for number, hit in enumerate(hits, start=offset + 1):
        sentence = hit.highlighted_text or hit.passage.text
        embed.add_field(
            name=trim(f"{number}. {title_of(hit.article)}", EMBED_TITLE_LIMIT),
            value=escaped_fit(sentence, EMBED_FIELD_LIMIT - 40)
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
        description=escaped_fit(article.standfirst, EMBED_DESCRIPTION_LIMIT) if article.standfirst else None,
    )
    if _authors(article):
        embed.add_field(name="Authors", value=escaped_fit(", ".join(_authors(article)), EMBED_FIELD_LIMIT),
                        inline=True)
    embed.add_field(name="Passages", value=str(passages), inline=True)
    embed.add_field(name="Source", value=trim(escape_markdown(article.source), EMBED_FIELD_LIMIT), inline=True)
    if _date_shown(article):
        embed.add_field(name="Date", value=escaped_fit(_date_shown(article), EMBED_FIELD_LIMIT), inline=True)
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
