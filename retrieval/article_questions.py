"""Questions about the articles themselves, read by their cue words rather than by whole phrasings.

Members ask who wrote a piece, when it came out, for its link or its gist in endless ways ("whose byline is
on the Sudan report?", "when did the Sudan post drop", "gist of the Hamdok thing?"). A question is read as
one about an article when it refers to an article (an article word such as "piece" or "story", "the X one",
"that thing about X", or, in a reply under an answer, "it" / "this" / nothing at all) and holds a cue word of
one fact: authors ("wrote", "byline", "journalist"), date ("published", "dated", "how old"), link ("link",
"source", "where ... from") or what it is about ("gist", "summary", "what's X about"). What is left once
the frame words are set aside (`_FRAME`) names the article: its subject. Questions about the collection are
read the same way: which articles mention a subject, what an author has written (a name before "wrote" or
after "by" / "from"; the library checks that an author has that name), what articles there are.

The cue words never decide alone: "who wrote the Declaration of Independence?" refers to no article, and a
capitalized article word is part of a name ("the Drudge Report"); those stay questions for the passages.
"""

from __future__ import annotations

import re

from .stopwords import ENGLISH

_ARTICLE_NOUN = r"(?:article|articles|piece|pieces|story|stories|post|posts|report|reports|op-?eds?|essay|essays" \
                r"|write-?ups?)"
# Which articles mention a subject (with no fact asked of one article).
# Not "a piece of silver", not "Article 34".
_ARTICLE = re.compile(rf"\b{_ARTICLE_NOUN}\b(?!\s+of\s+(?!the\b|this\b|that\b)|\s+\d)")
_DETERMINER = frozenset("the a an this that these those any which what your its his her their some no other every "
                        "each all".split())
_AUXILIARY = frozenset("did does do will would can could should".split())
_ALSO_VERBS = frozenset("report reports post posts".split())


def _article_words(plain: str) -> list[re.Match[str]]:
    """The article words of `plain` used as nouns: "what did Kommersant report about ..." uses a verb (an auxiliary
    comes first, and no determiner since)."""
    found = []
    for match in _ARTICLE.finditer(plain):
        before = plain[:match.start()].split()[-4:]
        after_auxiliary = next((n for n in range(len(before) - 1, -1, -1) if before[n] in _AUXILIARY), None)
        since = before[after_auxiliary + 1:] if after_auxiliary is not None else []
        # Of the article words only "report" and "post" are verbs too: "did the study report" is one, "did the
        # Sudan piece" is not.
        determined = since[-1:] if match.group() in _ALSO_VERBS else since
        if after_auxiliary is None or any(w in _DETERMINER or w.endswith("'s") for w in determined):
            found.append(match)
    return found


# Who wrote it; when it was published; its link or source; what it is about.
_AUTHORS = re.compile(
    r"\b(?:authors?|writers?|bylines?|journalists?|reporters?|columnists?|correspondents?|credited|wrote|write|writes"
    r"|written\s+by|penned|authored|whose|by\s+whom|behind|responsible\s+for)\b|\bwho(?:'s|\s+is|\s+was)?\s+.*\bby$"
    r"|^who(?:'s|\s+\w+)?\s+(?:did|does|made)\b")
_DATE = re.compile(
    r"\b(?:date|dated|dates|timestamp|published|publish|publication\s+date|pub\s+date|posted|released|release\s+date"
    r"|come\s+out|came\s+out|go\s+(?:up|out)|went\s+(?:up|out)|put\s+out|run|ran|drop|dropped|recent|recently"
    r"|how\s+(?:old|new|recent|long\s+ago)|how\s+old'?s|old\b.*\bnew|new\b.*\bold|old\s+news|up\s+to\s+date"
    r"|(?:what|which)\s+(?:year|month|day)|from\s+when|this\s+year|last\s+year|how\s+current|outdated)\b"
    r"|\bwhen(?:'s|\s+is|\s+was|\s+were|\s+did)?\b.*\b(?:from|written|write|wrote|out|up|publish\w*|posted"
    r"|released)\b"
    # A bare "when was this?" or "when did that happen?" in a reply: the article's date is what it can tell.
    r"|^when(?:'s|\s+is|\s+was|\s+were)\s+(?:this|that|it)$|^when\s+did\s+(?:this|that|it)\s+(?:happen|occur)$")
_LINK = re.compile(
    r"\b(?:links?|hyperlinks?|urls?|online|sources?|sauce|outlet|website|site|magazine|newspaper|paper"
    r"|(?<!date\sof\s)publication(?!\s+date)|citation|cite"
    r"|originally|original)\b|\bwhere\b.*\b(?:from|publish\w*|read|find|see|online|posted|appeared?|ran|run)\b"
    rf"|\bwhere\b.*\b{_ARTICLE_NOUN}\b|\b{_ARTICLE_NOUN}\b.*\bwhere$"
    r"|\bwhere'?d\s+(?:you|u)\s+get|^where'?s\s+(?:the|this|that|it)\b")
_ABOUT = re.compile(
    r"\b(?:summary|summari[sz]e|summed|sum\s+(?:(?:it|this|that)\s+)?up|recap|gist|tl;?\s?dr|too\s+long|overview"
    r"|takeaways?|thesis|angle"
    r"|main\s+(?:point|argument|idea|message)|point|argue|argues|argument|nutshell|describe|explain|break\s+down"
    r"|short\s+version|trying\s+to\s+say|saying|discussed|main\s+idea|brief\s+me|in\s+(?:short|brief))\b"
    r"|\babout(?:\s+(?:actually|mostly|really|exactly|in\s+a\s+nutshell|briefly))?$|^what\s+does\s+.+\bsay$"
    # "what does the article about Sudan cover?", "what's in the Sudan piece?", "(tell me) about the Sudan article"
    r"|^what\s+(?:does|do|did)\s+.+\b(?:cover|discuss|deal\s+with|talk\s+about)$"
    r"|^what(?:'s|\s+is)\s+in\s+(?:the|this|that)\b"
    r"|^about\s+(?:the|this|that)\s+(?:[\w'-]+\s+){0,4}?(?:article|piece|story|post|report|op-?ed|essay|write-?up)$")
_MENTIONS = re.compile(
    r"\b(?:mention|mentions|mentioned|mentioning|cover|covers|covered|covering|coverage|discuss|discusses"
    r"|discussing|reference|references|referencing|talks?\s+about|talking\s+about|deals?\s+with|dealing\s+with"
    r"|come\s+up|came\s+up|reporting\s+on|refers?\s+to"
    r"|(?:written|wrote|published|posted|reported)\s+(?:about|on|anything\s+on)"
    r"|looking\s+for|search(?:\s+for)?|find\s+me)\b")
# "anything on X", "articles about X", "what do you have on X", "any coverage of X": whatever there is on a subject.
_SOMETHING_ON = re.compile(
    r"\b(?:(?:anything|something|stuff)\s+(?:\w+\s+)?|(?:written|sources|(?:do|did)\s+(?:you|u|we)\s+have"
    r"|(?:you|u)\s+got|have\s+(?:you|u)\s+got)\s+)"
    r"(?:about|on|regarding|concerning)\s+\S"
    r"|\b(?:coverage|news|info|reporting)\s+(?:\w+\s+){0,2}?(?:about|on|of|regarding)\s+\S"
    rf"|\b{_ARTICLE_NOUN}\s+(?:about|on|regarding|concerning)\s+\S"
    rf"|^[\w' -]+?\s+{_ARTICLE_NOUN}$")
# What an author has written: the name followed by a verb of writing or a work ("what has X written", "X's
# other stories", "anything else X wrote"), or after "by" / "from" ("articles by X").
_AFTER_NAME = re.compile(
    r"^(?:'s\s+(?:\w+\s+)?(?:articles|pieces|stories|posts|work|byline|piece|stuff|writing)|\s+(?:has\s+|have\s+|had\s+"
    r"|'s\s+|is\s+)?(?:(?:got\s+)?(?:any\s+)?(?:other|more)\s+|any\s+)?"
    r"(?:written|wrote|write|writes|publish|publishes|published|reported|covered|authored|contributed|an?\s+author"
    r"|articles|pieces"
    r"|stories|posts|byline)\b)")
_BEFORE_NAME = re.compile(r"\b(?:by|from|(?:want|like|love)\s+to\s+read(?:\s+more)?)\s+$")
_CATALOGUE = re.compile(
    r"\b(?:articles?|stories|pieces|posts|titles|publications|topics|subjects|sources|content|collection|library"
    r"|archive"
    r"|database|catalog(?:ue)?|index|indexed|news|everything|available|table\s+of\s+contents|in\s+stock|stuff|browse"
    r"|what\s+do\s+(?:you|u)\s+(?:have|know)|what\s+(?:have\s+you|you|u)\s+(?:have\s+)?got|(?:you|u)\s+have\s+got"
    r"|what\s+(?:can|could)\s+i\s+read|in\s+here|what'?s\s+new|what\s+is\s+new|list|(?:there|here)\s+to\s+read)\b")
# The whole question asks what the collection holds, in words that would otherwise read as its subject ("ask",
# "trained", "offer"): "what can I ask about?", "what are you trained on?", "what's on offer?", "what do you cover?"
_WHOLE_CATALOGUE = re.compile(
    r"^(?:what|which\s+(?:things|topics|subjects))\s+(?:can|could|should|may)\s+i\s+ask(?:\s+(?:you|u))?"
    r"\s+(?:about|on)$|^what\s+(?:are|were)\s+(?:you|u)\s+(?:trained|built|based)\s+on$"
    r"|^what(?:'?s|\s+is)\s+on\s+offer$|^what\s+(?:do|can)\s+(?:you|u)\s+(?:cover|talk\s+about)$")

# "that thing about X", "the Sudan one", "this one": an article without an article word.
_ARTICLE_LIKE = re.compile(r"\b(?:that|this)\s+(?:[\w'-]+\s+){0,4}?thing\b"
                           r"|\b(?:the|that|this)\s+(?:[\w'-]+\s+){0,4}?(?:one|thing)"
                           r"(?=\s+(?:about|on|from|by|you|again)\b|$)")
_PRONOUN = re.compile(r"\b(?:it|its|this|that|dis|these|those|you\s+quoted|above|here)\b")

# Words that frame a question about articles rather than name one: set aside to find the subject.
_FRAME = ENGLISH | frozenset(
    """
    who's what's when's where's whats whos wheres whens how's hows whose whom r u ur ya pls please plz lol lmao
    hey hi yo bot thanks thx ty quick q question wait ok okay actually exactly mostly really just even tho though
    somewhere anywhere anything something stuff anyone anybody someone somebody know tell need want like looking
    look find show give gimme get got send share provide drop point pull search can could would will may might
    must name idea kind sort type main key brief briefly short full whole entire original originally first latest
    newest recent recently other else more rest list all every thing one ones lines line sentences sentence words
    word few couple version simple terms nutshell summary summarize summarise summed sum recap gist tl dr tl;dr
    tldr overview takeaway takeaways thesis angle argument argue argues point idea describe explain break saying
    say says said discussed trying message article articles piece pieces story stories post posts report reports
    op-ed op-eds oped essay essays column columns write-up writeup write-ups coverage reporting author authors
    writer writers byline bylines journalist journalists reporter reporters columnist correspondent credited
    credit wrote write writes written writing penned authored contributed contribute behind responsible date dated
    dates timestamp published publish publication pub posted released release come came run ran dropped go went put
    old new current outdated
    recent ago year month day week link links url urls source sources outlet site website magazine newspaper
    paper citation cite mention mentions mentioned mentioning cover covers covered covering discuss discusses
    discussing reference references referencing talk talks talking deal deals dealing reported anywhere
    collection library archive database catalogue catalog index indexed titles topics subjects content news
    available everything access read reading see pls appear appeared also mate dude bro man many much lately
    work works here refer refers referring quoted answer total enumerate scope big size stock contents table
    publications online hyperlink text long didn't sauce web browse
    """.split()
)
_CONNECTOR = frozenset("and of in on the & 's for".split())
_TOKEN = re.compile(r"[\w'&;-]+")


def subject_of(plain: str) -> str:
    """The words of a question about articles that name its article, subject or author ("" when none do):
    from the first word not framing the question to the last, in `plain`'s words."""
    words = [w.strip("'-") for w in _TOKEN.findall(plain)]
    bare = [w.removesuffix("'s") for w in words]
    named = [n for n, w in enumerate(bare) if w and w not in _FRAME and not w.isdigit()]
    if not named:
        return ""
    span = range(named[0], named[-1] + 1)
    # The span where only connectors come between the named words ("Russia and China"), else the named words
    # alone ("what's the story about Kommersant actually about" names "Kommersant").
    if all(n in named or words[n] in _CONNECTOR for n in span):
        return " ".join(words[n] for n in span).removesuffix("'s")
    return " ".join(bare[n] for n in named)


def _refers_to_article(plain: str, typed: str) -> bool:
    """Whether the question names an article with an article word that is not part of a name ("the Drudge
    Report"), or as "the X one" / "that thing about X"."""
    for found in _article_words(plain):
        written = re.search(rf"\b{re.escape(found.group())}\b", typed, re.IGNORECASE)
        if written is None or not written.group()[0].isupper() or written.start() == 0:
            return True
    return bool(_ARTICLE_LIKE.search(plain))


def read(plain: str, typed: str, replying: bool) -> tuple[str, str, str, str] | None:
    """(kind, fact, subject, otherwise) of a question about the articles, or None when it asks the passages;
    `otherwise` is the fact to answer when no author has the name a "by_author" question names.

    `plain` is the question lower-cased with its chat stripped, `typed` as written; `replying` whether it
    replies to one of the bot's answers (whose article "it" and "this" then are).
    """
    if len(plain.split()) > LONGEST:
        return None
    subject = subject_of(plain)
    refers = _refers_to_article(plain, typed)
    # In a reply, "who's this by?" and "date?" ask about the article replied to.
    replied = replying and (not subject or bool(_PRONOUN.search(plain)) and len(subject.split()) <= 1)
    # "who wrote it?" with no answer replied to still asks about an article: the library asks which one.
    replied = replied or not subject and bool(_PRONOUN.search(plain))
    if not replying and _WHOLE_CATALOGUE.match(plain):
        return "articles", "catalogue", "", ""
    if not subject and not replying and _CATALOGUE.search(plain) and re.search(r"\b(?:articles|pieces|stories|posts)\b",
                                                                              plain):
        return "articles", "catalogue", "", ""
    facts = ("link", _LINK), ("date", _DATE), ("by_author", None), ("authors", _AUTHORS), ("about", _ABOUT)
    for fact, cue in facts if refers or replied else (("by_author", None),):
        if fact == "by_author":
            if subject and _names_an_author(plain, subject) and _reads_as_a_name(subject, typed):
                # "Sudan articles?" reads both ways: the library lists what mentions it when no author has the name.
                return "articles", "by_author", subject, "mentions" if _asks_for_mentions(plain, refers) else ""
            continue
        if fact == "link" and _MENTIONS.search(plain) and not re.search(r"\b(?:links?|urls?|sources?)\b", plain):
            continue  # "where is X mentioned?"
        if cue.search(plain):
            if fact == "about" and _ASKS_FOR_A_THING.search(plain):
                continue  # "what era did Tesla's article talk about?" asks for an era
            if refers and subject and _MENTIONS.search(plain) and fact == "about" and _plural(plain):
                break  # "what articles discuss X" lists them
            return "article", fact, "" if replied and not refers else subject, ""
    if subject and _asks_for_mentions(plain, refers):
        return "articles", "mentions", subject, ""
    if not subject and _CATALOGUE.search(plain) and not replying:
        return "articles", "catalogue", "", ""
    return None


def _asks_for_mentions(plain: str, refers: bool) -> bool:
    """Whether the question asks for the articles on a subject, not for a person, time or thing they hold ("who
    handled the coverage?", "what area did the broadcast cover?", "what did Kommersant report about ...?"), nor
    wraps a question ("any articles about who won the cup?" asks who won it)."""
    if _ASKS_FOR_ANOTHER.match(plain) or (not refers and _ARTICLE.search(plain) and not _MENTIONS.search(plain)):
        return False
    if _WRAPS_A_QUESTION.search(plain):
        return False
    return bool(_MENTIONS.search(plain) or _SOMETHING_ON.search(plain)) and (refers or _asks_for_any(plain))


# "what era did ...", "which year was ...": a question word asking for a kind of thing, then its verb.
_ASKS_FOR_A_THING = re.compile(
    rf"\b(?:what|which)\s+(?!{_ARTICLE_NOUN}\b)\w+\s+(?:did|does|do|is|was|were|are|has|have|had)\b")
_WRAPS_A_QUESTION = re.compile(
    r"\b(?:about|on|regarding|concerning|of|for|mention(?:s|ing)?|covers?|covering)\s+(?:who|whom|whose|what|when|where"
    r"|why|how|which|is|are|was|were|did|does|do|can|could|has|have|had)\b")
# "how many articles mention X", "how many times is X mentioned": a count of the articles; "how many acres does
# the park cover?" asks for another number.
_HOW_MANY_ARTICLES = rf"\s+many\s+(?:{_ARTICLE_NOUN}|times)\b"
_ASKS_FOR_ANOTHER = re.compile(
    rf"^(?:.*\s)?(?:who|whom|whose|when|why|how(?!{_HOW_MANY_ARTICLES})"
    rf"|what\s+(?:is|are|was|were)\s+(?:the|an?)\s+(?!{_ARTICLE_NOUN}\b"
    rf"|coverage\b|news\b|latest\b|newest\b)|(?:what|which)\s+(?!{_ARTICLE_NOUN}\b|do\b|does\b|did\b|is\b"
    r"|are\b|was\b|were\b|has\b|have\b|had\b|can\b|could\b|would\b|will\b|else\b|other\b|kind\b|sort\b|type\b"
    r"|news\b|coverage\b|sources\b)\w+"
    # "what did Luther have to deal with?" asks what Luther dealt with; "what do you have on X?", "what does the
    # library cover?" ask for articles.
    rf"|what\s+(?:do|does|did)\s+(?!(?:you|u|we|y'?all|anyone|anybody|someone|somebody|people|readers"
    rf"|(?:the|your|this|that)\s+(?:library|bot|collection|archive|{_ARTICLE_NOUN}))\b|{_ARTICLE_NOUN}\b)\w+)\b")


# Questions about the articles are short (the longest of 4,000 written blind, with a four-word subject, has 14
# words once its chat is stripped); a longer text with such words is a query for the passages (CISI's
# abstract-like queries: "This article concerns the problem of ...").
LONGEST = 25


def _names_an_author(plain: str, subject: str) -> bool:
    """Whether `subject` stands where a question names an author: before a verb of writing or "'s articles", or
    after "by" / "from"."""
    found = plain.find(subject.lower())
    if found < 0:
        return False
    return bool(_AFTER_NAME.match(plain[found + len(subject):]) or _BEFORE_NAME.search(plain[:found]))


def _reads_as_a_name(subject: str, typed: str) -> bool:
    """Whether `subject` could hold a person's name as typed: a few words, most capitalized where the member
    capitalizes at all ("Elena Chernenko", or "elena chernenko" in an all-lower-case message): a sentence fragment
    ("what about the work written by the committee") is not looked up among the authors."""
    words = subject.split()
    if len(words) > 4:
        return False
    if typed[1:] == typed[1:].lower():
        return True
    found = re.search(r"\W+".join(map(re.escape, words)), typed, re.IGNORECASE)
    named = [w for w in found.group().split() if w.lower() not in _CONNECTOR] if found else []
    return 2 * sum(w[:1].isupper() for w in named) >= len(named) > 0  # "liked Elena Chernenko" holds a name


def _plural(plain: str) -> bool:
    """Whether the question asks for articles, not about one: "what articles discuss X", "which piece covers X",
    "any stories on X", but not "what is the Sudan article talking about"."""
    return bool(re.search(rf"\b(?:articles|pieces|stories|posts|reports|any)\b|\b(?:which|what)\s+(?:[\w'-]+\s+)?"
                          rf"{_ARTICLE_NOUN}\b|^which\b", plain))


def _asks_for_any(plain: str) -> bool:
    """Whether the question asks for whatever there is ("has anyone written about X", "anything on X")."""
    return bool(re.search(r"\b(?:any|anything|something|anyone|anybody|stuff|search|find|looking|have|got|need"
                          rf"|how{_HOW_MANY_ARTICLES}|where|anywhere|somewhere|been|is\s+there|are\s+there)\b", plain))
