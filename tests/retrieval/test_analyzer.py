"""The analyzer: what a reader types must meet what the article says."""

from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval import Analyzer, analyzer
from retrieval.analyzer import AnalyzerSettings
from retrieval.british_spellings import american
from retrieval.bm25 import Vocabulary

analyze = Analyzer()


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("Putin's visit", "Putin visits"),                      # possessive, plural
        ("Putin\u2019s visit", "Putin's visit"),                # curly apostrophe
        ("cybersecurity", "cyber-security"),                    # hyphen compound
        ("cyber security", "cyber\u2011security"),              # non-breaking hyphen
        ("cafe", "Caf\u00e9"),                                  # accents
        ("NAIVE", "na\u00efve"),                                # case and diaeresis
        ("US troops", "U.S. troops"),                           # dotted acronym
        ("1000 soldiers", "1,000 soldiers"),                    # thousands separator
        ("ﬁnance", "finance"),                                  # NFKC ligature
        ("ＡＢＣ", "abc"),                                        # full-width letters
    ],
)
def test_question_and_article_spellings_meet(question, text):
    assert set(analyze(question)) <= set(analyze(text))


@pytest.mark.parametrize(("verb", "past"), [("begin", "began"), ("begin", "begun"), ("flee", "fled"),
                                           ("build", "built"), ("win", "won"), ("write", "written")])
def test_a_verbs_irregular_past_is_searched_as_the_verb(verb, past):
    assert analyze(past) == analyze(verb)


@pytest.mark.parametrize(("word", "verb"), [("found", "find"), ("left", "leave"), ("saw", "see")])
def test_a_past_form_that_is_as_often_another_word_stays_itself(word, verb):
    assert analyze(word) != analyze(verb)


@pytest.mark.parametrize(("british", "american_text"), [
    ("Who criticised the treaty?", "the treaty was criticized"), ("organisations", "organization"),
    ("analysed", "analyze"), ("the colour of the flag", "flag colors"), ("city centre", "city centers"),
    ("kilometres", "kilometer"), ("defence ministry", "defense ministry"), ("the programme", "the program"),
    ("behavioural", "behavioral"), ("favourite", "favorite"),
])
def test_british_and_american_spellings_meet(british, american_text):
    assert set(analyze(british)) <= set(analyze(american_text))


@pytest.mark.parametrize(("word", "kin"), [("advertise", "advertisement"), ("revised", "revision"),
                                          ("televised", "television"), ("uprising", "uprisings")])
def test_a_word_spelled_ise_in_american_english_too_still_meets_its_kin(word, kin):
    assert analyze(word) == analyze(kin)


@given(st.from_regex(r"[a-z]{0,6}(?:colour|centre|ise|ised|isation|yse)?[a-z]{0,4}", fullmatch=True))
def test_reading_a_word_as_american_twice_changes_nothing_more(word):
    assert american(american(word)) == american(word)


def test_blanks_to_fill_in_are_no_words():
    assert analyze("_____ protects the biosphere from UV.") == analyze("protects the biosphere from UV.")
    assert analyze("snake_case") == ["snake_cas"]


def test_without_stemming_words_stay_as_written():
    assert Analyzer(AnalyzerSettings(stemming=False))("began") == ["began"]


def test_numbers_years_and_amounts_stay_searchable():
    assert analyze("In 2013, a $60 million contract; 3.5% growth") == ["2013", "60", "million", "contract",
                                                                      "3.5", "growth"]


def test_stopwords_and_question_words_are_dropped_and_words_are_stemmed():
    assert analyze("How long was Omar al-Bashir in power?") == ["long", "omar", "al", "bashir", "albashir", "power"]
    assert analyze("What is the best recipe?") == ["best", "recip"]


@given(st.text())
def test_any_text_analyzes_to_clean_lowercase_terms(text):
    terms = analyze(text)
    assert all(t and t == t.strip() and t == t.casefold() for t in terms)
    assert all(" " not in t for t in terms)


@given(st.text())
def test_question_analysis_is_deterministic(text):
    assert analyze(text) == Analyzer()(text)


@given(st.lists(st.text(), max_size=8))
def test_indexing_by_ids_gives_the_analyzers_terms_numbered_by_first_appearance(texts):
    vocabulary = Vocabulary()
    term_ids = Analyzer().numbering(vocabulary)
    numbered = [term_ids(text) for text in texts]
    terms = [analyze(text) for text in texts]
    # The same terms, and ids in the order a dict filled from the analyzer's terms would give them.
    assert list(vocabulary) == list(dict.fromkeys(t for doc in terms for t in doc))
    assert [[list(vocabulary)[i] for i in doc] for doc in numbered] == terms


def test_a_stream_of_made_up_words_does_not_grow_memory_without_bound(monkeypatch):
    import tracemalloc

    import retrieval.analyzer

    monkeypatch.setattr(retrieval.analyzer, "WORD_MEMO_LIMIT", 1_000)
    analyzer = Analyzer()
    questions = [" ".join(f"zq{n}x{i}" for i in range(20)) for n in range(3_000)]  # 60,000 distinct words
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        answers = [analyzer(q) for q in questions[:10]]
        for question in questions[10:]:
            analyzer(question)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 1_000_000  # remembering all 60,000 words takes about 10 MB
    assert [analyzer(q) for q in questions[:10]] == answers  # forgetting changes no term


# Characters where analysis is delicate: accents composed and not, Hangul jamo, digits and thousands commas,
# the joiners of a token, ligatures, curly quotes and dashes, case folding that changes length, the
# separator `numbering_many` joins texts with, and every kind of whitespace.
_TRICKY = st.text(st.sampled_from(
    list("ab1,0.-'`_ eEUS\n\x00\u00a0\u0301\u0308\u00e9\u1100\u1161\u11a8\uac00\u2019\u201c\u2013\u2212\ufb01"
         "\u00df\u0130\u03a3\u00bd\u0663\uff21") + [c for c in map(chr, range(0x3001)) if c.isspace()]), max_size=14)


@given(st.lists(_TRICKY, max_size=12), st.sampled_from([AnalyzerSettings(), AnalyzerSettings(stemming=False)]))
def test_many_texts_at_once_get_the_ids_one_text_at_a_time_gets(texts, settings):
    one, many = Vocabulary(), Vocabulary()
    term_ids = Analyzer(settings).numbering(one)
    expected = [term_ids(text) for text in texts]
    with patch.multiple(analyzer, ANALYZED_TOGETHER=5, NORMALIZED_TOGETHER=2):  # several chunks and groups
        ids, counts = Analyzer(settings).numbering_many(many)([*texts, *texts])  # the second time from its memo
    assert list(many) == list(one)
    assert counts.tolist() == [len(found) for found in expected] * 2
    assert ids.tolist() == [i for found in expected for i in found] * 2


@given(_TRICKY, st.sampled_from([c for c in map(chr, range(0x3001)) if c.isspace()]), _TRICKY)
def test_a_texts_terms_are_its_parts_terms_cut_at_whitespace(before, space, after):
    # What `parallel_load` builds a passage's indexed text from: its title's, subheading's and sentences' terms.
    assert analyze(before + space + after) == analyze(before + space) + analyze(after)
    assert analyze(before + space + after) == analyze(before) + analyze(space + after)
