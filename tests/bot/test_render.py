"""Rendering answers: verbatim quotes, bold highlight, escaped Markdown, and every Discord limit."""

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import (
    CONTENT_LIMIT,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    ELLIPSIS,
    NO_MENTIONS,
    answer_embed,
    answer_message,
    article_embed,
    no_answer_message,
    reload_message,
    search_page_embed,
    trim,
)
from retrieval import Answer, Article, Hit, LoadReport, Paragraph, Passage, SkippedFile
from retrieval.diff import LibraryDiff


def make_hit(text: str, title: str = "A Title", authors=("Ann Lee",), highlight=None, url=None) -> Hit:
    article = Article(id="a", title=title, authors=list(authors), source="dir/file.txt", url=url,
                      paragraphs=[Paragraph(text=text)])
    passage = Passage(article_id="a", ordinal=1, text=text, start=0, end=len(text))
    return Hit(score=3.2, passage=passage, article=article, passage_count=4, highlight=highlight or [])


def assert_embed_fits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= EMBED_TITLE_LIMIT
    assert len(embed.description or "") <= EMBED_DESCRIPTION_LIMIT
    assert len(embed.fields) <= 25
    for field in embed.fields:
        assert 0 < len(field.name.strip()) and len(field.name) <= EMBED_TITLE_LIMIT
        assert 0 < len(field.value.strip()) and len(field.value) <= EMBED_FIELD_LIMIT
    assert len(embed) <= EMBED_TOTAL_LIMIT


def test_the_quote_is_verbatim_with_the_best_sentence_in_bold():
    text = "First sentence here. The answer is 42. Last one."
    hit = make_hit(text, highlight=[(21, 38)])
    assert answer_embed(hit).description == "First sentence here. **The answer is 42.** Last one."


def test_the_articles_own_markdown_is_escaped_so_it_shows_as_written():
    hit = make_hit("Use *stars* and _underscores_ and `code`.", highlight=[(0, 41)])
    description = answer_embed(hit).description
    assert r"\*stars\*" in description and r"\_underscores\_" in description and r"\`code\`" in description


def test_the_source_names_title_link_authors_file_and_passage_position():
    hit = make_hit("Text.", title="Bridge Reopens", authors=["Ann Lee", "Bo Ma"], url="https://example.org/b")
    embed = answer_embed(hit)
    assert embed.title == "Bridge Reopens" and embed.url == "https://example.org/b"
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Authors"] == "Ann Lee, Bo Ma" and fields["Source"] == r"dir/file.txt"
    assert embed.footer.text == "passage 2 of 4"
    message = answer_message(hit)
    assert "**Bridge Reopens** <https://example.org/b>" in message and "by Ann Lee and Bo Ma" in message


@pytest.mark.parametrize("limit", [5, 20, 57])
def test_trimming_ends_at_a_sentence_or_word_with_an_ellipsis(limit):
    text = "One two three. Four five six seven. Eight nine ten eleven twelve."
    cut = trim(text, limit)
    assert len(cut) <= limit and cut.endswith(ELLIPSIS)
    words = cut.rstrip(ELLIPSIS).split()
    assert words == text.split()[: len(words)]  # whole words only


def test_no_answer_names_the_closest_articles():
    answer = Answer(question="q", hits=[make_hit("x", title="Near *Miss*")], no_answer=True, coverage=0.2)
    assert no_answer_message(answer) == r"I couldn't find a passage that answers that. Closest articles: *Near \*Miss\**."


def test_a_question_of_only_common_words_is_told_what_to_add_not_that_nothing_matched(seed_library):
    text = no_answer_message(seed_library.answer("What is it?"))
    assert "nothing in that question to search for" in text and "Add a name, a place or a subject" in text
    assert "couldn't find" not in text


def test_reload_reply_lists_changes_and_skipped_files_with_reasons():
    diff = LibraryDiff(added=["New One"], removed=["Old One"], changed=["Edited"])
    report = LoadReport(root="seeds", articles=3, passages=30,
                        skipped=[SkippedFile(path="bad.json", reason="not valid JSON")])
    text = reload_message(diff, report, 1.234)
    assert text.startswith("Reloaded 3 articles, 30 passages in 1.2 s.")
    assert "+ New One" in text and "- Old One" in text and "~ Edited" in text
    assert "bad.json: not valid JSON" in text


def test_reload_reply_tells_skipped_files_from_skipped_records():
    report = LoadReport(root="x", skipped=[
        SkippedFile(path="bad.json", reason="not valid JSON"),
        *(SkippedFile(path="a.jsonl", reason=f"line {n}: not valid JSON", whole_file=False) for n in (3, 9)),
    ])
    assert "Skipped 1 file and 2 records:\n" in reload_message(LibraryDiff(), report, 1.0)


def test_reload_reply_stays_within_a_message_with_thousands_of_changes():
    diff = LibraryDiff(added=[f"Article number {i} with a long title" for i in range(5000)])
    text = reload_message(diff, LoadReport(root="x"), 1.0)
    assert len(text) <= CONTENT_LIMIT and "more" in text


def test_client_wide_allowed_mentions_allow_nothing():
    assert NO_MENTIONS.to_dict() == {"parse": []}


hostile = st.lists(
    st.sampled_from(list("ab *_`~|>#-.!? \n") + ["@everyone", "@here", "<@123>", "<@&9>", "\u202e", "\u200b",
                                                "e\u0301\u0301\u0301", "\U0001f600", "word", "Sentence. "]),
    min_size=1, max_size=3000,
).map("".join)


@given(text=hostile, title=st.text(min_size=0, max_size=600), authors=st.lists(st.text(max_size=300), max_size=30),
       data=st.data())
@settings(max_examples=150, deadline=None)
def test_any_passage_renders_within_every_discord_limit(text, title, authors, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    hit = make_hit(text, title=title, authors=authors, highlight=[(start, end)])
    assert len(answer_message(hit)) <= CONTENT_LIMIT
    assert_embed_fits(answer_embed(hit))
    assert_embed_fits(search_page_embed(text, [hit] * 5, 0, 0, 3))
    assert_embed_fits(article_embed(hit.article, 7))
    assert len(no_answer_message(Answer(question=text, hits=[hit] * 3, no_answer=True, coverage=0))) <= CONTENT_LIMIT
