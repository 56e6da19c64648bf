"""Chat spellings of common words are written out; names and ordinary words that look like them are not."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval import Library
from retrieval.texting import written_out
from retrieval.understand import understand

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("wut did u find abt hamdok tho", "what did you find about hamdok though"),
        ("wen did bashir lose power", "when did bashir lose power"),
        ("y was hamdok arrested", "why was hamdok arrested"),
        ("who r the authors", "who are the authors"),
        ("ok hw many years was he in power", "ok how many years was he in power"),
        ("thank u.", "thank you."),
    ],
)
def test_chat_spellings_are_written_out(typed, read):
    assert written_out(typed) == read


@pytest.mark.parametrize(
    "text",
    ["Ur was a city in Sumer", "Wat Arun is a temple in Bangkok", "the R language", "u.s. troops left",
     "the letter y is a vowel here", "Wen Jiabao visited Moscow", "a U-boat sank"],
)
def test_names_and_ordinary_words_that_look_like_chat_stay(text):
    assert written_out(text) == text


@given(st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz .,?'"), max_size=60))
def test_writing_out_twice_changes_nothing_more(text):
    assert written_out(written_out(text)) == written_out(text)


@pytest.fixture(scope="module")
def seeds():
    return Library.load(SEEDS)


@pytest.mark.parametrize(("typed", "spelled"), [("wen did bashir lose power", "when did bashir lose power"),
                                                ("wut did putin sign", "what did putin sign")])
def test_a_question_in_chat_spelling_is_answered_as_spelled_out(seeds, typed, spelled):
    typed_answer, spelled_answer = seeds.answer(typed), seeds.answer(spelled)
    assert not typed_answer.no_answer
    assert typed_answer.hits[0].passage == spelled_answer.hits[0].passage


def test_asking_the_bot_what_it_does_in_chat_spelling_gets_help():
    assert (understand("wut do u do").kind, understand("wut do u do").fact) == ("small_talk", "help")
