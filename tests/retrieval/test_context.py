"""The context around a question counts for less in ranking: which terms, and the scores ranking uses."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import Article, Library, Paragraph
from retrieval.context import context_terms, ranking_scores, ranking_weights

_LIBRARY = Library([Article(id=f"a{i}", title="", source="x", paragraphs=[Paragraph(text=t)]) for i, t in enumerate((
    "The discord server moved its quiz night to Friday.",
    "Beyonce won her first Grammy award in 2001.",
    "The river floods every spring after the snow melts.",
    "A new bridge over the harbour opened to traffic last week.",
))])
_WORDS = ["server", "quiz", "beyonce", "grammy", "river", "bridge", "friday", "snow", "traffic", "unknown"]


def test_only_the_words_of_the_context_are_context_terms():
    search = "making a quiz for my server. what year did beyonce win the quiz?"
    assert context_terms(_LIBRARY.analyzer, search) == {"make", "server"}
    assert context_terms(_LIBRARY.analyzer, "what year did beyonce win?") == set()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8), st.sets(st.sampled_from(_WORDS)),
       st.floats(0, 1))
def test_ranking_counts_each_context_terms_part_of_the_exact_score_share_times(words, context, share):
    terms = _LIBRARY.analyzer(" ".join(words))
    context = {t for t in _LIBRARY.analyzer(" ".join(context))}
    passages = list(range(len(_LIBRARY.passages)))
    exact = _LIBRARY.index.scores_of(terms, passages)
    own = _LIBRARY.index.scores_of([t for t in terms if t not in context], passages) if set(terms) - context else 0.0
    counted = ranking_scores(_LIBRARY.index, terms, context, share, passages, exact.tolist())
    in_context = [t for t in terms if t in context]
    part = _LIBRARY.index.scores_of(in_context, passages) if in_context else np.zeros(len(passages))
    # The question's own words count whole and the context's `share` of theirs.
    np.testing.assert_allclose(counted, own + share * part, atol=1e-9)
    np.testing.assert_array_equal(ranking_scores(_LIBRARY.index, terms, context, 1.0, passages, exact.tolist()), exact)
    assert ranking_weights({"quiz": 2.0, "grammy": 3.0}, {"quiz"}, share) == {"quiz": 2.0 * share, "grammy": 3.0}
