"""What an acronym stands for: "What does AFC stand for?" is answered by the passage that spells it out ("the
American Football Conference (AFC)"). BM25 cannot tell that passage from the many that only use the acronym, and
the no-answer model sees one known word asked about and declines; a passage that holds the acronym and, side by
side, words whose initials spell it is the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .analyzer import plain

# "what does AFC stand for", "what is the AFC short for", "what is NATO an acronym for", "what did the acronym AAP
# stand for"; matched against the question lower-cased, its acronym then found as typed.
_ASKS = re.compile(
    r"^(?:what\s+(?:does|do|did|is|was)\s+(?:the\s+)?(?:(?:acronym|abbreviation|initials|letters)\s+)?(?P<a>[\w.&-]+)"
    r"\s+(?:stand|stands|stood)\s+for"
    r"|what\s+(?:is|was|'s)\s+(?:the\s+)?(?:(?:acronym|abbreviation)\s+)?(?P<b>[\w.&-]+)\s+(?:short|an\s+acronym"
    r"|an\s+abbreviation)\s+for"
    r"|what\s+is\s+the\s+(?:full\s+(?:form|name)|meaning)\s+of\s+(?:the\s+)?(?:(?:acronym|abbreviation)\s+)?"
    r"(?P<c>[\w.&-]+))$")
# Words an expansion may pass over when no letter of the acronym stands for them ("Fédération Internationale de
# Football Association" is FIFA).
_CONNECTORS = frozenset("of the and for de du des la le a an in on to & und der von y e".split())
_WORD = re.compile(r"[^\W\d_]+")
LETTERS = range(2, 9)


def asked_acronym(question: str) -> str:
    """The acronym `question` (its chat stripped) asks the meaning of, without dots ("AFC", "US"); "" when it
    asks none. Two to eight letters."""
    found = _ASKS.match(plain(question))
    if found is None:
        return ""
    acronym = next(name for name in found.groups() if name).replace(".", "").replace("-", "")
    return acronym.upper() if acronym.isalpha() and len(acronym) in LETTERS else ""


_CALLED = re.compile(r"\b(?:the\s+)?(?:acronym|abbreviation|initials)\s+(?=\S)", re.IGNORECASE)


def without_calling_it_an_acronym(question: str) -> str:
    """`question` without the words calling what it asks about an acronym, when it asks what one stands for:
    "what does the acronym LEM stand for?" is searched as "what does LEM stand for?", as a passage spelling it
    out seldom says "acronym"."""
    return " ".join(_CALLED.sub("", question, count=1).split()) if asked_acronym(question) else question


def spells_out(acronym: str, text: str) -> bool:
    """Whether `text` spells out `acronym` beside it: a run of words whose initials spell it, in order, passing
    over connectors, just before or after the acronym (any case): "the American Football Conference (AFC)",
    "TARDIS (Time And Relative Dimension In Space)"."""
    words = _WORD.findall(text)
    letters = acronym.lower()
    near = [n for n, word in enumerate(words) if word.lower() == letters]
    for start, word in enumerate(words):
        end = _spelled_from(words, start, letters)
        if end is not None and any(start - NEAR <= at < start or end <= at < end + NEAR for at in near):
            return True
    return False


# How many words away from the acronym its spelling out may start or end ("(AFC)" next to it; "AFC, the ...").
NEAR = 3


def _spelled_from(words: Sequence[str], start: int, letters: str) -> int | None:
    """Where the words from `start` that spell `letters` end: each letter the initial of the next word, or of
    one after connectors that stand for none. None when they spell something else, or start or end with a
    connector or a short word ("a company" is no "AC")."""
    at = start
    for n, letter in enumerate(letters):
        while 0 < n and at < len(words) and words[at][:1].lower() != letter and words[at].lower() in _CONNECTORS:
            at += 1
        if at >= len(words) or words[at][:1].lower() != letter:
            return None
        at += 1
    first, last = words[start], words[at - 1]
    if any(w.lower() in _CONNECTORS or len(w) < 3 or w.lower() == letters for w in (first, last)):
        return None
    return at
