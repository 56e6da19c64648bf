"""The made-up questions the no-answer benchmark asks: about something the collection never mentions, or about a
name it mentions and nothing else."""

import random

from benchmarks.no_answer_rows import about_a_name, with_unknown_names


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


def test_a_question_about_a_name_asks_about_a_rare_name_the_text_mentions(seed_library):
    text = "In August, the head of the Russian Ministry met Inspur and Huawei."
    rng = random.Random(0)
    asked = {about_a_name(text, seed_library, rng) for _ in range(30)}
    names = {"inspur", "huawei"}
    assert {t for question in asked for t in seed_library.analyzer(question) if t in names} == names
    for question in asked:
        # A name the collection holds and nothing else of the text: not "august" (a sentence's first word),
        # not "russian" (in most passages: not rare).
        assert set(seed_library.analyzer(question)) - {"know", "tell"} <= names
        assert all(t in seed_library.index.vocabulary for t in seed_library.analyzer(question) if t in names)
    assert about_a_name("Ousted Prime Minister Abdalla Hamdok was the face.", seed_library, rng) is None  # common here
