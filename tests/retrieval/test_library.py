"""Questions a reader would ask over the seed articles, and the edge cases that must not crash."""

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval import Article, Library, Paragraph, RetrievalSettings
from retrieval.bm25 import BM25Arrays, BM25Index

RUSSIA = "Why Russia And China See Eye-To-Eye On Cyber Security"
SUDAN = "In Sudan, A Surprise About-Face Marks Death Of The Revolution"


@pytest.mark.parametrize(
    ("question", "title", "quoted"),
    [
        ("Who is overseeing the final draft of the cyber-security document?", RUSSIA, "Igor Shchyogolev"),
        ("How long was Omar al-Bashir in power?", SUDAN, "almost 30 years"),
        ("How much was the contract with Huawei?", RUSSIA, "$60 million"),
        ("When did Putin and Obama sign the agreement on trust in cyberspace?", RUSSIA, "In 2013"),
        ("Whom did the army arrest in Sudan?", SUDAN, "Abdalla Hamdok"),
        # "happened" is in neither article: a word the collection never saw must not outweigh the rest.
        ("What happened to the revolution in Sudan?", SUDAN, "stolen revolution"),
    ],
)
def test_a_readers_question_gets_the_answering_passage_and_its_article(seed_library, question, title, quoted):
    hit = seed_library.search(question)[0]
    assert hit.article.title == title
    assert quoted in hit.passage.text
    assert hit.article.authors
    assert hit.score > 0


@pytest.mark.parametrize(
    "question",
    ["What is the best recipe for sourdough bread?", "Who won the football world cup?",
     "How do I reset my router password?"],
)
def test_off_topic_questions_get_no_answer(seed_library, question):
    answer = seed_library.answer(question)
    assert answer.no_answer
    assert seed_library.search(question) == []


def test_the_best_matching_sentence_is_highlighted(seed_library):
    hit = seed_library.search("Who is overseeing the final draft of the cyber-security document?")[0]
    assert hit.highlighted_text.startswith("They say presidential advisor Igor Shchyogolev")
    assert hit.passage.text[hit.highlight[0][0]:hit.highlight[0][1]] == hit.highlighted_text


def test_k_is_honoured_and_each_hit_keeps_its_exact_bm25_score(seed_library):
    question = "Russia China agreement cyber-security"
    hits = seed_library.search(question, k=4)
    assert len(hits) == 4 and len({(h.article.id, h.passage.ordinal) for h in hits}) == 4
    # The re-ranker may reorder BM25's candidates, but a hit's score stays rank-bm25's own.
    scores = seed_library.index.scores(seed_library.analyzer(question))
    for hit in hits:
        passage = next(i for i, p in enumerate(seed_library.passages) if p == hit.passage)
        assert hit.score == scores[passage]


def test_the_librarys_index_is_rank_bm25s_over_the_analyzers_terms(seed_library):
    # The library numbers terms while analyzing; the index must be the one built from the terms.
    terms = [seed_library.analyzer(seed_library.indexed_text(p)) for p in seed_library.passages]
    expected = BM25Index.build(terms, seed_library.settings.bm25)
    assert list(seed_library.index.vocabulary.items()) == list(expected.vocabulary.items())
    for name in BM25Arrays.names():
        np.testing.assert_array_equal(getattr(seed_library.index.arrays, name), getattr(expected.arrays, name),
                                      err_msg=name)


@pytest.mark.parametrize("question", ["", "   ", "?!", "the of and", "\u200b", "zzzzqx"])
def test_questions_without_known_terms_are_no_answer_not_errors(seed_library, question):
    assert seed_library.search(question) == []
    # Only a word the library has never seen still leaves something that was searched for.
    assert seed_library.answer(question).nothing_to_search is (question != "zzzzqx")


def test_a_question_with_a_searchable_word_is_not_nothing_to_search(seed_library):
    assert not seed_library.answer("What is it about Sudan?").nothing_to_search


def _library(*texts: str) -> Library:
    return Library([Article(id=f"a{i}", title="", source="x", paragraphs=[Paragraph(text=t)])
                    for i, t in enumerate(texts)])


def test_a_question_in_the_present_finds_the_passage_telling_it_in_the_past():
    library = _library("The garrison stayed in the city all winter.", "The garrison fled north before the siege.")
    assert "fled" in library.answer("Where did the garrison flee?").hits[0].passage.text


def test_in_a_collection_about_one_topic_its_topic_word_still_counts_toward_an_answer():
    # Every passage says "Sudan", so its idf is near zero; "happened" is in none, the rarest there is.
    library = _library("Sudan held elections in 2010 under President Bashir.",
                       "Protesters in Sudan began a revolution in December 2018.",
                       "Sudan exports gold, oil and gum arabic.",
                       "The Nile runs through Sudan from south to north.")
    answered = library.answer("What happened to the revolution in Sudan?")
    assert not answered.no_answer
    assert "revolution" in answered.hits[0].passage.text
    # Only the topic word matches: still no answer.
    assert library.answer("What is the capital of Sudan?").no_answer


def test_an_empty_library_answers_nothing():
    library = Library([])
    assert library.search("anything at all") == []
    assert library.report.passages == 0


@pytest.mark.parametrize("count", [1, 2, 3])
def test_a_library_of_one_to_three_passages_still_quotes_the_answer(count):
    texts = ["The river flooded the valley town in spring.", "Farmers rebuilt the bridge in summer.",
             "The mill reopened by autumn."][:count]
    library = _library(*texts)
    # rank-bm25 floors idf below zero in so small a collection, so the best score can be <= 0: the
    # passage sharing the question's words is still the answer, and keeps rank-bm25's exact score.
    answer = library.answer("When did the river flood the valley town?")
    assert not answer.no_answer
    assert answer.hits[0].passage.text == texts[0]
    expected = BM25Okapi([library.analyzer(library.indexed_text(p)) for p in library.passages])
    assert answer.hits[0].score == pytest.approx(
        expected.get_scores(library.analyzer(answer.question))[0], abs=1e-12)
    assert library.answer("Who won the football world cup?").no_answer




_QUIZ_NIGHT = ("The discord server moved its quiz night to Friday, and every server member was told to double "
               "check the answer sheet.")
_GRAMMY = "In 2001 Beyonce took home a Grammy, the year her group released its third album."
# Passages on other subjects, so that each word's idf is above rank-bm25's floor.
_OTHERS = ("The river floods every spring after the snow melts in the mountains.",
           "A new bridge over the harbour opened to traffic last week.",
           "The museum keeps a collection of maps drawn by early sailors.")
_CONTEXT_FIRST = ("making a quiz for my server and want to double check the answer. "
                  "what year did beyonce win her first grammy?")


def test_the_context_around_a_question_does_not_pull_up_a_passage_about_the_context():
    library = _library(_QUIZ_NIGHT, _GRAMMY, *_OTHERS)
    answer = library.answer(_CONTEXT_FIRST)
    assert _GRAMMY == answer.hits[0].passage.text
    counted_whole = Library(list(library.articles.values()), RetrievalSettings(rerank={"context": 1.0}))
    assert _QUIZ_NIGHT == counted_whole.answer(_CONTEXT_FIRST).hits[0].passage.text


def test_context_weighing_less_keeps_every_hits_exact_score_and_bm25s_own_order_at_depth_0():
    library = _library(_QUIZ_NIGHT, _GRAMMY, *_OTHERS)
    terms = library.analyzer(_CONTEXT_FIRST)
    for hit in library.answer(_CONTEXT_FIRST).hits:
        passage = library.position(hit)
        assert hit.score == float(library.index.scores_of(terms, [passage])[0])
    bm25_order = Library(list(library.articles.values()), RetrievalSettings(rerank={"depth": 0}))
    hits = bm25_order.answer(_CONTEXT_FIRST).hits
    assert [h.passage.text for h in hits[:2]] == [_QUIZ_NIGHT, _GRAMMY]
    assert hits[0].score > hits[1].score
