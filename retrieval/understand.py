"""What a chat message asks for, and the words to search for it.

Members of a chat server don't talk like a reading-comprehension set: they greet, hedge and thank
("hey all, quick question, does anyone know who arrested Hamdok? thanks!"), type keywords, ask about the
articles themselves ("who wrote the Sudan piece?", "which articles mention Huawei?"), reply to an answer
("go on", "who wrote it?") and say hi. `understand` tells these apart with rules over the message's
wording; chat spellings of common words are written out ("wut did u find abt ...", `texting.py`) and the chat
around a question is stripped (`filler.py`) so that only its subject is searched.

The rules look only at how a question is put (its frame), never at what it is about: the subject is left
to BM25. Small talk is read in `small_talk.py`, questions about the articles by their cue words in
`article_questions.py`: a question about an article must refer to one (an article word, or a reply's
"it"), so "Who wrote the Declaration of Independence?" stays a question for the passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .analyzer import plain as _plain
from . import article_questions
from .acronyms import without_calling_it_an_acronym
from .filler import strip_chat, without_speaker
from .texting import written_out
from .small_talk import small_talk

Kind = Literal["passage", "article", "articles", "small_talk"]
# What a question asks of one article ("article"), of the collection ("articles"), or of the bot ("small_talk").
Fact = Literal[
    "", "authors", "date", "link", "about", "more",
    "mentions", "by_author", "catalogue",
    "greeting", "thanks", "help",
]


@dataclass(frozen=True)
class FollowUp:
    """The answer a message replies to: which article, and which of its passages was quoted (0-based)."""

    article_id: str
    passage: int


@dataclass(frozen=True)
class Understood:
    """What a message asks for.

    `search` is the text to search (the question without its chat around it); `subject` the words naming
    an article or an author when the question is about articles; `leans` whether a reply leans on the answer
    it replies to ("and what did they sign before that?") rather than standing alone; `otherwise` what to
    answer when no author has the name a "by_author" question names ("Sudan articles?": "mentions").
    """

    kind: Kind
    fact: Fact
    search: str
    subject: str = ""
    leans: bool = False
    otherwise: Fact = ""


# --- Questions about the articles -----------------------------------------------------------------------

# "go on", "what happens next in the article", "keep reading", "give me the rest": the next passage. Every word
# is one of these, and one of them asks to go on.
_MORE_WORDS = frozenset(
    """and ok okay so then please pls plz can could you u me us give tell show say says said read reading keep
    going go goes on onn onnn onnnn ahead continue carry more next rest what whats what's happens happened happen
    comes came after that this it of the article piece story part paragraph section bit does did is else
    anything elaborate don't dont stop there coming with in then one passage paragraphs moar expand detail details
    further info context any another follows following about""".split())
_GOES_ON = re.compile(r"\b(?:more|next|continue|rest|go(?:es)?\s+on+|read(?:ing)?\s+on|keep\s+(?:reading|going|it\s+coming)"
                      r"|carry\s+on|elaborate|what\s+else|anything\s+else|(?:then|and)\s+what|what\s+happen(?:s|ed)?"
                      r"\s+(?:after|then)|and\s+then|comes\s+after|don'?t\s+stop|go\s+ahead|moar|expand|further"
                      r"|(?:what'?s|what\s+is|what\s+comes)\s+after|after\s+that$|what\s+follows|following"
                      r"|another\s+(?:passage|paragraph|part|bit|one))\b|^(?:(?:ok|okay|so|well)\s+)?and$")


def _goes_on(plain: str) -> bool:
    words = re.findall(r"[\w']+", plain)
    return bool(words) and all(w in _MORE_WORDS for w in words) and bool(_GOES_ON.search(plain))


# A reply that leans on the answer it replies to: a pronoun or "that" for something the answer said,
# or a start that continues it ("and ...", "what about ...").
_LEANS = re.compile(
    r"^(?:and|but|so|also|then|what\s+about|how\s+about|why|how\s+come)\b"
    r"|\b(?:it|its|they|them|their|theirs|he|him|his|she|her|hers|this|that|these|those|there|then"
    r"|the\s+same|the\s+other|before\s+that|after\s+that)\b")


def understand(message: str, follow_up: FollowUp | None = None) -> Understood:
    """What `message` asks for. `follow_up` is the answer it replies to, if it replies to one."""
    message = written_out(message)
    talk = small_talk(message)
    question = strip_chat(message)
    if talk is None and question != message.strip() and small_talk(question) == "help":
        talk = "help"  # "um, how do I use this?", "hello bot, what can you do?"
    if talk is not None and not question:
        return Understood("small_talk", talk, "")
    if not question:
        # Only chat words, but not a greeting either: search what was said, as before.
        question = message.strip()
    plain = _plain(question)

    if _goes_on(plain) or _goes_on(_plain(message)):  # "and?" is all chat to strip_chat
        return Understood("article", "more", "")
    about = article_questions.read(plain, question, follow_up is not None)
    if about is not None:
        kind, fact, subject, otherwise = about
        return Understood(kind, fact, question, subject=_as_typed(subject, question), otherwise=otherwise)
    if talk is not None:
        return Understood("small_talk", talk, "")
    # The chat stripped from a reply may be what leans on the answer: "and when?", "ok but why?".
    leans = follow_up is not None and bool(_LEANS.search(plain) or _LEANS.search(_plain(message)))
    return Understood("passage", "", without_calling_it_an_acronym(without_speaker(question)), leans=leans)


# "What is Nexus?", "who was Tancred", "what's a clade", "what do we know about Inspur?", "what does LEM stand
# for?", "what does Hauptlied mean?": a question that asks only what or who something is.
_WHAT_IS = re.compile(
    r"^(?:(?:what|who)(?:'s|\s+(?:is|are|was|were))\s+(?:(?:a|an|the)\s+)?(?P<name>.+?)(?:\s+known\s+for)?"
    r"|(?:what\s+(?:do|did)\s+(?:we|you)\s+know\s+)?about\s+(?P<name2>.+)"
    r"|what\s+(?:does|do|did)\s+(?:the\s+)?(?:(?:acronym|abbreviation|term|word|name)\s+)?(?P<name3>.+?)"
    r"\s+(?:stand|stands)\s+for|what\s+(?:does|do|did)\s+(?P<name4>.+?)\s+mean)$")


def named_thing(question: str) -> str:
    """What `question` (its chat stripped) asks only what or who is: "Nexus" of "What is Nexus?"; "" when it asks
    more ("What is the capital of Peru?" asks what "capital of peru" is: the caller judges whether that names one
    thing)."""
    match = _WHAT_IS.match(_plain(question))
    return next((name for name in match.groups() if name), "") if match else ""


def _as_typed(words: str, question: str) -> str:
    """`words` (matched in the question's lower-cased, normalized form) as the member typed them:
    "Huawei", not "huawei". As matched when the typed form cannot be found."""
    found = re.search(r"\W+".join(map(re.escape, words.split())), question, re.IGNORECASE) if words else None
    return found.group() if found else words


_QUESTION_WORDS = re.compile(
    r"^(who|whom|whose|what|when|where|why|how|which|is|are|was|were|do|does|did|can|could|should|would|will)\b",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    """Whether a chat line reads as a question (ends with "?" or opens with a question word), once the chat
    around it is stripped: where every line is read (answer channels), only these get an answer."""
    text = written_out(text)
    text = strip_chat(text) or text.strip()
    return text.endswith("?") or bool(_QUESTION_WORDS.match(text))
