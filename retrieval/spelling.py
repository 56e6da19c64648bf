"""Typos in a question: a word the collection never saw, one edit from a word it holds, is read as that word.

"Where did Moncalm slip away to attack?" finds nothing in a collection that says "Montcalm" unless the typo
is read through. One edit (a letter deleted, inserted, replaced, or two side by side swapped, the
first letter kept) on words of five letters or more: shorter ones have too many neighbours to guess from.
A word of English that the collection lacks is no typo: "who was the midnight rider?" is not read as "midnight
river", nor "weird question" as a collection's own typo "weied".
"""

from __future__ import annotations

import re
from functools import cache

from spellchecker import SpellChecker

from .analyzer import Analyzer
from .bm25 import BM25Index

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# A word as typed, whole: "Gospić" is one word, and its "Gospi" is no typo of "gospic".
_WORD = re.compile(r"\w+")


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS})


# A word this common in English (share of its running words) is meant as typed. Rarer ones, names mostly, may
# still be a typo of the collection's spelling: SQuAD's "Bismark" (3e-8) for "Bismarck", "Telnet" for "Telenet".
COMMON_WORD = 1e-6


@cache
def english() -> SpellChecker:
    """The English word list, loaded once per process (about 0.1 s): `Library.load` loads it, off the bot's event
    loop, rather than the first question holding a word the collection lacks."""
    return SpellChecker(distance=1)


def spelled(text: str, analyzer: Analyzer, index: BM25Index) -> str:
    """`text` with each word the index never saw replaced by the commonest indexed word one edit away, if any
    (capitalized as the word was). Every other character stays as written."""
    vocabulary, df = index.vocabulary, index.arrays.df

    def fixed(found: re.Match[str]) -> str:
        word = found.group()
        if len(word) < 5 or not (word.isascii() and word.isalpha()):
            return word  # the edits are of the English alphabet's letters
        terms = analyzer(word)
        if len(terms) != 1 or terms[0] in vocabulary:
            return word
        lower = word.lower()
        if english().word_usage_frequency(lower) >= COMMON_WORD:
            return word
        # Typists rarely get a word's first letter wrong, and a neighbour that starts differently is more
        # often another word ("bread" is not a typo of "read") than the word meant.
        candidates = sorted(c for c in _one_edit(lower) if c[:1] == lower[:1])
        best, best_df = None, 0
        for candidate, term in zip(candidates, analyzer.stem(candidates)):
            known = vocabulary.get(term)
            # Stemmed alone, a stopword ("should" of "sould") may look indexed: only a word that the analyzer
            # itself turns into that term counts.
            if known is not None and int(df[known]) > best_df and analyzer(candidate) == [term]:
                best, best_df = candidate, int(df[known])
        if best is None:
            return word
        return best.capitalize() if word[0].isupper() else best

    return _WORD.sub(fixed, text)
