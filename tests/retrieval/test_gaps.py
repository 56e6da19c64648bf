"""Declined questions grouped by what they ask: similar ones together, different ones apart."""

from hypothesis import given
from hypothesis import strategies as st

from retrieval import Analyzer
from retrieval.gaps import group_questions, jaccard, question_terms

terms = question_terms(Analyzer())


def test_similar_questions_merge_and_different_ones_do_not():
    asked = ["What is the best recipe for sourdough bread?", "hey, any sourdough bread recipe?",
             "Who won the world cup in 2018?", "sourdough bread recipe", "What's the weather on Mars?"]
    gaps = group_questions(asked, terms)
    assert [g.count for g in gaps] == [3, 1, 1]
    assert set(gaps[0].questions) == {asked[0], asked[1], asked[3]}
    assert set(gaps[0].terms) >= {"sourdough", "bread", "recip"}
    assert {gaps[1].example, gaps[2].example} == {asked[2], asked[4]}


def test_the_example_is_the_wording_asked_most():
    gaps = group_questions(["sourdough bread recipe", "recipe for sourdough bread?", "sourdough bread recipe "], terms)
    assert len(gaps) == 1 and gaps[0].example == "sourdough bread recipe" and gaps[0].count == 3


def test_questions_without_terms_group_only_with_the_same_text():
    gaps = group_questions(["??", "??", "!!"], terms)
    assert sorted((g.example, g.count) for g in gaps) == [("!!", 1), ("??", 2)] and all(not g.terms for g in gaps)


def test_a_chain_of_similar_questions_is_one_group():
    sets = {"a": "x y", "b": "y z", "c": "z w"}  # a~b, b~c (1/3 each at 0.3), a and c share nothing
    gaps = group_questions(list(sets), lambda q: sets[q].split(), similar=0.3)
    assert [g.count for g in gaps] == [3]


def test_jaccard():
    assert jaccard(frozenset("ab"), frozenset("bc")) == 1 / 3 and jaccard(frozenset(), frozenset()) == 0.0


words = st.sampled_from(["sudan", "coup", "cyber", "draft", "bread", "recipe", "mars", "cup", "who", "the"])
questions = st.lists(st.lists(words, max_size=5).map(" ".join), max_size=25)


@given(questions, st.randoms())
def test_every_question_lands_in_exactly_one_group_whatever_the_order(asked, random):
    gaps = group_questions(asked, str.split)
    assert sum(g.count for g in gaps) == len(asked)
    assert sorted(q for g in gaps for q in g.questions) == sorted(asked)
    shuffled = list(asked)
    random.shuffle(shuffled)
    assert sorted(sorted(g.questions) for g in group_questions(shuffled, str.split)) == \
        sorted(sorted(g.questions) for g in gaps)
