"""What a chat message asks for, and the words to search for it.

Members of a chat server don't talk like a reading-comprehension set: they greet, hedge and thank
("hey all, quick question, does anyone know who arrested Hamdok? thanks!"), type keywords, ask about the
articles themselves ("who wrote the Sudan piece?", "which articles mention Huawei?"), reply to an answer
("go on", "who wrote it?") and say hi. `understand` tells these apart with rules over the message's
wording; the chat around a question is stripped (`filler.py`) so that only its subject is searched.

The rules look only at how a question is put (its frame), never at what it is about: the subject is left
to BM25. A frame that needs an article ("who wrote *the piece about* ...") names one with an article word
or a pronoun, so "Who wrote the Declaration of Independence?" stays a question for the passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .analyzer import normalize
from .filler import EMOJI, WORD, strip_chat

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
    said = " ".join(WORD.findall(normalize(EMOJI.sub(" ", text)).replace("?", " ? "))) or text.strip()
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
    text = strip_chat(text) or text.strip()
    return text.endswith("?") or bool(_QUESTION_WORDS.match(text))
