"""The no-answer model: the exported trees score as fitted, its features stay in range, and on the seeds it
answers what they hold and declines what they don't."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval import Library
from retrieval.no_answer import FEATURES, answerable, features

# (features, score) pairs printed by `python -m benchmarks.no_answer_fit` when it wrote no_answer_model.py:
# the fitted scikit-learn model's probability for each, with the threshold moved to 0.5 as exported.
FITTED = [
    ([0.718432239139929, 0.726775828124588, 0.718432239139929, 0.7792139079231108, 0.6078688315340863,
      0.5835261748748499, 0.15447778959526626, 0.38422966209159576, 1.1394697848720965, 3.4877388101464244,
      0.7598793491037451, 2.6312278838734, 1.791759469228055, 1.9459101490553132, 0.39707549624770827,
      0.5172017053266154, 8.092239406724211],
     0.9967675323848679),
    ([1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.15277412570499305, 0.0, 1.0218730757946017, 3.2319668222197184,
      0.7598793491037451, 3.097230343421308, 1.9459101490553132, 1.791759469228055, 0.3400500312298388,
      0.5162050572368846, 8.092239406724211],
     0.9967030286923714),
    ([0.25950643999855344, 0.20297825756014037, 0.25950643999855344, 1.0, 0.1339661358378889, 0.14004078648354498,
      0.0, 0.0, 0.19452898473079533, 1.80014912686869, 0.8719409208452547, 1.3211178160928814, 1.0986122886681096,
      1.9459101490553132, 0.44917689524762666, 0.9298095217354905, 4.382026634673881],
     0.006570358340794046),
    ([1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.914754117095986, 2.216950257414178, 0.7895887159129127,
      3.683051404762256, 1.9459101490553132, 1.791759469228055, 0.33706556198748333, 0.6138419007937094,
      2.772588722239781],
     0.9993274736751141),
    ([0.696187614819581, 0.6874508771053831, 0.696187614819581, 1.0, 0.6874508771053831, 0.696187614819581,
      0.23484838808125513, 0.0, 0.862819331669856, 3.437855961489367, 0.8584244551795956, 4.0098789651420965,
      2.0794415416798357, 2.302585092994046, 0.3264097564658893, 0.5832967996238951, 6.38856140554563],
     0.9926821890226666),
]

# The features that are shares, in 0..1.
SHARES = ("coverage", "coverage_idf", "article_coverage", "unmatched_rarity", "sentence_share", "sentence_coverage",
          "pair_share", "title_share", "matched_specificity", "question_commonest", "question_rarity")


@pytest.mark.parametrize(("vector", "expected"), FITTED)
def test_the_exported_model_scores_as_the_fitted_one(vector, expected):
    assert answerable(np.array(vector)) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_the_stored_checks_cover_answers_and_declines():
    scores = [expected for _, expected in FITTED]
    assert min(scores) < 0.5 < max(scores)


def _best_hit_features(library: Library, question: str) -> tuple[list[str], np.ndarray] | None:
    terms = library.analyzer(question)
    ids, scores = library.index.top_k(terms, 1)
    if not len(ids):
        return None
    return terms, features(library, terms, int(ids[0]), float(scores[0]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.one_of(st.sampled_from(["huawei", "sudan", "revolution", "agreement", "russia", "the",
                                                 "army", "cyber", "years", "internet", "what", "who"]),
                                st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)),
                      min_size=1, max_size=12))
def test_features_are_finite_and_shares_stay_in_range(seed_library, words):
    found = _best_hit_features(seed_library, " ".join(words))
    if found is None:
        return
    _, vector = found
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
