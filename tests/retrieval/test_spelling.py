"""Typos in a question are read through, against the words the collection holds."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from retrieval import Article, Library, Paragraph, spelling
from retrieval.spelling import spelled


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("Whom did the army arrest in Sudan, Abdalla Hamdook?", "Abdalla Hamdok"),  # a letter too many
        ("How long was Omar al-Bashri in power?", "almost 30 years"),  # two letters swapped
        ("How much was the contract with Huawie?", "$60 million"),
        ("What did Komersant report about the internet?", "Kommersant"),  # a letter missing
    ],
)
def test_a_misspelled_name_still_finds_its_passage(seed_library, question, quoted):
    answer = seed_library.answer(question)
    assert not answer.no_answer and quoted in answer.hits[0].passage.text


def test_only_unknown_words_of_five_letters_or_more_with_a_known_neighbour_change(seed_library):
    spell = seed_library.spelled
    assert spell("Who arrested Hamdook?") == "Who arrested Hamdok?"
    assert spell("who arrested hamdook?") == "who arrested hamdok?"
    assert spell("Who arrested Hamdok?") == "Who arrested Hamdok?"  # known: as written
    assert spell("Who won the blorptangle qzxvyl cup?") == "Who won the blorptangle qzxvyl cup?"  # no neighbour
    assert spell("Who is Pitn?") == "Who is Pitn?"  # too short to guess
    assert spell("the best sourdough bread") == "the best sourdough bread"  # "read" starts otherwise
    assert spell("") == ""


@pytest.mark.parametrize("question", ["Who is the mayor of Moscow?", "Who has a contact at Huawei?",
                                      "Which county is Khartoum in?", "Who was the winner?"])
def test_a_common_english_word_the_collection_lacks_is_meant_as_typed(seed_library, question):
    # The seeds hold "major", "contract", "country" and "winter", one letter off each.
    assert seed_library.spelled(question) == question


def test_a_name_with_letters_beyond_ascii_is_found_as_written():
    library = Library([Article(id=f"a{i}", title="", source="x", paragraphs=[Paragraph(text=t)]) for i, t in enumerate((
        "Gospić is a town in the Lika region of Croatia.", "Zagreb is the capital of Croatia.",
        "The river floods every spring.", "A bridge opened last week."))])
    assert library.spelled("Where is Gospić?") == "Where is Gospić?"
    answer = library.answer("Where is Gospić?")
    assert answer.hits and "Gospić" in answer.hits[0].passage.text


def test_a_corrected_question_keeps_exact_rank_bm25_scores(seed_library):
    answer = seed_library.answer("When did Puttin and Obama sign the agreement?")
    terms = seed_library.analyzer(seed_library.spelled("When did Puttin and Obama sign the agreement?"))
    assert "putin" in terms
    reference = BM25Okapi([seed_library.analyzer(seed_library.indexed_text(p)) for p in seed_library.passages])
    expected = reference.get_scores(terms)
    for hit in answer.hits:
        position = seed_library.passages.index(hit.passage)
        assert hit.score == pytest.approx(expected[position], rel=1e-9, abs=1e-12)


@given(st.lists(st.sampled_from(["arrest", "army", "Sudan", "contract", "Huawei", "internet", "power", "the", "who",
                                 "cyber-security", "2013", "?", ","]), max_size=12))
@settings(max_examples=100, deadline=None)
def test_words_the_collection_holds_are_never_changed(seed_library, words):
    text = " ".join(words)
    assert spelled(text, seed_library.analyzer, seed_library.index) == text


def test_the_english_word_list_is_loaded_with_the_library_not_on_a_question():
    # Small libraries answer on the bot's event loop: the list's first load (about 0.1 s) must not stall it.
    spelling.english.cache_clear()
    Library.load(Path(__file__).resolve().parents[2] / "seeds")
    assert spelling.english.cache_info().currsize == 1
