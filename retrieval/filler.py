"""The chat around a question: greetings, hedges, thanks and asides, and where in a message the question is.

"hey all, quick question, does anyone know who arrested Hamdok? thanks!" asks "who arrested Hamdok?". Rules
over how chat is put (its markers, openings, endings, and what speaks of the asker around the clause that
asks), never over what a question is about: a word that names something always stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .analyzer import normalize
from .stopwords import ENGLISH

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
    idk iirc afaik imho ngl fwiw tbf smh ikr omg
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
    r"(?:hey|hi|hello|hiya|heya|yo|howdy|ok(?:ay)?|so|well|and|but|also|btw|um+|uh+|hm+|oh|ah)"
    r"(?:\s+(?:there|all|everyone|everybody|guys|folks|team|y'?all|friends|bot))?\b"
    r"|(?:quick|random|dumb|stupid|silly|noob|small|simple)\s+question\b"
    r"|(?:sorry\s+(?:if\s+this\s+is\s+a\s+(?:dumb|stupid|silly)\s+question|to\s+bother\s+you))\b"
    r"|(?:i\s+was|i'?m|i\s+am|i'?ve\s+been|just)\s+(?:wondering|curious|confused)(?:\s+about)?\b"
    r"|i\s+wonder\b|i'?d\s+(?:like|love)\s+to\s+know\b|i\s+want\s+to\s+know\b|i\s+need\s+to\s+know\b"
    r"|(?:i\s+)?(?:keep\s+)?(?:hearing|heard|reading|read|seeing|saw)\s+(?:a\s+lot\s+)?(?:about|that)\b"
    r"|(?:does|do|did)\s+(?:anyone|anybody|someone|somebody|you|u|y'?all|any\s+of\s+you)"
    r"(?:\s+(?:here|happen\s+to))?\s+(?:know|remember|have\s+(?:any\s+)?(?:idea|info))(?:\s+(?:of|about))?\b"
    r"|(?:anyone|anybody|someone|somebody)\s+(?:know|knows|remember)s?\b"
    r"|(?:anyone|anybody|someone|somebody|some1)(?:\s+(?:please|pls|plz|pl[sz]e))?\s+(?:tell|explain(?:\s+to)?|remind"
    r"|show|help)(?:\s+me)?(?:\s+(?:with|about|out))?\b"
    r"|(?:has|have)\s+(?:anyone|anybody|someone|somebody|any\s+of\s+you)\s+(?:figured|found|worked)\s+out\b"
    r"|(?:can|could|would|will)\s+(?:anyone|anybody|someone|somebody|you|u|y'?all)"
    r"(?:\s+(?:please|pls|plz|kindly|maybe))?\s+(?:tell|explain(?:\s+to)?|remind|show|help)(?:\s+me)?"
    r"(?:\s+(?:with|about|out))?\b"
    r"|(?:please|pls|plz|kindly)(?:\s+(?:tell|explain(?:\s+to)?|remind|show)(?:\s+me)?)?\b"
    r"|(?:tell|explain\s+to|remind|show|teach)\s+me\b"
    # "idk who else to ask so", "not sure where else to ask this, but", "not sure if this is the right channel"
    r"|(?:i\s+)?(?:idk|don'?t\s+know|didn'?t\s+know|not\s+sure|wasn'?t\s+sure|no\s+idea)\s+(?:who|where)"
    r"\s+(?:else\s+)?to\s+ask(?:\s+(?:this|about\s+this))?(?:\s+(?:so|but))?\b"
    r"|(?:i'?m\s+)?not\s+sure\s+(?:if|whether)\s+this\s+is\s+the\s+right\s+(?:place|channel|spot)(?:\s+to\s+ask)?"
    r"(?:\s+(?:but|so))?\b"
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
# Discord's custom emoji and shortcodes, and Unicode's; a chat message's words.
EMOJI = re.compile(r"<a?:\w+:\d+>|:[a-z_]+:|[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")
WORD = re.compile(r"[\w']+")


def _is_chat(clause: str) -> bool:
    words = WORD.findall(normalize(clause))
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
    for sentence in _SENTENCES.split(EMOJI.sub(" ", text).strip()):
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


# The articles named as the ones speaking: "what does the article say about Huawei?", "how many awards does the
# text say she won?". The member asks what the articles hold, and the articles do not hold "article" and "say":
# searched and judged with them, an answerable question was declined.
_SPEAKER = r"(?:articles?|pieces?|story|stories|posts?|authors?|writers?|texts?|passages?)"
_COLLECTION_SPEAKS = re.compile(
    rf"\b(?:the|this|that|these|those|your|an?|any|some)\s+{_SPEAKER}\s+(?:say|says|said|mentions?|mentioned|claims?"
    r"|claimed|writes?|wrote|states?|stated|tells?|told|thinks?|argues?|argued|reports?|reported)\b"
    # "according to the article, who ..."
    rf"|\b(?:according\s+to|going\s+by)\s+(?:the|this|that|these|those|your)\s+{_SPEAKER}\b,?", re.IGNORECASE)


def without_speaker(question: str) -> str:
    """`question` without the words naming the articles as its speaker ("what does the article say about
    Huawei?" -> "what does about Huawei?"), unchanged when nothing but common words would be left."""
    if not _COLLECTION_SPEAKS.search(question):
        return question
    rest = " ".join(_COLLECTION_SPEAKS.sub(" ", question).split())
    return rest if any(w not in ENGLISH for w in WORD.findall(normalize(rest))) else question


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


# A sentence after a question this short (in words) that asks nothing and names nothing is a remark on it.
_REMARK_WORDS = 12


def _is_remark(sentences: list[list[tuple[str, str]]], asking: int, n: int) -> bool:
    """Whether sentence `n` is a remark after the question of sentence `asking` ("What is X? it came up in
    class today"): the question ends in "?", and the sentence comes after it, asks nothing (no "?"), is
    short and names nothing (`_names`). Long questions go on in sentences that name their subject, keep
    asking ("Are they worth it?"), or are longer than a remark, and those stay."""
    question, whole = sentences[asking], " ".join(written for written, _ in sentences[n])
    return (n > asking and bool(question) and question[-1][0].rstrip().endswith("?")
            and not whole.rstrip().endswith("?") and len(WORD.findall(whole)) <= _REMARK_WORDS and not _names(whole))


def _around_asking(sentences: list[list[tuple[str, str]]]) -> list[list[str]]:
    """The clauses (as `(written, without opening)` pairs) without what speaks of the asker around the
    clause that asks, each without its opening.

    In "I was talking with a friend and we couldn't agree on where Dyrrachium was, any ideas? my teacher
    asked", the question starts at "where": before it, the clauses that speak of the asker
    (`_speaks_of_asker`, as written) or say nothing (`_says_nothing`) are dropped (in earlier sentences only
    short ones: "Hello, I hope this is the right channel."), and so are the words of its own clause before
    the question word that speak of the asker; after it, the short clauses that speak of the asker and hold
    no question word, and the remarks after a question mark (`_is_remark`). A message with no question word
    is left as it is.
    """
    place = next(((n, m) for n, clauses in enumerate(sentences) for m, (_, clause) in enumerate(clauses)
                  if _asking_start(clause) is not None), None)
    result: list[list[str]] = []
    for n, clauses in enumerate(sentences):
        kept = []
        for m, (written, clause) in enumerate(clauses):
            if place is None:
                pass
            elif ((n, m) < place and (n == place[0] or len(WORD.findall(written)) <= _ASIDE_WORDS)
                  and (_speaks_of_asker(written, _PREAMBLE) or _says_nothing(written))):
                continue
            elif (n, m) == place:
                start = _asking_start(clause) or 0
                if _speaks_of_asker(clause[:start], _PREAMBLE) and _own_words(clause[start:]) >= _QUESTION_WORDS_LEFT:
                    clause = clause[_after_asker(clause[:start]):]
            elif ((n, m) > place and _asking_start(written) is None
                  and ((len(WORD.findall(written)) <= _ASIDE_WORDS and _speaks_of_asker(written))
                       or _is_remark(sentences, place[0], n))):
                continue
            kept.append(clause)
        result.append(kept)
    return result


# Words before a question word name its subject when at least this many are neither common nor chat words.
_SUBJECT_WORDS = 3


def _after_asker(words: str) -> int:
    """Where the words before a question word stop speaking of the asker: after the last word that does, when
    what follows names the subject ("pls someone tell me | anarchists do not want to accept punishment for what
    reason"), else at the question word ("I was talking with a friend and we couldn't agree on | where ...")."""
    spoken = [found for found in _TOKEN.finditer(words) if normalize(found.group()) in _PREAMBLE | _CHAT_MARKERS]
    rest = spoken[-1].end() if spoken else 0
    return rest if _own_words(words[rest:]) >= _SUBJECT_WORDS else len(words)


# An aside glued to the end of a question holds at most this many words that are neither common nor chat words;
# more when it opens with the asker ("... i keep forgetting this every single time", "... my whole group chat is
# arguing about it"): a question goes on about its subject, not about the one asking it.
_TAIL_OWN_WORDS = 2
_ASKER_TAIL_OWN_WORDS = 4
# A sentence: up to a run of ?, ! or . that ends the text or is followed by a space, or up to a line break.
_SENTENCE = re.compile(r"(?:[^?!.\n]|[?!.]+(?=[^\s?!.]))+[?!.]*")
_CLAUSE = re.compile(r"[^,;:]+[,;:]*")


def set_aside(text: str) -> list[list[tuple[int, int]]]:
    """What of `text` may be chat around its question rather than the question: spans (start, end), in groups
    of alternatives, longest first, of which the caller sets aside the first that what answers the question
    lacks (`no_answer.judged_search`: a rule over words alone would cut "who did my cousin marry" short).

    Around the sentence that asks (`_where_asked`): each sentence before it that names nothing ("making a quiz
    for my server and want to double check."); its words before the question word, naming nothing ("alright
    nerds, | what did ..."); after the clause that asks, each clause or sentence that names nothing and asks
    nothing (", need it for a quiz tmrw"); and an aside glued to the end of that clause with no punctuation
    (`aside_tails`: "... is driving me nuts").
    """
    asked = _where_asked(text)
    if asked is None:
        return []
    groups = [[span] for span in asked.before]
    groups += [[span] for span in _clauses_before(text, asked)]
    if asked.opens is not None:
        clause = text[asked.opens:asked.clause_end]
        groups.append([(asked.opens + tail, asked.clause_end) for tail in aside_tails(clause)])
        groups.append(_rest_of_sentence(text, asked))
    groups += [[span] for span in asked.after]
    return [group for group in groups if group]


# A context around a question speaks of the asker or of asking ("making a quiz for my server", "watching a
# documentary and now wondering"); a long query's clauses without such a word are the query's own.
_CONTEXT_MARKERS = _ASKER | _CHAT_MARKERS


def context_spans(text: str) -> list[tuple[int, int]]:
    """What of `text` reads as context around its question, for ranking: each sentence before the sentence
    that asks, its clauses before the question word that end in ",", ";" or ":", and what follows the clause
    that asks, when they name nothing, ask nothing after it, and speak of the asker ("making a quiz for my
    server, | what year ..."). Narrower than `set_aside`: no glued tails, a run of words before the question
    word without punctuation is the question ("the anthem was sung by whom?"), and so is a long query's
    clause that speaks of no one ("What is information science? Give definitions where possible.")."""
    asked = _where_asked(text)
    if asked is None:
        return []
    before = [(start, end) for start, end in _clauses_before(text, asked) if text[start:end].rstrip()[-1:] in ",;:"]
    spans = asked.before + before + _rest_of_sentence(text, asked)[:1] + asked.after
    return [(start, end) for start, end in spans if _speaks_of_asker(text[start:end], _CONTEXT_MARKERS)]


@dataclass(frozen=True)
class _Asked:
    """Where a text asks: its sentence (start, end); where its question word opens what is asked and the end of
    that clause (None without one); the sentences before it naming nothing, and after it saying an aside."""

    sentence: tuple[int, int]
    opens: int | None
    clause_end: int
    before: list[tuple[int, int]]
    after: list[tuple[int, int]]


def _where_asked(text: str) -> _Asked | None:
    """The sentence that asks: the first with a question word that opens what is asked, or a "?"; in it, its
    first clause's such question word, else its first question word in lower case ("studying for the midterm
    when is ..."; "Doctor Who" is a name). None for a text without words."""
    sentences = [found.span() for found in _SENTENCE.finditer(text) if WORD.search(found.group())]
    if not sentences:
        return None
    asking = next((n for n, (start, end) in enumerate(sentences)
                   if _asking_start(text[start:end]) is not None or text[start:end].rstrip().endswith("?")), 0)
    start, end = sentences[asking]
    opens = next((clause.start() + found for clause in _CLAUSE.finditer(text[start:end])
                  if (found := _asking_start(clause.group())) is not None),
                 next((found.start() for found in _ASKING.finditer(text[start:end]) if found.group().islower()), None))
    if opens is not None:
        opens += start
    return _Asked(sentences[asking], opens, _CLAUSE_REST.match(text, opens).end() if opens is not None else end,
                  [span for span in sentences[:asking] if not _names(text[span[0]:span[1]])],
                  [span for span in sentences[asking + 1:] if _says_aside(text[span[0]:span[1]])])


def sentences_of_the_asker(text: str) -> list[tuple[int, int]]:
    """The sentences of `text` besides the one that asks (`_where_asked`) that speak of the asker or of chatting
    (a word of `_CONTEXT_MARKERS`), whether or not they name something: "brain is fried after a 12 hour shift so
    bear with me.", "our group chat is split 50/50 on this one." (spans)."""
    asked = _where_asked(text)
    if asked is None:
        return []
    return [found.span() for found in _SENTENCE.finditer(text)
            if found.span() != asked.sentence
            and any(w in _CONTEXT_MARKERS for w in _TOKEN.findall(normalize(found.group())))]


def _clauses_before(text: str, asked: _Asked) -> list[tuple[int, int]]:
    """The clauses of the asking sentence before its question word that name nothing."""
    start = asked.sentence[0]
    return [(start + found.start(), start + found.end()) for found in _CLAUSE.finditer(text[start:asked.opens or start])
            if WORD.search(found.group()) and not _names(found.group())]


def _rest_of_sentence(text: str, asked: _Asked) -> list[tuple[int, int]]:
    """What follows the clause that asks to the end of its sentence, from each of its clauses that may be an
    aside on (longest first); [] without a question word."""
    if asked.opens is None:
        return []
    end = asked.sentence[1]
    return [(asked.clause_end + found.start(), end) for found in _CLAUSE.finditer(text[asked.clause_end:end])
            if _says_aside(text[asked.clause_end + found.start():end])]


def _says_aside(words: str) -> bool:
    """Whether `words` after a question may be a remark on it: they name nothing and ask nothing."""
    return bool(WORD.search(words)) and not _names(words) and "?" not in words and _asking_start(words) is None


def aside_tails(text: str) -> list[int]:
    """Where a run of words ending `text` may be an aside glued to the question with no punctuation ("... is
    driving me nuts", "... real quick", "... or am I misremembering"), longest first: at most `_ASIDE_WORDS`
    words, naming nothing (`_names`), holding a chat marker or only common and chat words, with at most
    `_TAIL_OWN_WORDS` of its own, and leaving a question of two words of its own at least."""
    tokens = list(_TOKEN.finditer(text))
    starts = []
    for token in tokens[max(1, len(tokens) - _ASIDE_WORDS):]:
        tail, words = text[token.start():], _TOKEN.findall(normalize(text[token.start():]))
        # Mid-message, a capitalized first word names something too ("... someone in Paris told me").
        names = _names(tail) or (tail[0].isupper() and token.group().casefold() not in _ASKER)
        own = _ASKER_TAIL_OWN_WORDS if words[0] in _ASKER else _TAIL_OWN_WORDS
        if (_own_words(text[:token.start()]) >= _QUESTION_WORDS_LEFT and not names and _own_words(tail) <= own
                and (any(w in _CHAT_MARKERS for w in words) or all(w in ENGLISH or w in _CHAT_WORDS for w in words))):
            starts.append(token.start())
    return starts
