"""retrieval.explain: the quoted passage's rank-bm25 score taken apart, exactly, and where it ranked."""

import re
import pytest
from rank_bm25 import BM25Okapi

from retrieval import Library, RetrievalSettings
from retrieval.explain import explain
from retrieval.understand import FollowUp
from tests.conftest import SEEDS

SUDAN = "in-sudan-a-surprise-about-face-marks-death-of-the-revolution"
RUSSIA = "why-russia-and-china-see-eye-to-eye-on-cyber-security"


def passage_id(library: Library, article_id: str, ordinal: int) -> int:
    return next(n for n, p in enumerate(library.passages) if p.article_id == article_id and p.ordinal == ordinal)


@pytest.mark.parametrize("question", [
    "How long was Omar al-Bashir in power?",
    "hey all, quick question: who arrested Hamdok? thanks!",
    "huawei contract russia",
    "Russia Russia China cyber security",  # a repeated term is added twice, as rank-bm25 does
    "Who is overseeing the final draft of the cyber-security document?",
])
def test_the_terms_contributions_add_up_to_the_hits_score_and_rank_bm25s(seed_library, question):
    explanation = explain(seed_library, question)
    hit = seed_library.answer(question).hits[0]
    quoted = explanation.quoted
    assert (quoted.article_id, quoted.passage) == (hit.article.id, hit.passage.ordinal)
    total = 0.0
    for term in explanation.terms:  # in the question's order, as rank-bm25 sums them
        total += term.contribution
    assert total == explanation.score == quoted.score == hit.score
    reference = BM25Okapi([seed_library.analyzer(seed_library.indexed_text(p)) for p in seed_library.passages])
    scores = reference.get_scores([t.term for t in explanation.terms])
    assert total == scores[passage_id(seed_library, hit.article.id, hit.passage.ordinal)]


def test_each_term_says_how_often_the_passage_and_the_collection_hold_it(seed_library):
    explanation = explain(seed_library, "huawei contract russia")
    terms = {t.term: t for t in explanation.terms}
    assert [t.term for t in explanation.terms] == ["huawei", "contract", "russia"]
    assert terms["huawei"].passages_with_it == 1 and terms["huawei"].in_passage == 1
    assert terms["russia"].passages_with_it == 13
    # The rare word weighs most.
    assert terms["huawei"].contribution > 3 * terms["russia"].contribution


def test_ranks_by_bm25_alone_and_after_re_ranking_and_the_runner_up(seed_library):
    lifted = explain(seed_library, "cyber-security Internet")
    assert (lifted.quoted.bm25_rank, lifted.quoted.rank) == (3, 1)
    plain = explain(seed_library, "Who is overseeing the final draft of the cyber-security document?")
    hits = seed_library.answer("Who is overseeing the final draft of the cyber-security document?").hits
    runner_up = plain.runner_up
    assert (runner_up.article_id, runner_up.passage, runner_up.score) == (hits[1].article.id, hits[1].passage.ordinal,
                                                                          hits[1].score)
    assert (runner_up.bm25_rank, runner_up.rank) == (4, 2)
    searched = {t.term for t in plain.terms}
    assert plain.candidates == sum(bool(searched & set(seed_library.analyzer(seed_library.indexed_text(p))))
                                   for p in seed_library.passages)


def test_the_no_answer_models_score_is_given_against_the_threshold(seed_library):
    answered = explain(seed_library, "How long was Omar al-Bashir in power?")
    answer = seed_library.answer("How long was Omar al-Bashir in power?")
    assert (answered.answerable, answered.coverage, answered.no_answer) == (answer.answerable, answer.coverage, False)
    assert answered.threshold == RetrievalSettings().min_coverage == 0.5
    declined = explain(seed_library, "What is the best recipe for sourdough bread?")
    assert declined.no_answer and declined.quoted is None and declined.runner_up is None
    assert "Nothing was quoted: no passage holds a searched term (best, recip, sourdough, bread)." in declined.lines()


def test_a_passage_an_older_answer_quoted_is_explained_in_place_of_todays(seed_library):
    explanation = explain(seed_library, "huawei contract russia", quoted=FollowUp(RUSSIA, 0))
    assert (explanation.quoted.article_id, explanation.quoted.passage) == (RUSSIA, 0)
    assert not explanation.answers_now
    assert explanation.runner_up.passage == 10  # the passage the answer quotes now comes first among the others
    gone = explain(seed_library, "huawei contract russia", quoted=FollowUp("no-such-article", 0))
    assert gone.quoted.passage == 10 and gone.answers_now


def test_a_follow_up_is_asked_again_in_its_articles_context(seed_library):
    replied = FollowUp(SUDAN, 0)
    explanation = explain(seed_library, "who wrote it?", replied)
    assert explanation.kind == "article" and explanation.fact == "authors"
    leaning = explain(seed_library, "and what did the army do?", replied)
    answer = seed_library.answer("and what did the army do?", follow_up=replied)
    assert (leaning.quoted.article_id, leaning.quoted.passage) == (answer.hits[0].article.id,
                                                                    answer.hits[0].passage.ordinal)
    assert leaning.score == answer.hits[0].score


def test_bm25plus_adds_its_floor_to_the_contributions():
    library = Library.load(SEEDS, RetrievalSettings(bm25={"variant": "bm25plus"}))
    explanation = explain(library, "huawei contract russia")
    assert explanation.floor > 0
    assert explanation.score == library.answer("huawei contract russia").hits[0].score


def test_the_lines_show_terms_score_threshold_ranks_and_runner_up(seed_library):
    text = "\n".join(explain(seed_library, "hey, who arrested Hamdok? thanks").lines())
    assert "Searched: who arrested Hamdok?" in text
    assert "Quoted: In Sudan, A Surprise About-Face Marks Death Of The Revolution, passage 2 of 3" in text
    assert "rank 1 by BM25 alone, 1 after re-ranking, of 3 passages holding a searched term" in text
    assert "arrest" in text and "hamdok" in text and "BM25 score" in text
    assert re.search(r"No-answer model: (0\.\d\d|1\.00) against the threshold 0\.50: quoted", text)
    assert "Runner-up: In Sudan, A Surprise About-Face Marks Death Of The Revolution, passage 1 of 3" in text
    assert explain(seed_library, "hi").lines()[-1].startswith("Small talk (greeting)")


def test_what_the_no_answer_model_set_aside_as_chat_is_shown(seed_library):
    context = "trivia night at the pub tomorrow and our team is cramming. who arrested Hamdok"
    lines = explain(seed_library, context).lines()
    assert "  judged as: who arrested Hamdok (the rest may be chat, and the best passage has none of it)" in lines
    assert not any("judged as" in line for line in explain(seed_library, "who arrested Hamdok").lines())


def test_a_question_about_a_rare_name_says_it_was_quoted_by_rule(seed_library):
    rule = "  a question about a name that few passages hold, and this one holds it: quoted by rule"
    assert rule in explain(seed_library, "What is Inspur?").lines()
    assert rule not in explain(seed_library, "who arrested Hamdok").lines()
