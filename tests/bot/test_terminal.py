"""The console's view of a reply: Discord Markdown read for a terminal, bold kept, escapes and markers gone."""

import io

from hypothesis import example, given
from hypothesis import strategies as st
from rich.console import Console

from bot.render import answer_message, render_answer
from bot.terminal import console_for, from_discord
from tests.bot.test_render import make_hit

README_QUESTION = "How long was Omar al-Bashir in power?"


def piped(markdown: str) -> str:
    out = io.StringIO()
    console_for(out).print(from_discord(markdown))
    return out.getvalue()


def on_terminal(markdown: str, width: int = 10_000) -> str:
    out = io.StringIO()
    Console(file=out, force_terminal=True, width=width).print(from_discord(markdown))
    return out.getvalue()


def runs(markdown: str, attribute: str) -> list[str]:
    """The stretches of text a terminal shows with `attribute` (bold, italic, ...)."""
    found, previous = [], False
    for segment in Console(width=10_000).render(from_discord(markdown)):
        styled = bool(segment.style and getattr(segment.style, attribute))
        if styled and previous:
            found[-1] += segment.text
        elif styled:
            found.append(segment.text)
        previous = styled
    return found


def test_the_highlighted_sentence_and_the_title_are_bold_and_nothing_else(seed_library):
    hit = seed_library.answer(README_QUESTION, 3).hits[0]
    assert runs(render_answer(seed_library.answer(README_QUESTION, 3)), "bold") == [
        hit.highlighted_text, "In Sudan, A Surprise About-Face Marks Death Of The Revolution"]


def test_a_terminal_gets_bold_as_an_escape_code_and_a_pipe_gets_none(seed_library):
    markdown = render_answer(seed_library.answer(README_QUESTION, 3))
    assert "\x1b[1mA little over a month ago" in on_terminal(markdown)
    assert "\x1b" not in piped(markdown)


def test_piped_text_has_no_escapes_or_markers_and_is_not_wrapped(seed_library):
    shown = piped(render_answer(seed_library.answer(README_QUESTION, 3)))
    quote, title, byline, blank = shown.split("\n")
    assert quote.startswith("\u2502 A little over a month ago") and quote.endswith("moved quickly.")
    assert title == "\u2014 In Sudan, A Surprise About-Face Marks Death Of The Revolution"
    assert byline == "by Nesrine Malik \u00b7 000_53ac65de5c9a03b2.txt \u00b7 passage 2 of 3" and blank == ""


def test_every_line_a_quote_wraps_to_keeps_its_bar_and_the_dash_line_is_not_quoted():
    shown = on_terminal("> " + "word " * 30 + "\n> second\n\u2014 **Title**\nby Ann", width=40)
    lines = shown.replace("\x1b[2m", "").replace("\x1b[1m", "").replace("\x1b[0m", "").splitlines()
    assert len(lines) > 5 and all(line.startswith("\u2502 ") for line in lines[:-2])
    assert lines[-2:] == ["\u2014 Title", "by Ann"]


def test_escapes_markers_and_link_brackets_go_but_links_stay_whole():
    assert piped(r"a\_b \*c\* \\ **bold** *it* __u__ ~~s~~ ||spoiler|| <https://x.org/a_b> https://y.org/c_d_e"
                 ) == "a_b *c* \\ bold it u s spoiler https://x.org/a_b https://y.org/c_d_e\n"
    assert runs(r"words like *what*, *is*", "italic") == ["what", "is"]


def test_discord_line_marks_quote_all_that_follows_dim_subtext_and_bold_headings():
    markdown = "## Articles\n- one\n-# 2 more\n>>> all\nquoted"
    assert piped(markdown) == "Articles\n- one\n2 more\n\u2502 all\n\u2502 quoted\n"
    assert runs(markdown, "bold") == ["Articles"] and runs(markdown, "dim")[0] == "2 more"


@given(st.text(alphabet="abc XYZ.,;!?*_~|`>#-[]()\\", min_size=1, max_size=300).map(str.strip).filter(bool))
@example("[;](*)")  # a lone * that escape_markdown leaves alone: Discord shows it as typed
@example("[ -")  # mid-line, " -" is no list: escaping it would show a backslash
@example("a. - b [c] - d")
def test_a_quote_shows_the_articles_own_text_exactly_whatever_marks_it_holds(text):
    shown = piped(answer_message(make_hit(text, highlight=[(0, len(text))])))
    assert shown.startswith("\u2502 " + text + "\n")
