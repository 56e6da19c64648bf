"""What an acronym stands for: the passage that spells it out is the answer, not one that only uses it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval import Article, Library, Paragraph, RetrievalSettings
from retrieval.acronyms import asked_acronym, spells_out
from retrieval.understand import understand

LEAGUE = [
    "The AFC champion Denver Broncos beat the NFC champion Carolina Panthers.",
    "The AFC title game was played in Denver in January.",
    "Each AFC team plays six games against the other teams of its division.",
    "The American Football Conference (AFC) was formed when the two leagues merged in 1970.",
    "The AFC West has four teams: Denver, Kansas City, Las Vegas and Los Angeles.",
    "Tickets for AFC games sold out within minutes.",
]


@pytest.mark.parametrize(("question", "acronym"), [
    ("What does AFC stand for?", "AFC"), ("what is the AFC short for", "AFC"),
    ("What did the acronym AAP stand for?", "AAP"), ("what is NATO an acronym for?", "NATO"),
    ("What does U.S. stand for?", "US"), ("What is the full form of GDP?", "GDP"),
    ("Who founded the AFC?", ""), ("What does the AFC stand for in football history?", ""),
])
def test_a_question_asking_what_an_acronym_stands_for_is_told(question, acronym):
    assert asked_acronym(question) == acronym


@pytest.mark.parametrize(("acronym", "text", "spelled"), [
    ("AFC", "The American Football Conference (AFC) champion", True),
    ("TARDIS", "the TARDIS (Time And Relative Dimension In Space) is", True),
    ("FIFA", "FIFA (Fédération Internationale de Football Association) rules", True),
    ("CSM", "the Command/Service Module (CSM) carried", True),
    ("AC", "AC Milan is a club in Italy.", False),  # "a club": a connector and a short word
    ("AFC", "The AFC won. Many years later, the American Football Conference grew.", False),  # far apart
    ("NFL", "The National Basketball Association", False),
])
def test_an_acronym_is_spelled_out_beside_it(acronym, text, spelled):
    assert spells_out(acronym, text) is spelled


@given(st.text(alphabet=st.sampled_from(list("abc ABC()")), max_size=40))
def test_a_text_without_the_acronym_never_spells_it_out(text):
    assert not spells_out("XYZ", text)


def test_the_passage_spelling_out_the_acronym_is_quoted_over_those_that_use_it():
    articles = [Article(id=f"a{n}", title="Football", source="x", paragraphs=[Paragraph(text=t)])
                for n, t in enumerate(LEAGUE)]
    answer = Library(articles).answer("What does AFC stand for?")
    assert not answer.no_answer
    assert answer.hits[0].passage.text == LEAGUE[3]
    # BM25's own order at depth 0, each hit with its exact rank-bm25 score.
    bm25_order = Library(articles, RetrievalSettings(rerank={"depth": 0}))
    scores = bm25_order.index.scores(bm25_order.analyzer("What does AFC stand for?"))
    assert [h.score for h in bm25_order.answer("What does AFC stand for?", k=6).hits] == sorted(scores, reverse=True)


def test_the_words_calling_it_an_acronym_are_not_searched():
    assert understand("What does the acronym LEM stand for?").search == "What does LEM stand for?"
    assert understand("Who wrote the abbreviation guide?").search == "Who wrote the abbreviation guide?"
