"""Chat spellings of common words, written out: "wut did u find abt hamdok tho" -> "what did you find about
hamdok though".

Members type "u", "ur", "wat", "abt" and "tho"; the articles never hold them, so searched as they are they count as
rare words the passage lacks, and an answerable question is declined ("wen did bashir lose power" was). Only
lower-case forms are read, so "Ur" (the city), "Wat Arun" or "R" stay names; forms that are also ordinary words
elsewhere ("wat", "wen", "y", "r", "hw") are read only where a question word or a verb's subject stands.
"""

from __future__ import annotations

import re

# Never a word of an article in lower case: written out wherever they stand.
_ALWAYS = {
    "u": "you", "ur": "your", "urs": "yours", "wut": "what", "whut": "what", "wot": "what", "wht": "what",
    "abt": "about", "tho": "though", "thru": "through", "ppl": "people", "smth": "something", "sth": "something",
    "cuz": "because", "coz": "because", "bcuz": "because", "becuz": "because", "pls": "please", "plz": "please",
    "dunno": "don't know", "wanna": "want to", "gonna": "going to", "gotta": "have to", "wuz": "was",
    "wats": "what's", "wher": "where", "whr": "where", "wich": "which",
}
# Ordinary words or names elsewhere: written out only where they open a question or follow a question word.
_OPENING = {"wat": "what", "wen": "when", "y": "why", "hw": "how", "r": "are"}
_ALWAYS_WORD = re.compile(r"(?<![\w'.-])(" + "|".join(sorted(map(re.escape, _ALWAYS), key=len, reverse=True))
                          + r")(?![\w'-]|\.\w)")
# At the start of the message or of a clause, before a verb or a pronoun: "wat is", "y did", "hw many", "r you".
_OPENING_WORD = re.compile(
    r"(^|[,;:?!.]\s+|\b(?:and|but|so|then|ok|okay|hey|hi|lol|what|who|where|how|why|when|which)\s+)"
    r"(wat|wen|y|hw|r)(?=\s+(?:is|are|was|were|do|does|did|can|could|should|would|will|has|have|had|many|much"
    r"|long|old|far|come|happened|happens|the|a|an|they|you|he|she|it|we|there|this|that|these|those|people|all)\b)")


def written_out(text: str) -> str:
    """`text` with chat spellings of common words written out (`_ALWAYS` anywhere, `_OPENING` where a question
    opens); everything else as typed."""
    text = _ALWAYS_WORD.sub(lambda m: _ALWAYS[m.group(1)], text)
    return _OPENING_WORD.sub(lambda m: m.group(1) + _OPENING[m.group(2)], text)
