"""What a chat message asks for: questions about the articles, small talk, follow-ups."""

import pytest

from retrieval.understand import FollowUp, looks_like_question, named_thing, understand

REPLY = FollowUp("some-article", 2)


@pytest.mark.parametrize(
    ("message", "fact"),
    [("hi", "greeting"), ("Hello there!", "greeting"), ("good morning everyone", "greeting"),
     ("hello everyone, what's up?", "greeting"), ("hey, how are you?", "greeting"), ("heyyy", "greeting"),
     ("thanks!", "thanks"), ("thank you so much", "thanks"), ("cheers \U0001F64F", "thanks"),
     ("help", "help"), ("how do I use this?", "help"), ("what can you do?", "help"),
     # Read by their words, not whole phrases.
     ("thanks a ton mate", "thanks"), ("good bot", "thanks"), ("wow that was quick, thanks!", "thanks"),
     ("o/", "greeting"), ("hello, is this thing on?", "greeting"), ("good day everyone", "greeting"),
     ("what kind of questions can I ask?", "help"), ("how does this bot work", "help"), ("commands?", "help"),
     ("are you a bot?", "help"), ("what can i ask you", "help"), ("um how do I use this", "help"),
     ("hello bot, what can you do?", "help"), ("where do I start", "help"), ("any examples?", "help"),
     ("what am I supposed to ask", "help"), ("what does this bot do exactly?", "help"),
     ("got it thanks", "thanks"), ("makes sense", "thanks"), ("you're a lifesaver", "thanks"), ("merci", "thanks"),
     ("how are you supposed to be used", "help"), ("hey, anyone around?", "greeting"), ("g'day", "greeting"),
     ("long time no see", "greeting")],
)
def test_greetings_thanks_and_help_are_small_talk(message, fact):
    asked = understand(message)
    assert (asked.kind, asked.fact) == ("small_talk", fact)


@pytest.mark.parametrize(
    ("message", "kind", "fact", "subject"),
    [
        ("Who is the author of the piece about cyber security?", "article", "authors", "cyber security"),
        ("Hello there! Who wrote the Sudan article?", "article", "authors", "Sudan"),
        ("When was the story about Huawei published?", "article", "date", "Huawei"),
        ("when did they write the Sudan piece?", "article", "date", "Sudan"),
        ("how current is the cyber security article?", "article", "date", "cyber security"),
        ("What is the cyber security article about?", "article", "about", "cyber security"),
        ("what is the sudan article talking about", "article", "about", "sudan"),
        ("brief me on the Sudan article", "article", "about", "Sudan"),
        ("tell me about the Sudan article", "article", "about", "Sudan"),
        ("what does the article about Sudan cover?", "article", "about", "Sudan"),
        ("what's in the Sudan piece?", "article", "about", "Sudan"),
        ("which piece covers Huawei?", "articles", "mentions", "Huawei"),
        ("What has Elena Chernenko written?", "articles", "by_author", "Elena Chernenko"),
        ("articles by Nesrine Malik", "articles", "by_author", "Nesrine Malik"),
        ("what did Chernenko publish?", "articles", "by_author", "Chernenko"),
        ("what articles has Safronov contributed to", "articles", "by_author", "Safronov"),
        ("I want to read Nesrine Malik", "articles", "by_author", "Nesrine Malik"),
        ("Which articles mention Huawei?", "articles", "mentions", "Huawei"),
        ("any articles about Sudan?", "articles", "mentions", "Sudan"),
        ("What articles do you have?", "articles", "catalogue", ""),
        ("how many articles are there?", "articles", "catalogue", ""),
        ("what is in here?", "articles", "catalogue", ""), ("browse articles", "articles", "catalogue", ""),
        ("what kind of stuff do you have", "articles", "catalogue", ""),
        ("how many articles mention Huawei?", "articles", "mentions", "Huawei"),
        ("what can I ask about?", "articles", "catalogue", ""),
        ("what are you trained on", "articles", "catalogue", ""),
        ("whats on offer", "articles", "catalogue", ""), ("what do you cover?", "articles", "catalogue", ""),
        ("what do you have on Sudan?", "articles", "mentions", "Sudan"),
    ],
)
def test_questions_about_the_articles_are_told_apart(message, kind, fact, subject):
    asked = understand(message)
    assert (asked.kind, asked.fact, asked.subject) == (kind, fact, subject)


@pytest.mark.parametrize(
    "question",
    ["Who wrote the Declaration of Independence?", "When was the IPCC Fourth Assessment Report published?",
     "What was the treaty about?", "What is the capital of France?", "Who is the author's father?",
     "To which year is the earliest piece of English silver dated?", "Article 34 meant states could be responsible for what?",
     "Who handled the pre-game coverage on Westwood One?", "What did the study report about sleep?",
     "thanks to whom did the treaty pass?", "How many acres does the park cover?",
     "How many miles will the trail cover once completed?", "By 1544 what did Luther have to deal with?",
     "What's on offer at the market?", "what is the dam built on", "what did the treaty cover", "are you sure?",
     "what are the rules of cricket", "give me an example of a treaty", "what do I do if the deal fails",
     "The issues of what era did Tesla's article talk about?", "what makes sense here",
     "I see Huawei mentioned, who is Inspur?", "when did the army get the report?"],
)
def test_a_question_that_names_no_article_is_for_the_passages(question):
    assert understand(question).kind == "passage"


@pytest.mark.parametrize(
    ("reply", "fact"),
    [("who's the author?", "authors"), ("who wrote it?", "authors"), ("when was it published?", "date"),
     ("link?", "link"), ("link please", "link"), ("go on", "more"), ("tell me more", "more"), ("what else?", "more"),
     ("and?", "more"), ("next one", "more"), ("who's this by", "authors"), ("source?", "link"),
     ("and when was this?", "date"), ("when did that happen?", "date"), ("more details", "more"),
     ("and after that?", "more"), ("further", "more"), ("tell me more about that", "more"), ("ok and?", "more"),
     ("another passage", "more"), ("sum it up", "about")],
)
def test_replies_to_an_answer_ask_about_its_article(reply, fact):
    asked = understand(reply, REPLY)
    assert (asked.kind, asked.fact, asked.subject) == ("article", fact, "")


@pytest.mark.parametrize("reply", ["when was the coup?", "when did they sign it?", "when did that treaty happen?"])
def test_a_reply_asking_when_something_named_happened_searches_the_passages(reply):
    assert understand(reply, REPLY).kind == "passage"


def test_the_subject_is_kept_as_typed():
    assert understand("which articles mention the Kremlin's hotline?").subject == "Kremlin's hotline"


def test_go_on_without_an_answer_to_follow_still_asks_for_more():
    asked = understand("go on")
    assert (asked.kind, asked.fact) == ("article", "more")


def test_tell_me_more_without_an_answer_to_follow_searches_its_subject():
    asked = understand("tell me more about Huawei")
    assert asked.kind == "passage" and "Huawei" in asked.search


@pytest.mark.parametrize(
    ("reply", "leans"),
    [("and what did they sign before that?", True), ("what about china?", True), ("who is overseeing it?", True),
     ("and when?", True), ("ok but why?", True),
     ("What is the capital of France?", False), ("How long was Omar al-Bashir in power?", False)],
)
def test_a_reply_leans_on_the_answer_or_stands_alone(reply, leans):
    asked = understand(reply, REPLY)
    assert asked.kind == "passage" and asked.leans is leans
    assert understand(reply).leans is False  # without an answer to lean on, it is a question like any other


@pytest.mark.parametrize(
    ("line", "question"),
    [("hey does anyone know who arrested hamdok", True), ("who wrote it?", True), ("lol nice", False),
     ("thanks!", False), ("I'll be late today", False)],
)
def test_lines_in_an_answer_channel_read_as_questions_or_not(line, question):
    assert looks_like_question(line) is question


@pytest.mark.parametrize(
    ("question", "named"),
    [("What is Nexus?", "nexus"), ("who was Tancred", "tancred"), ("What's a clade?", "clade"),
     ("What is Inspur known for?", "inspur"), ("what do we know about Inspur?", "inspur"),
     ("What is the capital of Peru?", "capital of peru"), ("What does the acronym LEM stand for?", "lem"),
     ("what does LGM stands for", "lgm"), ("What does Hauptlied mean?", "hauptlied"),
     # Asking more than what something is.
     ("What did Inspur sign?", ""), ("Who wrote the Sudan piece?", ""), ("Inspur", "")],
)
def test_a_question_asking_only_what_or_who_something_is_names_it(question, named):
    assert named_thing(question) == named
