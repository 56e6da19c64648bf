"""The chat-style SQuAD benchmark: the wrapper, the keyword form, the rare-word count, and its report on a tiny set."""

import io
import json
import re

import pytest

from benchmarks.chat import (
    ask,
    chat_failures,
    chat_report,
    chat_wrapped,
    keyword_form,
    main,
    rare_word_violations,
    words,
)
from benchmarks.chat_templates import ASKING, CLOSERS, FRAMES, OPENERS, TEMPLATES
from benchmarks.judged import SQUAD
from benchmarks.runs import run_set
from retrieval import Article, Library, Paragraph, RetrievalSettings
from tests.benchmarks.test_quality import DOCS, QRELS, QUERIES, write_set

QUESTIONS = [
    "Which NFL team represented the AFC at Super Bowl 50?",
    "In what year did the Normans conquer England?",
    "How many interceptions did Aqib Talib have for the regular season?",
    "Pitt's plan called for what attacks?",
    "Who was the broadcaster for Super Bowl 50 in the United States?",
    "What is the U.S. Constitution's first article about?",
    "Beyoncé's first solo album was released when?",
    "Name the O'Brien family's estate in 1890.",
    "what similarity laws must be obeyed when constructing aeroelastic models of heated high speed aircraft .",
    "0-dimensional biomaterials show inductive properties.",
    "MEASUREMENT OF DIELECTRIC CONSTANT OF LIQUIDS BY THE USE OF MICROWAVE TECHNIQUES",
    "deafness",
] + [f"What did the {n}th emperor of the Ming dynasty build near the river?" for n in range(100)]


def _inside(haystack: list[str], needle: list[str]) -> int | None:
    """Where `needle` stands in `haystack` word for word, or None."""
    return next((i for i in range(len(haystack) - len(needle) + 1) if haystack[i:i + len(needle)] == needle), None)


# --- The wrapper ---------------------------------------------------------------------------------------


def test_the_wrapping_is_the_same_for_a_seed_and_another_for_another_seed():
    for part in ("tuning", "held-out", "fresh"):
        once = [chat_wrapped(q, part, seed=7) for q in QUESTIONS]
        assert once == [chat_wrapped(q, part, seed=7) for q in QUESTIONS]
        other = [chat_wrapped(q, part, seed=8) for q in QUESTIONS]
        assert sum(a != b for a, b in zip(once, other)) > len(QUESTIONS) // 2


def test_the_wrapping_keeps_every_word_of_the_question_in_order_and_adds_chat():
    for seed in range(5):
        for part in ("tuning", "held-out", "fresh"):
            for question in QUESTIONS:
                message = chat_wrapped(question, part, seed)
                assert _inside(words(message), words(question)) is not None, (question, message)
                assert len(words(message)) > len(words(question)) or not message.endswith(question.rstrip(" ?."))


def test_the_wrapping_varies_as_chat_does_and_puts_some_questions_mid_sentence():
    messages = [(q, chat_wrapped(q, "tuning")) for q in QUESTIONS]
    assert sum(m == m.lower() and q[1:] != q[1:].lower() for q, m in messages) >= 10  # all lower case
    assert sum("?" not in m for q, m in messages if q.endswith("?")) >= 10  # no question mark
    around = 0
    for question, message in messages:
        found, asked = words(message), words(question)
        at = _inside(found, asked)
        around += at > 0 and at + len(asked) < len(found)
    assert around >= 20  # filler before and after
    frames = [[side.casefold() for side in t.split("{q}")] for t in TEMPLATES["frames"]["tuning"]]
    embedded = [m for _, m in messages
                if any(before in m.casefold() and after in m.casefold() for before, after in frames)]
    assert len(embedded) >= 5


def test_the_templates_are_many_and_split_in_two_disjoint_halves():
    assert len(OPENERS) + len(ASKING) >= 40 and len(CLOSERS) >= 25 and len(FRAMES) >= 10
    for kind, halves in TEMPLATES.items():
        tuning, held_out = set(halves["tuning"]), set(halves["held-out"])
        assert tuning and held_out, kind
        assert not tuning & held_out, kind
        assert {t.casefold() for t in tuning}.isdisjoint(t.casefold() for t in held_out), kind


def test_each_part_is_wrapped_with_its_own_templates_only():
    for part, other in (("tuning", "held-out"), ("held-out", "tuning"), ("fresh", "tuning")):
        vocabulary = {w for templates in TEMPLATES.values() for t in templates[part] for w in words(t)}
        others = {w for templates in TEMPLATES.values() for t in templates[other] for w in words(t)}
        assert others - vocabulary  # the check below can tell the halves apart
        for question in QUESTIONS:
            message = words(chat_wrapped(question, part))
            asked = words(question)
            at = _inside(message, asked)
            filler = set(message[:at] + message[at + len(asked):])
            assert filler <= vocabulary, (part, question, filler - vocabulary)


# --- The keyword form ----------------------------------------------------------------------------------


def test_the_keyword_form_keeps_the_content_words_in_order_in_lower_case():
    asked = "Which NFL team represented the AFC at Super Bowl 50?"
    assert keyword_form(asked) == "nfl team represented afc super bowl 50"
    assert keyword_form("How many interceptions did Aqib Talib have?") == "interceptions aqib talib"
    assert keyword_form("Pitt's plan called for what attacks?") == "pitt plan called attacks"
    assert keyword_form("Whose army won in 1066, and where?") == "army won 1066"
    question_words = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "many", "much", "did",
                      "does", "is", "was", "the"}
    for question in QUESTIONS:
        assert not set(keyword_form(question).split()) & question_words, question


# --- Rare-word order -----------------------------------------------------------------------------------


def _library() -> Library:
    texts = {
        "huawei": "Huawei signed a five year agreement with the ministry.",
        "years": "The ministry signed agreement after agreement over the years; each agreement ran for years.",
        "other": "Rainfall in the valley was low for years.",
        # Other subjects, so that rank-bm25's idf of the words above stays positive.
        "harbour": "The harbour fleet sailed at dawn.", "orchard": "Apple growers prune trees in winter.",
        "comet": "The comet returns in March.", "railway": "Engineers built a railway to the summit.",
        "choir": "The choir sang in the old church.",
    }
    return Library([Article(id=key, title=key, source=f"{key}.md", paragraphs=[Paragraph(text=text)])
                    for key, text in texts.items()])


def test_a_hit_lacking_the_rarest_word_above_a_better_scored_one_holding_it_is_counted():
    library = _library()
    hits = library.answer("huawei years agreement", 5).hits
    assert [h.article.id for h in hits] == ["huawei", "years", "other"]
    assert hits[0].score > hits[1].score > hits[2].score
    assert rare_word_violations(library, "huawei years agreement", hits) == 0
    assert rare_word_violations(library, "huawei years agreement", hits[::-1]) == 2  # "other" and "years" above
    assert rare_word_violations(library, "huawei", hits[::-1]) == 0  # one word: no rarest word to keep first
    # Where BM25 itself scores the passage without the word higher, it may stay above.
    lower = [hits[2], hits[1], hits[0].model_copy(update={"score": hits[2].score - 1})]
    assert rare_word_violations(library, "huawei years agreement", lower) == 0
    assert ask(library, "huawei years agreement").violations == 0


# --- The report on a tiny SQuAD ------------------------------------------------------------------------


def _tiny_data(tmp_path):
    write_set(tmp_path / SQUAD, docs=[{**d, "id": f"{i}_0"} for i, d in enumerate(DOCS)],
              qrels=[(q, f"{[d['id'] for d in DOCS].index(doc)}_0", 1) for q, doc, _ in QRELS])
    off_topic = tmp_path / "scifact"
    off_topic.mkdir()
    claims = ["Vitamin D supplements lower the risk of hip fractures.", "Statins reduce cholesterol in adults."]
    (off_topic / "queries.jsonl").write_text("".join(json.dumps({"id": str(n), "text": t}) + "\n"
                                                     for n, t in enumerate(claims)))
    return tmp_path


def test_the_report_prints_each_form_and_part_and_the_off_topic_questions(tmp_path):
    data = _tiny_data(tmp_path)
    out = io.StringIO()
    chat = chat_report(run_set(data, SQUAD, RetrievalSettings()), out)
    text = out.getvalue()
    # Tuning: questions on even articles (0_0 harbour, 2_0 comet); held out: 1_0 orchard, 3_0 railway.
    assert "| plain | tuning | 2 | 1.0000 |  | 1.0000 | 0.000 | 0.000 | 0 / 0 |" in text
    assert "| plain | held-out | 2 | 1.0000 |  | 1.0000 | 0.000 | 0.000 | 0 / 0 |" in text
    assert "| keywords | tuning | 2 | 1.0000 | +0.0 pts | 1.0000 | 0.000 | 0.000 | 0 / 0 |" in text
    for part in ("tuning", "held-out"):
        for form in ("chat", "fresh", "dev"):
            assert re.search(rf"\| {form} \| {part} \| 2 \| [01]\.\d{{4}} \| [+-]\d+\.\d pts \| [01]\.\d{{4}} \|", text)
        assert f"| all | {part} | 1 | 1.000 |" in text  # the off-topic claims, asked plain, are declined
    assert chat.messages["2"]["keywords"] == "protects fishing fleet storms"
    assert chat.messages["2"]["chat"] == chat_wrapped(QUERIES["2"], "tuning")
    assert chat.messages["1"]["chat"] == chat_wrapped(QUERIES["1"], "held-out")
    assert chat.messages["1"]["fresh"] == chat_wrapped(QUERIES["1"], "fresh")
    assert chat.messages["1"]["dev"] == chat_wrapped(QUERIES["1"], "dev")
    assert chat.asked["2"]["plain"].documents[0] == "0_0"
    failures = io.StringIO()
    chat_failures(chat, failures)
    assert failures.getvalue().startswith("\n## tuning, chat: ")
    # The fresh templates stay unseen: their failures are never printed.
    with pytest.raises(ValueError):
        chat_failures(chat, failures, form="fresh")


def test_the_command_runs_the_squad_set_alone(tmp_path, capsys):
    assert main(["--data", str(_tiny_data(tmp_path)), "--failures", "3"]) == 0
    out = capsys.readouterr().out
    assert "## Chat-style SQuAD (benchmarks/chat.py, seed 0)" in out
    assert "| keywords | held-out | 2 | 1.0000 |" in out
    assert "questions answered plain but declined or mis-ranked wrapped" in out
