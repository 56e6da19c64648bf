"""The re-ranker computes its bonuses for all candidates at once from what the build analyzed; each must be, to
the last bit, the share its definition gives when the passage's text is analyzed there and then."""

from collections import Counter

import numpy as np
import pytest

from retrieval import Article, Library, Paragraph
from retrieval.models import Passage
from retrieval.question import Question
from retrieval.rerank import (RerankSettings, _rare_word_kept_first, _rarest_matched, best_sentence_shares,
                              pair_share, pair_shares, rerank, sentence_share, title_shares)
from retrieval.sentences import sentence_spans

WALL = "x" * 650 + "harvestmoonfestival" + "y" * 400  # one "word" longer than a passage: cut inside it

QUESTIONS = [
    "Who is overseeing the final draft of the cyber-security document?",
    "How long was Omar al-Bashir in power in Sudan?",
    "agreement Russia China cyber security Huawei contract",
    "army arrest Hamdok Sudan Sudan revolution army",
    "When did the harvest moon festival begin in the valley?",
    "xxxxxxxxxxxxxxxxxxxxxxxx harvest",
]


@pytest.fixture(scope="module")
def libraries(seed_library) -> list[Library]:
    # A paragraph told in three articles: twice word for word under one title, once with other punctuation,
    # the same terms from a different text, which the feedback paragraphs must still count apart. One long
    # paragraph makes passages indexed by the same text.
    told = "The harvest moon festival began in the valley in 1921. Farmers bring the first apples; children sing."
    retold = "The harvest moon festival began in the valley in 1921! Farmers bring the first apples, children sing."
    articles = [
        Article(id="a", source="a.md", title="Harvest moon", paragraphs=[Paragraph(text=told), Paragraph(text=WALL + " Then rain.")]),
        Article(id="b", source="b.md", title="Valley news", paragraphs=[Paragraph(text=told)]),
        Article(id="c", source="c.md", title="Valley news", paragraphs=[Paragraph(text=retold)]),
        Article(id="d", source="d.md", title="Apples", paragraphs=[Paragraph(text="Apples from the valley. " * 40)]),
        Article(id="e", source="e.md", title="Valley news", paragraphs=[Paragraph(text=told)]),
    ]
    return [seed_library, Library.build(articles)]


def analyzed_sentences(library: Library, passage: Passage) -> list[list[str]]:
    return [library.analyzer(passage.text[a:b]) for a, b in sentence_spans(passage.text)]


def reference_pair_share(question: Question, terms: list[str]) -> float:
    pairs = [(a, b) for a, b in zip(question.terms, question.terms[1:]) if a != b]
    total = sum(question.weights[a] + question.weights[b] for a, b in pairs)
    if not total:
        return 0.0
    adjacent = set(zip(terms, terms[1:]))
    return sum(question.weights[a] + question.weights[b] for a, b in pairs
               if (a, b) in adjacent or (b, a) in adjacent) / total


def reference_feedback(library: Library, settings: RerankSettings, passages: list[int]) -> np.ndarray:
    paragraphs: dict[str, None] = {}
    for i in passages:
        paragraphs[library.indexed_text(library.passages[i])] = None
        if len(paragraphs) == settings.feedback_paragraphs:
            break
    weights: Counter[str] = Counter()
    for terms in map(library.analyzer, paragraphs):
        for term, n in Counter(terms).items():
            weights[term] += n / len(terms)
    chosen = weights.most_common(settings.feedback_terms)
    total = sum(w for _, w in chosen)
    scores = np.zeros(len(passages))
    for word, weight in chosen:
        scores += weight / total * library.index.scores_of([word], passages)
    best = scores.max(initial=0.0)
    return scores / best if best > 0 else scores


def candidates(library: Library, text: str) -> tuple[Question, list[int], list[float]]:
    terms = library.analyzer(text)
    ids, scores = (a.tolist() for a in library.index.top_k(terms, 30))
    return Question(terms, library._weights(terms)), ids, scores


@pytest.mark.parametrize("text", QUESTIONS)
def test_each_bonus_is_its_definition_computed_from_the_passage_text(libraries, text):
    for library in libraries:
        question, ids, _ = candidates(library, text)
        at = np.array(ids, dtype=np.int64)
        passages = [library.passages[i] for i in ids]
        assert best_sentence_shares(library.sentence_index, question, at).tolist() == [
            max((question.share(s) for s in analyzed_sentences(library, p)), default=0.0) for p in passages]
        assert pair_shares(library.sentence_index, question, at).tolist() == [
            reference_pair_share(question, [t for s in analyzed_sentences(library, p) for t in s]) for p in passages]
        # The no-answer model's one hit: the same shares from the passage's sentences as the highlight reads them.
        assert [sentence_share(question, library.sentence_index.sentences(i).terms) for i in ids] == \
            best_sentence_shares(library.sentence_index, question, at).tolist()
        assert [pair_share(question, library.sentence_index.sentences(i).terms) for i in ids] == \
            pair_shares(library.sentence_index, question, at).tolist()
        assert title_shares(library.sentence_index, question, at).tolist() == [
            question.share(library.analyzer(library.articles[p.article_id].title)) for p in passages]


@pytest.mark.parametrize("text", QUESTIONS)
def test_the_new_order_is_the_documented_formula_of_the_reference_bonuses(libraries, text):
    settings = RerankSettings()
    for library in libraries:
        question, ids, scores = candidates(library, text)
        if not ids:
            continue
        passages = [library.passages[i] for i in ids]
        combined = np.array([
            1 + (score - scores[0]) / (abs(scores[0]) or 1.0)
            + settings.sentence * max((question.share(s) for s in analyzed_sentences(library, p)), default=0.0)
            + settings.pairs * reference_pair_share(question, [t for s in analyzed_sentences(library, p) for t in s])
            + settings.title * question.share(library.analyzer(library.articles[p.article_id].title))
            for p, score in zip(passages, scores)])
        combined += settings.feedback * reference_feedback(library, settings, ids)
        expected = np.argsort(-combined, kind="stable").tolist()
        rarest = _rarest_matched(library, question)
        if rarest is not None:
            expected = _rare_word_kept_first(expected, [library.index.contains(rarest, i) for i in ids], scores)
        assert rerank(library, settings, question, ids, scores) == expected


def test_a_passage_cut_inside_a_word_is_highlighted_from_its_own_text(libraries):
    library = libraries[1]
    # The wall is indexed as one word; its passages hold pieces of it that no passage is indexed by.
    answer = library.answer("And then the rain?", k=10)
    assert any(hit.article.id == "a" and hit.passage.text.startswith("y") for hit in answer.hits)
    for hit in answer.hits:
        passage = library._first_passage[hit.article.id] + hit.passage.ordinal
        sentences = library.sentence_index.sentences(passage)
        assert sentences.spans == tuple(sentence_spans(hit.passage.text))
        assert [list(s) for s in sentences.terms] == analyzed_sentences(library, hit.passage)
