"""The chat around a question: what is stripped, and what never is."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.analyzer import Analyzer
from retrieval.filler import aside_tails, asked_clause, context_spans, set_aside, strip_chat, without_speaker


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("hey everyone, I'm new here and trying to understand, what happened to Abdalla Hamdok after the coup?",
         "what happened to Abdalla Hamdok after the coup?"),
        ("Could somebody please tell me what Kommersant reported about Russia and China and the internet? "
         "Thanks so much!", "what Kommersant reported about Russia and China and the internet?"),
        ("so I was wondering, is it true that Huawei got some big contract in Russia? someone mentioned it",
         "Huawei got some big contract in Russia?"),
        ("quick question - who arrested hamdok lol", "who arrested hamdok"),
        ("does anyone know how long bashir was in power", "how long bashir was in power"),
        ("thanks in advance, what did putin sign?", "what did putin sign?"),
        ("hi all \U0001F44B who signed the agreement in 2013? thx", "who signed the agreement in 2013?"),
        ("pls someone tell me hamdok was arrested by who", "hamdok was arrested by who"),
        ("somebody help me out, who arrested hamdok", "who arrested hamdok"),
        ("someone told me hamdok was arrested", "someone told me hamdok was arrested"),
        ("idk who else to ask so when did bashir take power?", "when did bashir take power?"),
        ("not sure where else to ask this, but who arrested hamdok?", "who arrested hamdok?"),
        ("not sure if this is the right channel but who arrested hamdok", "who arrested hamdok"),
    ],
)
def test_chat_around_a_question_is_stripped(message, question):
    assert strip_chat(message) == question


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("I was reading the news with my dad and we couldn't remember who arrested Hamdok",
         "who arrested Hamdok"),
        ("my cousin and I keep arguing lol but which company signed the deal with Kommersant?",
         "which company signed the deal with Kommersant?"),
        ("for my essay, in what year did Bashir take power? my teacher keeps asking",
         "in what year did Bashir take power?"),
        ("what did Huawei get in Russia and I can't find it anywhere", "what did Huawei get in Russia"),
        # A short sentence before the question that speaks of the asker; a remark after its question mark.
        ("Hope everyone is doing well. What did Huawei sign in Russia?", "What did Huawei sign in Russia?"),
        ("who arrested Hamdok? it was on the radio this morning", "who arrested Hamdok?"),
    ],
)
def test_what_speaks_of_the_asker_around_the_question_is_dropped(message, question):
    assert strip_chat(message) == question


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("pls someone tell me the ancient romans were afraid of invasion by what tribes no rush",
         "the ancient romans were afraid of invasion by what tribes"),
        ("i would like to know the decision tree is an example of what kind of model",
         "would like to know the decision tree is an example of what kind of model"),
    ],
)
def test_the_subject_named_before_a_question_word_is_kept_after_the_asker_is_dropped(message, question):
    assert strip_chat(message) == question


@pytest.mark.parametrize(
    "question",
    [
        "How many teams has Manning played for that reached the Super Bowl, while he was on their team?",
        "Who, with Jim Nantz, was a member of the game's lead broadcast team?",
        "What is the best recipe for sourdough bread?",
        "huawei years agreement",
        # Words around a question word that name things are the question's own.
        "Tumor antigens are complexed with MHC class I molecules in the same way as what antigens?",
        "In the US, who decides on the requirements for teachers?",
        'Who said, "Here I stand. I can do no other"?',
        "has anyone developed an analysis which accurately establishes the large deflection behaviour of shells .",
        "If you do not know both magnitude and direction of two forces, what would you call that situation?",
        # Sentences after a question that name their subject, keep asking, or are long, go on with it.
        "Who arrested Hamdok? The Sudanese army said so.",
        "What did Huawei sign? was it a deal about phone networks?",
        ("What changed for the libraries? the spread of cheap computers in the seventies made every old card "
         "catalogue searchable at once"),
        ("I am looking for information about the impact of automation on libraries and its significance for "
         "libraries in general. How will automation affect libraries?"),
    ],
)
def test_a_question_without_chat_keeps_every_word_that_is_searched(question):
    analyze = Analyzer()
    assert analyze(strip_chat(question)) == analyze(question)


@given(st.lists(st.sampled_from(["Hamdok", "Kommersant", "Huawei", "sourdough", "cyberspace", "Inspur"]),
                min_size=1, max_size=3),
       st.sampled_from(["", "hey, ", "hi all! ", "quick question: ", "so I was wondering, ", "does anyone know "]),
       st.sampled_from(["", " thanks!", ", thanks in advance", " lol", "? anyone?", " \U0001F64F"]))
@settings(max_examples=200, deadline=None)
def test_chat_never_takes_a_subject_word(subjects, opening, ending):
    message = opening + "what about " + " and ".join(subjects) + ending
    assert all(word in strip_chat(message) for word in subjects)


@pytest.mark.parametrize(
    ("text", "clause"),
    [("my cousin asked me what the capital of Peru is, lol", "what the capital of Peru is"),
     ("Which NFL team represented the AFC at Super Bowl 50?", "Which NFL team represented the AFC at Super Bowl 50"),
     ("huawei years agreement", "")],
)
def test_the_asked_clause_runs_from_the_question_word_to_its_clause_end(text, clause):
    assert asked_clause(text) == clause


@pytest.mark.parametrize(
    ("text", "tails"),
    [("who develped the theory of relativity real quick", ["real quick", "quick"]),
     ("what was the name of the tangut capital someone mentioned it earlier",
      ["capital someone mentioned it earlier", "someone mentioned it earlier", "mentioned it earlier"]),
     ("What is the capital of Peru", []),
     # A run naming something is never an aside, nor one leaving less than a question.
     ("who won the cup someone in Paris told me", ["told me", "me"]),
     ("who is driving me nuts", []),
     # Opening with the asker, a longer run: "i keep forgetting this every single time".
     ("when was the treaty signed i keep forgetting this every single time",
      ["i keep forgetting this every single time"])],
)
def test_an_aside_glued_to_the_end_of_a_question_is_offered_longest_first(text, tails):
    assert [text[start:] for start in aside_tails(text)] == tails


@pytest.mark.parametrize(
    ("text", "asides"),
    [("making a quiz for my server and want to double check. Which hotel burned in 1909?",
      [["making a quiz for my server and want to double check."]]),
     ("alright nerds, what did the Kyoto Protocol try to address? need it for a quiz tmrw",
      [["alright nerds,"], [" need it for a quiz tmrw"]]),
     ("studying for the midterm when is the earliest Britain had an imperialist policy",
      [["studying for the midterm "]]),
     ("What organization's teaching did Luther reject, need it for a quiz tmrw", [[" need it for a quiz tmrw"]]),
     # Nothing of a question itself: its list, a name, a number, a topic without a question word.
     ("What is the need for consolidation, evaluation, and retrieval in research?", []),
     ("In 1901, what percentage of Warsaw was Catholic?", []),
     ("vitamin d : shedding some light on the new recommendations", [])],
)
def test_what_may_be_chat_around_a_question_is_offered_to_be_judged(text, asides):
    assert [[text[start:end] for start, end in group] for group in set_aside(text)] == asides


@pytest.mark.parametrize(
    ("text", "context"),
    [("making a quiz for my server and want to double check. Which hotel burned in 1909?",
      ["making a quiz for my server and want to double check."]),
     ("hey all, what did the Kyoto Protocol try to address? i need it for a quiz tmrw",
      ["hey all,", " i need it for a quiz tmrw"]),
     ("What organization's teaching did Luther reject, my teacher asked", [" my teacher asked"]),
     # What speaks of no one is the question's, in chat as in a long query.
     ("What organization's teaching did Luther reject, need it for a quiz tmrw", []),
     ("What is information science? Give definitions where possible.", []),
     # Words before the question word with no punctuation between are the question ("sung by whom").
     ("studying for the midterm when is the earliest Britain had an imperialist policy", []),
     ("the anthem was sung by whom?", []),
     # Nothing that names something: a sentence with a name stays the question's.
     ("My teacher mentioned the Kyoto Protocol. What did it try to address?", []),
     ("In 1901, what percentage of Warsaw was Catholic?", [])],
)
def test_the_context_around_a_question_is_told_from_the_question(text, context):
    assert [text[start:end] for start, end in context_spans(text)] == context


@pytest.mark.parametrize(
    ("question", "searched"),
    [("what does the article say about Huawei?", "what does about Huawei?"),
     ("How many Grammy Awards does the text say Lady Gaga has won?", "How many Grammy Awards does Lady Gaga has won?"),
     ("According to the article, who arrested Hamdok?", "who arrested Hamdok?"),
     ("Who, according to the text, signed the deal?", "Who, signed the deal?"),
     ("what does the article say?", "what does the article say?"),  # nothing else to search: kept whole
     ("which article of the constitution says who may vote?", "which article of the constitution says who may vote?")],
)
def test_the_articles_named_as_speaker_are_not_searched(question, searched):
    assert without_speaker(question) == searched


@given(st.text(alphabet=st.sampled_from(list("abc xyz")) , max_size=30),
       st.sampled_from(["the article says", "this piece said", "the authors wrote", "these stories mention"]))
@settings(max_examples=200, deadline=None)
def test_taking_out_the_speaker_never_leaves_only_common_words(words, speaker):
    analyze = Analyzer()
    question = f"what {speaker} {words}"
    kept = without_speaker(question)
    assert analyze(kept) and set(analyze(kept)) <= set(analyze(question))
