"""Rendering answers: verbatim quotes, bold highlight, escaped Markdown, and every Discord limit."""

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import fit
from bot.fit import CONTENT_LIMIT, ELLIPSIS, trim
from bot.render import (
    NO_MENTIONS,
    answer_embed,
    answer_footer,
    answer_message,
    answered_passage,
    article_embed,
    articles_message,
    fact_message,
    no_answer_message,
    reload_message,
    render_answer,
    search_page_embed,
    shown_date,
    small_talk_message,
)
from retrieval import Answer, Article, Hit, LoadReport, Paragraph, Passage, SkippedFile
from retrieval.diff import LibraryDiff
from retrieval.understand import FollowUp


def make_hit(text: str, title: str = "A Title", authors=("Ann Lee",), highlight=None, url=None, article_id="a",
             ordinal=1, **fields) -> Hit:
    article = Article(id=article_id, title=title, authors=list(authors), source="dir/file.txt", url=url,
                      paragraphs=[Paragraph(text=text)], **fields)
    passage = Passage(article_id=article_id, ordinal=ordinal, text=text, start=0, end=len(text))
    return Hit(score=3.2, passage=passage, article=article, passage_count=4, highlight=highlight or [])


def assert_embed_fits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= fit.EMBED_TITLE_LIMIT
    assert len(embed.description or "") <= fit.EMBED_DESCRIPTION_LIMIT
    assert len(embed.fields) <= 25
    for field in embed.fields:
        assert 0 < len(field.name.strip()) and len(field.name) <= fit.EMBED_TITLE_LIMIT
        assert 0 < len(field.value.strip()) and len(field.value) <= fit.EMBED_FIELD_LIMIT
    assert len(embed.footer.text or "") <= fit.EMBED_FOOTER_LIMIT
    assert len(embed) <= fit.EMBED_TOTAL_LIMIT


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
    assert embed.footer.text == "passage 2 of 4 \u00b7 a"
    message = answer_message(hit)
    assert "**Bridge Reopens** <https://example.org/b>" in message and "by Ann Lee and Bo Ma" in message


def test_the_source_line_says_when_the_article_was_published():
    hit = make_hit("Text.", authors=["Ann Lee"], date="2026-12-03")
    assert "by Ann Lee \u00b7 3 Dec 2026 \u00b7 dir/file.txt \u00b7 passage 2 of 4" in answer_message(hit)
    assert {f.name: f.value for f in answer_embed(hit).fields}["Date"] == "3 Dec 2026"


@pytest.mark.parametrize(("date", "shown"), [(None, None), ("  ", None), ("Spring *2020*", r"Spring \*2020\*"),
                                             ("@everyone " + "x" * 300, "@everyone")])
def test_an_article_without_a_readable_date_shows_none_or_what_it_says(date, shown):
    hit = make_hit("Text.", authors=["Ann Lee"], date=date)
    embed = answer_embed(hit)
    fields = {f.name: f.value for f in embed.fields}
    assert_embed_fits(embed)
    if shown is None:
        assert "Date" not in fields and "by Ann Lee \u00b7 dir/file.txt \u00b7 passage" in answer_message(hit)
    else:
        assert fields["Date"].startswith(shown) and len(fields["Date"]) <= 60
        assert f"by Ann Lee \u00b7 {fields['Date']} \u00b7 dir/file.txt" in answer_message(hit)


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
       article_id=st.text(min_size=1, max_size=210), data=st.data())
@settings(max_examples=150, deadline=None)
def test_any_passage_renders_within_every_discord_limit(text, title, authors, article_id, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    hit = make_hit(text, title=title, authors=authors, highlight=[(start, end)], article_id=article_id,
                   url="https://example.org/" + "x" * data.draw(st.integers(0, 600)), date=text[:300])
    assert len(answer_message(hit)) <= CONTENT_LIMIT
    assert_embed_fits(answer_embed(hit))
    assert_embed_fits(search_page_embed(text, [hit] * 5, 0, 0, 3))
    assert_embed_fits(article_embed(hit.article, 7))
    assert len(no_answer_message(Answer(question=text, hits=[hit] * 3, no_answer=True, coverage=0))) <= CONTENT_LIMIT
    for kind, fact in (("article", "authors"), ("article", "date"), ("article", "link"), ("article", "about"),
                       ("articles", "mentions"), ("articles", "by_author"), ("articles", "catalogue")):
        answer = Answer(question=text, hits=[hit] * 5, no_answer=False, coverage=1, kind=kind, fact=fact,
                        subject=title, article=hit.article, total=12345)
        assert len(render_answer(answer)) <= CONTENT_LIMIT, (kind, fact)
        assert len(no_answer_message(answer.model_copy(update={"no_answer": True}))) <= CONTENT_LIMIT


# -- the answer's footer: the context a reply is read in ---------------------------------------------------


@pytest.mark.parametrize("article_id", [
    "why-russia-and-china-see-eye-to-eye-on-cyber-security", "notes/2024 report.md", "v1.2.3", "a \u00b7 b",
    "50% off", " leading", "trailing ", "two  spaces", "line\nbreak", "tab\there", "\u00dcberblick", "\u202eevil",
    "x" * 200, "%" * 200, "passage 2 of 4 \u00b7 a",
])
def test_an_answers_footer_names_its_passage_and_article_and_reads_back(article_id):
    hit = make_hit("Text.", article_id=article_id, ordinal=6)
    footer = answer_embed(hit).footer.text
    assert footer.startswith("passage 7 of 4 \u00b7 ") and len(footer) <= fit.EMBED_FOOTER_LIMIT
    assert answered_passage(footer) == FollowUp(article_id=article_id, passage=6)
    assert footer == footer.strip() and "\n" not in footer and "\u202e" not in footer


def test_a_plain_id_reads_as_it_is_in_the_footer():
    footer = answer_footer(make_hit("Text.", article_id="notes/2024 report.md"))
    assert footer == "passage 2 of 4 \u00b7 notes/2024 report.md"


@given(article_id=st.text(min_size=1, max_size=200), ordinal=st.integers(0, 10_000))
@settings(max_examples=200, deadline=None)
def test_any_id_up_to_200_characters_reads_back_from_the_footer(article_id, ordinal):
    footer = answer_footer(make_hit("Text.", article_id=article_id, ordinal=ordinal))
    assert len(footer) <= fit.EMBED_FOOTER_LIMIT
    assert answered_passage(footer) == FollowUp(article_id=article_id, passage=ordinal)


def test_an_id_too_long_for_the_footer_leaves_just_the_position_and_no_context():
    footer = answer_footer(make_hit("Text.", article_id="\n" * 700))
    assert footer == "passage 2 of 4" and answered_passage(footer) is None


@pytest.mark.parametrize("text", [None, "", "passage 2 of 4", "Page 1 of 3", "passage 0 of 4 \u00b7 a",
                                  "passage two of 4 \u00b7 a", "see passage 2 of 4 \u00b7 a"])
def test_other_footers_give_no_context(text):
    assert answered_passage(text) is None


# -- questions about the articles, and small talk ---------------------------------------------------------------


def about(hit: Hit, fact: str, **fields) -> Answer:
    return Answer(question="q", hits=[hit], no_answer=False, coverage=1, kind="article", fact=fact,
                  article=hit.article, **fields)


@pytest.mark.parametrize(("date", "shown"), [
    ("2026-12-03", "3 Dec 2026"), ("2026-01-09T10:30:00Z", "9 Jan 2026"), ("2026-12-03 08:00:00+02:00", "3 Dec 2026"),
    (" 2026-12-03 ", "3 Dec 2026"), ("Spring 2020", "Spring 2020"), ("12/03/2026", "12/03/2026"),
    ("2026-13-40", "2026-13-40"),
])
def test_a_date_shows_as_day_month_year_when_it_is_iso_else_as_given(date, shown):
    assert shown_date(date) == shown


def test_article_facts_name_the_article_and_come_before_its_quote():
    hit = make_hit("The bridge reopened on Monday.", title="Bridge *Reopens*", authors=["Ann Lee", "Bo Ma", "Cy Ng"],
                   url="https://example.org/bridge", date="2026-12-03")
    assert fact_message(about(hit, "authors")) == r"*Bridge \*Reopens\** is by Ann Lee, Bo Ma and Cy Ng."
    assert fact_message(about(hit, "date")) == r"*Bridge \*Reopens\** was published 3 Dec 2026."
    assert fact_message(about(hit, "link")) == r"The link to *Bridge \*Reopens\**: <https://example.org/bridge>"
    text = render_answer(about(hit, "authors"))
    assert text.startswith(r"*Bridge \*Reopens\** is by Ann Lee, Bo Ma and Cy Ng." + "\n> The bridge reopened")
    assert text.endswith("passage 2 of 4")


def test_an_article_without_date_link_or_authors_says_so():
    hit = make_hit("Text.", title="Plain", authors=[])
    assert fact_message(about(hit, "date")) == "The article doesn't give a date."
    assert fact_message(about(hit, "link")) == r"*Plain* has no link: it was read from dir/file.txt."
    assert fact_message(about(hit, "authors")) == "*Plain* doesn't name its authors."
    assert fact_message(about(hit, "about")) == "" and render_answer(about(hit, "about")).startswith("> Text.")


def test_past_the_last_passage_and_an_unknown_article_are_said_plainly():
    hit = make_hit("Text.", title="The *End*")
    past = Answer(question="go on", hits=[], no_answer=True, coverage=0, kind="article", fact="more",
                  article=hit.article)
    assert render_answer(past) == r"That was the last passage of *The \*End\**."
    unknown = past.model_copy(update={"fact": "authors", "article": None})
    assert render_answer(unknown) == ("Which article do you mean? Reply to one of my answers, or name its subject: "
                                      "*who wrote the article about ...?*")


def listing(fact: str, hits: list[Hit], total: int, subject: str = "") -> Answer:
    return Answer(question="q", hits=hits, no_answer=False, coverage=1, kind="articles", fact=fact, subject=subject,
                  total=total)


def test_a_list_of_articles_says_how_many_then_each_title_byline_and_sentence():
    one = make_hit("Zero. The bridge *reopened* Monday. Two.", title="Bridge", authors=["Ann Lee"], highlight=[(6, 35)],
                   article_id="b")
    two = make_hit("The ferry stopped.", title="Ferry", authors=[], standfirst="Ferries are back.", article_id="f")
    assert articles_message(listing("mentions", [one, two], 2, "reopened")).split("\n") == [
        "2 articles mention \u201creopened\u201d, best first:",
        "**1.** *Bridge* by Ann Lee", r"> The bridge \*reopened\* Monday.",
        "**2.** *Ferry*", "> The ferry stopped.",
    ]
    assert articles_message(listing("by_author", [one], 1, "ann lee")).split("\n")[0] == "I have 1 article by Ann Lee:"
    catalogue = articles_message(listing("catalogue", [one, two], 1234))
    assert catalogue.startswith("I have 1,234 articles, for example:\n**1.** *Bridge*")
    assert "**2.** *Ferry*\n> Ferries are back." in catalogue
    best = articles_message(listing("mentions", [one, two], 9, "x"))
    assert best.startswith("9 articles mention \u201cx\u201d; the best 2:")


def test_a_long_list_stays_within_a_message_and_shows_every_article():
    hits = [make_hit("word " * 400, title="T" * 300, authors=["A" * 200] * 8, article_id=str(n)) for n in range(5)]
    text = articles_message(listing("catalogue", hits, 5))
    assert len(text) <= CONTENT_LIMIT and all(f"**{n}.**" in text for n in range(1, 6))


def test_no_article_mentioning_something_is_not_a_missing_passage():
    answer = listing("mentions", [], 0, "sourdough").model_copy(update={"no_answer": True})
    assert render_answer(answer) == "No article mentions \u201csourdough\u201d."


@pytest.mark.parametrize("fact", ["greeting", "thanks", "help"])
def test_small_talk_in_discord_is_answered_with_how_to_ask(fact):
    text = small_talk_message(fact)
    assert all(command in text for command in ("/ask", "/search", "/article")) and "couldn't find" not in text
    assert "mention me" in text.lower() and "reply to one of my answers" in text.lower()
    assert len(text) <= CONTENT_LIMIT


@pytest.mark.parametrize("fact", ["greeting", "thanks", "help"])
def test_small_talk_in_the_console_says_to_type_a_question_not_to_mention_the_bot(fact):
    text = render_answer(Answer(question="hi", hits=[], no_answer=False, coverage=0, kind="small_talk", fact=fact))
    assert "type a question" in text.lower() and "couldn't find" not in text
    assert not any(word in text.lower() for word in ("mention me", "reply to", "/ask"))


def test_every_kind_of_question_on_the_seeds_renders_as_text(seed_library):
    for question in ("Who wrote the piece about cyber security?", "What has Elena Chernenko written?",
                     "What articles do you have?", "Which articles mention Huawei?", "What is the Sudan article about?",
                     "When was the cyber security article published?", "who wrote it?", "hi", "thanks!", "help",
                     "How long was Omar al-Bashir in power?", "What is the best recipe for sourdough bread?"):
        text = render_answer(seed_library.answer(question))
        assert text.strip() and len(text) <= CONTENT_LIMIT, question
