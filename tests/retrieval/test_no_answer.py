"""The no-answer model: the exported trees score as fitted, its features stay in range, and on the seeds it
answers what they hold and declines what they don't."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval import Article, Library, Paragraph
from retrieval.no_answer import FEATURES, answerable, features, holds_the_name, judged_search

# (features, score) pairs printed by `python -m benchmarks.no_answer_fit` when it wrote no_answer_model.py:
# the fitted scikit-learn model's probability for each, with the threshold moved to 0.5 as exported.
FITTED = [
    ([0.718432239139929, 0.726775828124588, 0.718432239139929, 0.7792139079231108, 0.6078688315340863,
      0.5835261748748499, 0.15447778959526626, 0.38422966209159576, 1.1394697848720965, 3.4877388101464244,
      0.7598793491037451, 2.6312278838734, 1.791759469228055, 1.9459101490553132, 0.39707549624770827,
      0.5172017053266154, 8.092239406724211, 0.718432239139929],
     0.9973747635775426),
    ([0.574082381084622, 0.5814290158402532, 0.574082381084622, 0.7873855099755961, 0.4599950728333021,
      0.43691029503950707, 0.0, 0.24699566630174705, 0.8461389392970172, 2.8968145651822677,
      0.547317828616718, 1.2883888661255911, 1.6094379124341003, 1.9459101490553132, 0.19148328680965293,
      0.316557219005776, 9.53430615650521, 0.574082381084622],
     0.8357479925828477),
    ([0.4087056655813219, 0.333375170759987, 0.4087056655813219, 1.0, 0.2120482286980337, 0.27034149204839164,
      0.0, 0.0, 0.398231605627148, 1.928777769909199, 0.6789391989029928, 1.865549955543733,
      1.3862943611198906, 1.9459101490553132, 0.5076715577377473, 0.7994210723573023, 2.995732273553991,
      0.38006742945630406],
     0.25909853700679525),
    ([0.2879871047747387, 0.2912447671244152, 0.2879871047747387, 1.0, 0.19674993081570774,
      0.1650050440269806, 0.0, 0.0, 0.30874509691694935, 2.5697658666023684, 1.0, 1.4802788794737576,
      1.0986122886681096, 1.9459101490553132, 0.34114092571855636, 0.7260848441718369, 8.092239406724211,
      0.2879871047747387],
     0.011847799333569374),
    ([0.36794729938956744, 0.2883091514159518, 0.36794729938956744, 1.0, 0.0, 0.0, 0.0, 0.0,
      0.2955284617103165, 1.7505489840790731, 0.7141286301751073, 1.2077807533085532, 1.0986122886681096,
      1.6094379124341003, 0.4096628279644191, 0.8378372641845513, 4.23410650459726, 0.36794729938956744],
     0.00889613535490707),
]

# The features that are shares, in 0..1.
SHARES = ("coverage", "coverage_idf", "article_coverage", "unmatched_rarity", "sentence_share", "sentence_coverage",
          "pair_share", "title_share", "matched_specificity", "question_commonest", "question_rarity", "asked_coverage")


@pytest.mark.parametrize(("vector", "expected"), FITTED)
def test_the_exported_model_scores_as_the_fitted_one(vector, expected):
    assert answerable(np.array(vector)) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_the_stored_checks_cover_answers_and_declines():
    scores = [expected for _, expected in FITTED]
    assert min(scores) < 0.5 < max(scores)


def _best_hit_features(library: Library, question: str) -> np.ndarray | None:
    ids, scores = library.index.top_k(library.analyzer(question), 1)
    if not len(ids):
        return None
    return features(library, question, int(ids[0]), float(scores[0]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.one_of(st.sampled_from(["huawei", "sudan", "revolution", "agreement", "russia", "the",
                                                 "army", "cyber", "years", "internet", "what", "who"]),
                                st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)),
                      min_size=1, max_size=12))
def test_features_are_finite_and_shares_stay_in_range(seed_library, words):
    vector = _best_hit_features(seed_library, " ".join(words))
    if vector is None:
        return
    assert vector.shape == (len(FEATURES),)
    assert np.isfinite(vector).all()
    values = dict(zip(FEATURES, vector))
    for name in SHARES:
        assert 0.0 <= values[name] <= 1.0 + 1e-12, name
    assert values["coverage"] <= values["article_coverage"] + 1e-12
    assert values["log_passages"] == pytest.approx(math.log(len(seed_library.passages)))
    assert 0.0 <= answerable(vector) <= 1.0


def test_a_keyword_question_whose_first_hit_holds_the_answer_is_answered(seed_library):
    # BM25's first hit is the Huawei passage; only "huawei" of the three words is in it (coverage 0.36).
    answer = seed_library.answer("huawei years agreement")
    assert not answer.no_answer
    assert "Huawei" in answer.hits[0].passage.text


@pytest.mark.parametrize("question", ["How much was the contract with Huawei?", "Whom did the army arrest in Sudan?",
                                      "What is the capital of Sudan?", "Which football team won the cup in Russia?"])
def test_covers_is_the_same_decision_as_answering(seed_library, question):
    # "Which articles mention X?" keeps the hits that `covers` X: the same model at the same threshold.
    answer = seed_library.answer(question)
    assert answer.hits
    assert seed_library.covers(question, answer.hits[0]) is (not answer.no_answer)


def test_an_aside_glued_to_a_question_is_not_held_against_its_answer(seed_library):
    plain = seed_library.answer("who arrested Hamdok")
    glued = seed_library.answer("who arrested Hamdok is driving me nuts")
    assert not glued.no_answer
    assert glued.hits[0].passage == plain.hits[0].passage
    hit = seed_library.passages.index(glued.hits[0].passage)
    assert judged_search(seed_library, "who arrested Hamdok is driving me nuts", hit) == "who arrested Hamdok"


def test_a_longer_aside_about_the_asker_glued_to_a_question_is_not_held_against_its_answer(seed_library):
    question = "when was bashir removed from power i keep forgetting this every single time"
    glued = seed_library.answer(question)
    assert not glued.no_answer
    hit = seed_library.passages.index(glued.hits[0].passage)
    assert judged_search(seed_library, question, hit) == "when was bashir removed from power"


def test_words_at_the_end_that_the_hit_holds_stay_part_of_the_question(seed_library):
    question = "what happened to Hamdok someone said he was arrested"
    hit = seed_library.passages.index(seed_library.answer(question).hits[0].passage)
    assert judged_search(seed_library, question, hit) == question


def test_a_sentence_of_context_before_a_question_is_not_held_against_its_answer(seed_library):
    question = "who arrested Hamdok"
    context = "trivia night at the pub tomorrow and our team is cramming. " + question
    plain, with_context = seed_library.answer(question), seed_library.answer(context)
    assert not with_context.no_answer
    assert with_context.hits[0].passage == plain.hits[0].passage


def test_a_sentence_of_the_askers_naming_things_the_hit_lacks_is_not_held_against_it(seed_library):
    question = "who arrested Hamdok?"
    hit = seed_library.passages.index(seed_library.answer(question).hits[0].passage)
    for context in ("brain is fried after a 12 hour shift so bear with me.", "our group chat is split 50/50 on this."):
        assert judged_search(seed_library, f"{context} {question}", hit) == question
        assert not seed_library.answer(f"{context} {question}").no_answer


def test_a_sentence_of_the_askers_that_the_hit_holds_is_judged_with_the_question(seed_library):
    question = "I read that the army arrested Hamdok in Sudan. Who led it?"
    hit = seed_library.passages.index(seed_library.answer(question).hits[0].passage)
    assert judged_search(seed_library, question, hit) == question


@pytest.mark.parametrize(("question", "name"), [
    ("What is Inspur?", "Inspur"), ("who is Inspur", "Inspur"), ("tell me about Inspur", "Inspur"),
    ("What is Kommersant?", "Kommersant"),  # in 2 of the seeds' 16 passages: few enough
])
def test_a_question_about_a_rare_name_is_answered_by_the_passage_holding_it(seed_library, question, name):
    answer = seed_library.answer(question)
    assert not answer.no_answer and name in answer.hits[0].passage.text


@pytest.mark.parametrize("question", ["What is the capital of France?", "Who is Burhan?", "What is Blorptangle?"])
def test_a_name_the_collection_lacks_is_still_declined(seed_library, question):
    assert seed_library.answer(question).no_answer


def test_a_common_word_asked_about_is_left_to_the_model():
    # "river" is in most passages: not a name few passages hold; the model judges "What is a river?".
    texts = ["The river floods in spring.", "A river runs past the mill.", "The river is cold.",
             "Nexus is a river port.", "The river froze.", "Boats line the river.", "Nobody swims there."]
    library = Library([Article(id=f"a{i}", title="", source="x", paragraphs=[Paragraph(text=t)])
                       for i, t in enumerate(texts)])
    passage = library.position(library.answer("What is Nexus?").hits[0])
    assert holds_the_name(library, "What is Nexus?", passage)
    assert not holds_the_name(library, "What is a river?", passage)
    assert not holds_the_name(library, "What is Nexus famous for?", passage)  # asks more than what it is
