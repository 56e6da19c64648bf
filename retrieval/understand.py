"""What a chat message asks for, and the words to search for it.

Members of a chat server don't talk like a reading-comprehension set: they greet, hedge and thank
("hey all, quick question, does anyone know who arrested Hamdok? thanks!"), type keywords, ask about the
articles themselves ("who wrote the Sudan piece?", "which articles mention Huawei?"), reply to an answer
("go on", "who wrote it?") and say hi. `understand` tells these apart with rules over the message's
wording, and strips the chat around a question so that only its subject is searched and counted.

The rules look only at how a question is put (its frame), never at what it is about: the subject is left
to BM25. A frame that needs an article ("who wrote *the piece about* ...") names one with an article word
or a pronoun, so "Who wrote the Declaration of Independence?" stays a question for the passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .analyzer import normalize
from .stopwords import ENGLISH

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
    it replies to ("and what did they sign before that?") rather than standing alone.
    """

    kind: Kind
    fact: Fact
    search: str
    subject: str = ""
    leans: bool = False


# --- Chat around a question ---------------------------------------------------------------------------

# Words that, in a chat clause of their own, say something about the asker, not the subject ("hey all",
# "I'm new here and trying to understand", "thanks so much", "someone mentioned it"). A clause is dropped
# only when every word in it is one of these or a common word and one of them is a marker of chat
# (`_CHAT_MARKERS`), so a subject word always survives and ", while he was on their team" stays.
_CHAT_MARKERS = frozenset("""
    hey heyy heyyy hi hii hiii hello hiya heya yo yoo howdy sup everyone everybody guys folks yall y'all fam
    morning evening afternoon
    newbie noob trying wondering wonder wondered curious confused sorry apologies stuck
    i i'm im i've ive i'd my me we our
    anyone anybody someone somebody please pls plz thanks thank thx ty tysm cheers appreciate appreciated advance
    mentioned heard hearing lol lmao haha hah hehe btw tbh imo um uh hmm hm
""".split())
_CHAT_WORDS = _CHAT_MARKERS | frozenset("""
    all people team friends there chat bot new here try tried understand understanding figure out get
    quick question questions random dumb stupid silly ask asking asked know knows knew one much lot very
    help mention mentions said say says saying hear keep keeps kept read reading saw see seen idea ideas clue
    ok okay okey so just really actually basically well anyway anyways also again still though
    thing things stuff bit little something right yeah yes yep sure great awesome cool nice good morning evening
    afternoon true real correct tell me explain remind let us we you i i'm im me my mine your
    remember recall forget forgot sure learn find found
""".split())

# Openings that frame a question without being part of it, stripped from the front of a clause (repeatedly).
_OPENINGS = re.compile(
    r"^(?:"
    r"(?:hey|hi|hello|hiya|heya|yo|howdy|ok(?:ay)?|so|well|and|also|btw|um+|uh+|hm+|oh|ah)"
    r"(?:\s+(?:there|all|everyone|everybody|guys|folks|team|y'?all|friends|bot))?\b"
    r"|(?:quick|random|dumb|stupid|silly|noob|small|simple)\s+question\b"
    r"|(?:sorry\s+(?:if\s+this\s+is\s+a\s+(?:dumb|stupid|silly)\s+question|to\s+bother\s+you))\b"
    r"|(?:i\s+was|i'?m|i\s+am|i'?ve\s+been|just)\s+(?:wondering|curious|confused)(?:\s+about)?\b"
    r"|i\s+wonder\b|i'?d\s+(?:like|love)\s+to\s+know\b|i\s+want\s+to\s+know\b|i\s+need\s+to\s+know\b"
    r"|(?:i\s+)?(?:keep\s+)?(?:hearing|heard|reading|read|seeing|saw)\s+(?:a\s+lot\s+)?(?:about|that)\b"
    r"|(?:does|do|did)\s+(?:anyone|anybody|someone|somebody|you|u|y'?all|any\s+of\s+you)"
    r"(?:\s+(?:here|happen\s+to))?\s+(?:know|remember|have\s+(?:any\s+)?(?:idea|info))(?:\s+(?:of|about))?\b"
    r"|(?:anyone|anybody|someone|somebody)\s+(?:know|knows|remember)s?\b"
    r"|(?:has|have)\s+(?:anyone|anybody|someone|somebody|any\s+of\s+you)\s+(?:figured|found|worked)\s+out\b"
    r"|(?:can|could|would|will)\s+(?:anyone|anybody|someone|somebody|you|u|y'?all)"
    r"(?:\s+(?:please|pls|plz|kindly|maybe))?\s+(?:tell|explain(?:\s+to)?|remind|show|help)(?:\s+me)?"
    r"(?:\s+(?:with|about|out))?\b"
    r"|(?:please|pls|plz|kindly)(?:\s+(?:tell|explain(?:\s+to)?|remind|show)(?:\s+me)?)?\b"
    r"|(?:tell|explain\s+to|remind|show)\s+me\b"
    r"|(?:is|was)\s+it\s+(?:true|right|correct)\s+(?:that\b)?"
    r"|(?:any\s+)?idea\s+(?:if|whether)\b|(?:any|no)\s+idea\b"
    r"|(?:genuinely|really|honestly|just|kinda|kind\s+of)\s+(?:curious|wondering|confused)(?:\s+about)?\b"
    r"|(?:so\s+)?what\s+i\s+(?:want|need|would\s+like|'?d\s+like)\s+to\s+know\s+is\b"
    r"|(?:i\s+)?(?:have\s+been|'?ve\s+been|was|am|'?m)\s+trying\s+to\s+(?:figure\s+out|understand|find\s+out|work\s+out)\b"
    r"|(?:need|needing)\s+(?:some\s+)?help\b|(?:a\s+)?question\s+for\s+(?:the\s+group|everyone|you\s+all|y'?all|anyone)\b"
    r"|(?:first\s+time\s+(?:posting|asking)(?:\s+here)?)\b"
    r")[\s,:;!.-]*",
    re.IGNORECASE,
)
# Endings that only close a chat message ("..., thanks in advance", "... lol", "... anyone?").
_ENDINGS = re.compile(
    r"[\s,;:!.-]*\b(?:"
    r"(?:thanks|thank\s+you|thx|ty|tysm|cheers)(?:\s+(?:so\s+much|a\s+lot|very\s+much|in\s+advance|all|guys|everyone))*"
    r"|please|pls|plz|lol|lmao|haha+|anyone|anybody|any\s+ideas?|if\s+(?:anyone|you)\s+knows?|tia|ty\s+in\s+advance"
    r"|any\s+help(?:\s+(?:is|would\s+be))?(?:\s+(?:appreciated|welcome|great))?|in\s+(?:simple|plain)\s+(?:terms|english)"
    r"|asking\s+for\s+a\s+friend|no\s+rush|(?:i\s+)?saw\s+it\s+on\s+\w+|(?:does\s+)?anyone\s+(?:have|got)\s+a\s+source"
    r")[\s!.?]*$",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"(?<=[?!.])\s+|\n+")
# Clause edges: punctuation, dashes, "but", an interjection ("... sorry if ...", "... lol"), and a conjunction
# whose subject is the asker ("... and I had no clue").
_CLAUSES = re.compile(
    r"(?<=[,;:])\s+|\s+[-\u2013\u2014]+\s+|\s+but\s+(?=\S)"
    r"|\s+(?=(?:sorry|lol|lmao|haha+|thanks|thank\s+you|thx|pls|plz)\b)"
    r"|\s+(?=(?:and|or|but|because|cause|cuz|since)\s+(?:i|i'm|im|i've|i'd|we|we're|my)\b)",
    re.IGNORECASE,
)
# The word that opens what is asked, wherever it stands in its clause, and the rest of a clause.
_ASKING = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)
_CLAUSE_REST = re.compile(r"[^,;:?!.\n]*")
# Words that make a clause around a question speak of the asker: the asker and the people asked, the
# asking itself, interjections ("I was talking with a friend and we couldn't agree on ...", "dumb question
# maybe, but ...", "... lol"). Narrower than `_CHAT_MARKERS`: "someone" or "trying" may be the subject.
_ASKER = frozenset("""
    i i'm im i've ive i'd my me we we're our anyone anybody y'all yall guys folks everyone everybody
    hey heyy hi hii hello hiya yo morning evening afternoon lol lmao haha hehe pls plz please thanks thank thx
    tia sorry
""".split())
# A word of one of these, with "question", before the question speaks of the asking ("dumb question maybe, but").
_PREAMBLE = _ASKER | {"question"}
# Words, abbreviations ("i.e.") whole.
_TOKEN = re.compile(r"[\w']+(?:\.[\w']+)+|[\w']+")
# Prepositions the stopwords lack: "within what variable ..." asks.
_PREPOSITIONS = frozenset("""
    within without among amongst upon toward towards across along around behind beside besides beyond
    despite near per since throughout via according regarding concerning
""".split())
# A question cut from the words before it holds at least this many words of its own ("what library?" of
# "... these books became a foundational text for what library?" is not the question).
_QUESTION_WORDS_LEFT = 2
# A clause after the question is only an aside this short (in words).
_ASIDE_WORDS = 8
_EMOJI = re.compile(r"<a?:\w+:\d+>|:[a-z_]+:|[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")
_WORD = re.compile(r"[\w']+")


def _is_chat(clause: str) -> bool:
    words = _WORD.findall(normalize(clause))
    return (bool(words) and all(w in _CHAT_WORDS or w in ENGLISH for w in words)
            and any(w in _CHAT_MARKERS for w in words))


def _stripped(clause: str, pattern: re.Pattern[str]) -> str:
    while True:
        shorter = pattern.sub("", clause, count=1).strip()
        if shorter == clause:
            return clause
        clause = shorter


def strip_chat(text: str) -> str:
    """The question without the chat around it: greetings, hedges, thanks and asides.

    "hey everyone, quick question: who arrested Hamdok? thanks!" -> "who arrested Hamdok?". A message
    that is all chat comes back empty. In each sentence, the opening of every clause ("is it true that",
    "does anyone know") and the ending of its last ("lol", "thanks in advance") are stripped and clauses
    of chat are dropped; what names something is never dropped, and the order stays. Around the clause
    that asks (the first holding a question word), what speaks of the asker is dropped (`_around_asking`).
    """
    sentences: list[list[tuple[str, str]]] = []  # each clause as written and without its opening
    for sentence in _SENTENCES.split(_EMOJI.sub(" ", text).strip()):
        clauses = ((clause, _stripped(clause, _OPENINGS)) for clause in map(str.strip, _CLAUSES.split(sentence.strip())))
        sentences.append([(written, clause) for written, clause in clauses
                          if clause and not _is_chat(clause)
                          and not (_is_chat(written) and _asking_start(clause) is None)])
    kept_sentences = []
    for kept in _around_asking(sentences):
        if kept:
            kept[-1] = _stripped(kept[-1], _ENDINGS)
            kept_sentences.append(" ".join(c for c in kept if c))
    return " ".join(s for s in kept_sentences if s and not _is_chat(s)).strip(" ,;:-")


def _speaks_of_asker(words: str, markers: frozenset[str] = _ASKER) -> bool:
    """Whether `words` speak of the asker (a word of `markers`) and name nothing (`_names`)."""
    return not _names(words) and any(w in markers for w in _TOKEN.findall(normalize(words)))


def _says_nothing(words: str) -> bool:
    """Whether `words` are all common or chat words ("quick one", "ok so") and name nothing (`_names`)."""
    found = _TOKEN.findall(normalize(words))
    return bool(found) and not _names(words) and all(w in ENGLISH or w in _CHAT_WORDS for w in found)


def _own_words(words: str) -> int:
    """How many of `words` are neither common nor chat words."""
    return sum(w not in ENGLISH and w not in _CHAT_WORDS for w in _TOKEN.findall(normalize(words)))


def _names(words: str) -> bool:
    """Whether `words` name something: a quote, a number, a capitalized word past the first but "I"
    ("Tumor antigens are complexed with MHC class I molecules in ...", "In the US")."""
    found = _TOKEN.findall(words)
    return '"' in words or any(c.isdigit() for c in words) or any(
        w[0].isupper() and w.casefold() not in _ASKER for w in found[1:])


def asked_clause(text: str) -> str:
    """From `text`'s first question word to the end of its clause ("my cousin asked me what the capital of
    Peru is, lol" -> "what the capital of Peru is"); "" without a question word."""
    found = _ASKING.search(text)
    return _CLAUSE_REST.match(text, found.start()).group() if found else ""  # type: ignore[union-attr]


def _asking_start(clause: str) -> int | None:
    """Where the question starts in `clause`: at its first question word that opens the clause or follows a
    common or chat word ("agree on what", "figured out who"), not one after a name ("an analysis which",
    "Doctor Who"): that one is a relative clause or a name."""
    for found in _ASKING.finditer(clause):
        before = _TOKEN.findall(normalize(clause[:found.start()]))
        if not before:
            return found.start()
        if not found.group()[0].isupper() and (before[-1] in ENGLISH or before[-1] in _CHAT_WORDS
                                               or before[-1] in _PREPOSITIONS):
            return found.start()
    return None


def _around_asking(sentences: list[list[tuple[str, str]]]) -> list[list[str]]:
    """The clauses (as `(written, without opening)` pairs) without what speaks of the asker around the
    clause that asks, each without its opening.

    In "I was talking with a friend and we couldn't agree on where Dyrrachium was, any ideas? my teacher
    asked", the question starts at "where": before it in its sentence, the clauses that speak of the asker
    (`_speaks_of_asker`, as written) or say nothing (`_says_nothing`) are dropped, and so are the words of
    its own clause before the question word that speak of the asker; after it, the short clauses that speak
    of the asker and hold no question word. A message with no question word is left as it is.
    """
    place = next(((n, m) for n, clauses in enumerate(sentences) for m, (_, clause) in enumerate(clauses)
                  if _asking_start(clause) is not None), None)
    result: list[list[str]] = []
    for n, clauses in enumerate(sentences):
        kept = []
        for m, (written, clause) in enumerate(clauses):
            if place is None:
                pass
            elif n == place[0] and m < place[1] and (_speaks_of_asker(written, _PREAMBLE) or _says_nothing(written)):
                continue
            elif (n, m) == place:
                start = _asking_start(clause) or 0
                if _speaks_of_asker(clause[:start], _PREAMBLE) and _own_words(clause[start:]) >= _QUESTION_WORDS_LEFT:
                    clause = clause[start:]
            elif ((n, m) > place and len(_WORD.findall(written)) <= _ASIDE_WORDS and _speaks_of_asker(written)
                  and _asking_start(written) is None):
                continue
            kept.append(clause)
        result.append(kept)
    return result


# --- Small talk -----------------------------------------------------------------------------------------

_GREETING = re.compile(
    r"^(?:(?:hey+|hi+|hello|hiya|heya|yo+|howdy|greetings|sup|wassup|what'?s\s+up|good\s+(?:morning|afternoon|evening|day)"
    r"|gm|o/|morning|evening|how\s+(?:are|r)\s+(?:you|u|ya|things)(?:\s+(?:doing|today))?|how'?s\s+it\s+going"
    r"|how\s+is\s+it\s+going|there|all|everyone|everybody|guys|folks|team|y'?all|friend|bot|buddy)\s*)+$")
_THANKS = re.compile(
    r"^(?:(?:thanks|thank\s+you|thx|ty|tysm|cheers|much\s+appreciated|appreciate\s+it|great|awesome|perfect|nice|cool"
    r"|ok(?:ay)?|got\s+it|good\s+(?:bot|job)|well\s+done|that\s+helps|helpful)"
    r"(?:\s+(?:so\s+much|a\s+lot|very\s+much|again|for\s+(?:that|this|the\s+(?:answer|help|info))|bot|buddy|man))*\s*)+$")
_HELP = re.compile(
    r"^(?:help|h[ae]lp\s+me|\?+|how\s+(?:do|can|should)\s+i\s+(?:use\s+(?:you|this|it)|ask(?:\s+you)?(?:\s+something)?)"
    r"|how\s+does\s+(?:this|it)\s+work|what\s+(?:can|do|should)\s+(?:you|i)\s+(?:do|ask)(?:\s+(?:you|here))?"
    r"|what\s+are\s+you|who\s+are\s+you|what\s+is\s+this(?:\s+bot)?|commands|usage|instructions)$")


def _small_talk(text: str) -> Fact | None:
    said = " ".join(_WORD.findall(normalize(_EMOJI.sub(" ", text)).replace("?", " ? "))) or text.strip()
    said = said.strip()
    if not said or said.strip("?") == "":
        return "help" if said else None
    if _HELP.match(said):
        return "help"
    if _THANKS.match(said):
        return "thanks"
    if _GREETING.match(said):
        return "greeting"
    return None


# --- Questions about the articles -----------------------------------------------------------------------

_ARTICLE_NOUN = r"(?:article|articles|piece|pieces|story|stories|post|posts|essay|column|op-?ed|write-?up)"
_PRONOUN = re.compile(r"^(?:it|this|that|this\s+one|that\s+one|the\s+(?:above|last\s+one)|them|these|those)$")
# "the piece about cyber security", "the Sudan article", "this article": the words that name the article.
_ARTICLE_REF = re.compile(
    rf"^(?:(?:the|this|that|your|an?)\s+)?(?:(?P<before>.*?)\s+)?{_ARTICLE_NOUN}"
    r"(?:\s+(?:about|on|regarding|concerning|titled|called|named|that\s+(?:talks|is)\s+about|covering|from)\s+(?P<after>.+))?$")

_AUTHORS = re.compile(
    r"^(?:who\s+(?:wrote|writes|has\s+written|authored|penned|is\s+behind|did)"
    r"|who\s+(?:is|was|are|were|'s)\s+(?:the\s+)?(?:author|writer|journalist|reporter)s?(?:\s+(?:of|for|behind))?"
    r"|who'?s\s+(?:the\s+)?(?:author|writer)s?(?:\s+(?:of|for|behind))?"
    r"|(?:what\s+is|what'?s)\s+the\s+(?:author|writer)'?s?\s+name(?:\s+(?:of|for))?"
    r"|(?:the\s+)?(?:author|authors|writer|byline)(?:\s+(?:of|for))?|by\s+whom\s+(?:is|was))"
    r"(?:\s+(?P<rest>.*?))?(?:\s+(?:written|by))?$")
_DATE = re.compile(
    r"^(?:when\s+(?:was|were|is|did)\s+(?P<rest>.+?)\s+(?:published|written|posted|released|come\s+out|out|from"
    r"|publish(?:ed)?|dated|written)"
    r"|(?:what\s+is|what'?s)\s+the\s+(?:publication\s+|publishing\s+)?date(?:\s+(?:of|for|on)\s+(?P<rest2>.+))?"
    r"|(?:the\s+)?date(?:\s+(?:of|for|on)\s+(?P<rest3>.+))?|how\s+(?:old|recent|new)\s+is\s+(?P<rest4>.+)"
    r"|when\s+(?:was|is)\s+(?P<rest5>it|this|that)(?:\s+from)?)$")
_LINK = re.compile(
    r"^(?:(?:the\s+)?(?:link|url|source|sauce)s?(?:\s+(?:to|for|of)\s+(?P<rest>.+))?(?:\s+please)?"
    r"|(?:do\s+you\s+have|got|is\s+there|can\s+i\s+(?:get|have)|could\s+i\s+(?:get|have))\s+(?:a|the)\s+(?:link|url|source)"
    r"(?:\s+(?:to|for)\s+(?P<rest2>.+))?"
    r"|(?:where|what)\s+(?:is|'s)\s+the\s+(?:link|url|source)(?:\s+(?:to|for|of)\s+(?P<rest3>.+))?"
    r"|where\s+(?:can|could|do)\s+i\s+(?:read|find|see|get)\s+(?P<rest4>.+)"
    r"|where\s+(?:is|was)\s+(?P<rest5>.+?)\s+(?:from|published))$")
_ABOUT = re.compile(
    r"^(?:(?:what\s+(?:is|was|'s|are|were)|what'?s)\s+(?P<rest>.+?)\s+about"
    r"|(?:summari[sz]e|sum\s+up|give\s+me\s+(?:a\s+)?(?:summary|gist|tl;?dr)\s+of|tl;?dr(?:\s+(?:of|for))?)\s+(?P<rest2>.+)"
    r"|(?:what\s+does|what\s+did)\s+(?P<rest3>.+?)\s+say)$")
_MORE = re.compile(
    r"^(?:(?:tell\s+me|say|show\s+me|give\s+me)\s+more|more|go\s+on|continue|keep\s+going|carry\s+on|what\s+else"
    r"|and\s+then|then\s+what|what\s+happened\s+next|what\s+(?:comes|came)\s+next|next|anything\s+else"
    r"|(?:and\s+)?what\s+else\s+does\s+it\s+say|elaborate|more\s+(?:please|pls|plz)|and)$")
_BY_AUTHOR = re.compile(
    r"^(?:(?:what|which)(?:\s+(?:other\s+)?(?:articles|pieces|stories|posts|else))?\s+(?:has|have|did|does)\s+"
    r"(?P<name>.+?)\s+(?:written|write|wrote|published|publish|authored|covered|cover)"
    r"|(?:(?:show|list|find|give)\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+)?(?:articles|pieces|stories|posts|anything|everything|"
    r"something)\s+(?:written\s+)?(?:by|from)\s+(?P<name2>.+)"
    r"|(?:is\s+there|are\s+there|do\s+you\s+have)\s+(?:any(?:thing)?\s+)?(?:more\s+)?(?:articles|pieces|stories|posts)?\s*"
    r"(?:written\s+)?by\s+(?P<name3>.+))$")
_MENTIONS = re.compile(
    r"^(?:(?:which|what)\s+(?:other\s+)?(?:articles|pieces|stories|posts|reports)(?:\s+(?:do\s+you\s+have|are\s+there))?"
    r"\s+(?:mention|mentions|talk\s+about|talks\s+about|are\s+about|is\s+about|cover|covers|discuss|discusses"
    r"|say\s+(?:anything|something)\s+about|deal\s+with|about|on|concern|refer\s+to|have\s+anything\s+(?:about|on))"
    r"\s+(?P<subject>.+)"
    r"|(?:(?:are\s+there|do\s+you\s+have|is\s+there|have\s+you\s+got|got)\s+)?(?:any(?:thing)?\s+)?(?:more\s+)?"
    r"(?:articles|pieces|stories|posts|reports|anything|something)\s+(?:about|on|mentioning|covering|regarding|that\s+mention)"
    r"\s+(?P<subject2>.+)"
    r"|(?:(?:show|list|find|give)\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+)?(?:articles|pieces|stories|posts|reports)"
    r"\s+(?:about|on|mentioning|covering|regarding|that\s+mention)\s+(?P<subject3>.+))$")
_CATALOGUE = re.compile(
    r"^(?:(?:what|which)\s+(?:articles|stories|pieces|posts|content|topics|subjects|sources)"
    r"(?:\s+(?:do\s+you\s+(?:have|know(?:\s+about)?|cover)|have\s+you\s+got|are\s+(?:there|available|in\s+here)"
    r"|can\s+i\s+ask\s+about|you\s+got|are\s+in\s+(?:the|your)\s+(?:collection|library)))?"
    r"|(?:what|which)\s+(?:do\s+you\s+(?:know|cover)|can\s+i\s+ask)(?:\s+about)?"
    r"|(?:(?:show|list|give)\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+|your\s+)?(?:articles|stories|pieces|titles|collection|library)"
    r"|how\s+many\s+(?:articles|stories|pieces|posts)(?:\s+(?:do\s+you\s+have|are\s+there|have\s+you\s+got))?)$")

# A reply that leans on the answer it replies to: a pronoun or "that" for something the answer said,
# or a start that continues it ("and ...", "what about ...").
_LEANS = re.compile(
    r"^(?:and|but|so|also|then|what\s+about|how\s+about|why|how\s+come)\b"
    r"|\b(?:it|its|they|them|their|theirs|he|him|his|she|her|hers|this|that|these|those|there|then"
    r"|the\s+same|the\s+other|before\s+that|after\s+that)\b")


def _plain(text: str) -> str:
    """Lower case, one space between words, no end punctuation: what the frames are matched against."""
    return " ".join(normalize(text).replace("\u2019", "'").split()).strip(" ?!.,;:\"'")


def article_reference(words: str) -> tuple[bool, str]:
    """Whether `words` refer to an article, and the words that name it ("" for "it", "this article").

    ("the piece about cyber security") -> (True, "cyber security"); ("the Sudan article") -> (True, "sudan");
    ("it") -> (True, ""); ("the Declaration of Independence") -> (False, "the declaration of independence").
    """
    words = words.strip(" ?!.,;:\"'")
    if not words or _PRONOUN.match(words):
        return True, ""
    match = _ARTICLE_REF.match(words)
    if match is None:
        return False, words
    named = " ".join(p for p in (match.group("before"), match.group("after")) if p)
    named = re.sub(r"^(?:(?:the|this|that|your|an?|first|last|latest|other|one|full|whole|entire|original)(?:\s+|$))+",
                   "", named)
    return True, named


def understand(message: str, follow_up: FollowUp | None = None) -> Understood:
    """What `message` asks for. `follow_up` is the answer it replies to, if it replies to one."""
    talk = _small_talk(message)
    question = strip_chat(message)
    if talk is not None and not question:
        return Understood("small_talk", talk, "")
    if not question:
        # Only chat words, but not a greeting either: search what was said, as before.
        question = message.strip()
    plain = _plain(question)

    if _MORE.match(plain):
        return Understood("article", "more", "")
    for fact, pattern, groups in (("authors", _AUTHORS, ("rest",)), ("date", _DATE, ("rest", "rest2", "rest3",
                                  "rest4", "rest5")), ("link", _LINK, ("rest", "rest2", "rest3", "rest4", "rest5")),
                                  ("about", _ABOUT, ("rest", "rest2", "rest3"))):
        match = pattern.match(plain)
        if match is None:
            continue
        rest = next((match.group(g) for g in groups if match.group(g)), "")
        is_article, named = article_reference(rest)
        if is_article:
            return Understood("article", fact, question, subject=_as_typed(named, question))
    for pattern, groups, fact in ((_MENTIONS, ("subject", "subject2", "subject3"), "mentions"),
                                  (_BY_AUTHOR, ("name", "name2", "name3"), "by_author")):
        match = pattern.match(plain)
        if match is not None:
            subject = next(match.group(g) for g in groups if match.group(g))
            return Understood("articles", fact, question, subject=_as_typed(subject, question))
    if _CATALOGUE.match(plain):
        return Understood("articles", "catalogue", question)
    if talk is not None:
        return Understood("small_talk", talk, "")
    # The chat stripped from a reply may be what leans on the answer: "and when?", "ok but why?".
    leans = follow_up is not None and bool(_LEANS.search(plain) or _LEANS.search(_plain(message)))
    return Understood("passage", "", question, leans=leans)


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
    text = strip_chat(text) or text.strip()
    return text.endswith("?") or bool(_QUESTION_WORDS.match(text))
