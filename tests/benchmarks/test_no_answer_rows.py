"""The made-up questions the no-answer benchmark asks: a question about something the collection never mentions."""

import random

from benchmarks.no_answer_rows import with_unknown_names


def test_the_two_rarest_words_are_made_up_and_the_rest_kept(seed_library):
    question = "How long was Omar al-Bashir in power before the army arrested him?"
    unknown = with_unknown_names(question, seed_library, random.Random(0))
    assert unknown is not None
    vocabulary = seed_library.index.vocabulary
    before = [t for t in seed_library.analyzer(question) if t in vocabulary]
    after = seed_library.analyzer(unknown)
    weight = {t: seed_library.index.match_weight(vocabulary[t]) for t in before}
    kept = [t for t in before if t in after]
    assert len(set(before) - set(kept)) == 2  # two known words gone ...
    assert sum(t not in vocabulary for t in after) == 2  # ... for two the collection never saw
    assert min(weight[t] for t in set(before) - set(kept)) >= max(weight[t] for t in kept)  # the rarest


def test_a_question_with_too_few_known_words_is_left_out(seed_library):
    assert with_unknown_names("Who arrested Hamdok?", seed_library, random.Random(0)) is None
