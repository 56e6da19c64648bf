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
      0.5172017053266154, 8.092239406724211, 0.718432239139929],
     0.9966417357933024),
    ([0.4797431470558831, 0.43345936896619397, 0.4797431470558831, 1.0, 0.3795393467995566, 0.3763819057491993,
      0.06659928590384957, 0.0, 0.7110158079861174, 3.0405150423311618, 0.7768757524610959, 1.3300024931774193,
      1.6094379124341003, 2.0794415416798357, 0.15013614980739245, 0.3835430112946606, 9.53430615650521,
      0.4797431470558831],
     0.9031625881557347),
    ([0.49318808586190993, 0.473627700023958, 0.49318808586190993, 1.0, 0.473627700023958, 0.49318808586190993,
      0.3012494778296714, 0.0, 0.5441557573896361, 1.9550228530710516, 1.0, 2.0, 1.0986122886681096,
      1.3862943611198906, 0.8064363293538369, 1.0, 2.995732273553991, 0.49318808586190993],
     0.8547301053323771),
    ([0.28757863286380353, 0.29024162296198597, 0.28757863286380353, 1.0, 0.19607225840117878,
      0.16477100602829883, 0.0, 0.0, 0.3076816757790905, 2.5697658666023684, 1.0, 1.4802788794737576,
      1.0986122886681096, 1.9459101490553132, 0.35870758055593993, 0.7285943662914631, 8.092239406724211,
      0.28757863286380353],
     0.015971969323835156),
    ([0.6108994554129539, 0.46636875711315096, 0.6108994554129539, 1.0, 0.29636039610503223, 0.32303927881385747,
      0.0, 0.0, 0.4354449265782882, 1.6158964482103988, 0.7141286301751073, 1.1237914581395265,
      1.0986122886681096, 1.0986122886681098, 0.4096628279644191, 0.8032209426548064, 4.23410650459726,
      0.6108994554129539],
     0.10873798290207648),
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
