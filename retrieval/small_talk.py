"""Small talk: a message that greets, thanks or asks how to use the bot, and asks nothing of the articles.

Read by its words, not by whole phrases: a message is small talk when every word is a greeting, thanks or
praise word, or one of the few words said around them ("thanks a ton mate", "hello, is this thing on?",
"wow that was quick, thanks"), and at least one greets or thanks. Asking for help is a question about the
bot itself: a help word ("help", "commands", "guide"), or the bot, "you" or "this" asked what it is, does
or is for, or how it is used, with nothing else named ("how does this bot work", "what are you able to do?").
"""

from __future__ import annotations

import re
from typing import Literal

from .analyzer import normalize

SmallTalk = Literal["greeting", "thanks", "help"]

_GREETING = frozenset(
    "hi hii hiii hey heya heyy heyyy hiya hello helo hallo hullo howdy yo oi greetings sup wassup gm morning evening "
    "afternoon hola salut bonjour ciao namaste aloha o/ wave g'day gday ello".split())
_THANKS = frozenset(
    "thanks thank thanx thx ty tysm tyvm ta cheers appreciated appreciate appreciation grateful kudos legend hero "
    "great awesome perfect nice cool brilliant amazing excellent wonderful fantastic superb sweet neat lovely love "
    "helpful helps helped useful gj wow wicked dope fire goat goated best lifesaver danke merci gracias grazie "
    "obrigado arigato".split())
# Said around a greeting or thanks, asking nothing: "hey everyone, anyone home?", "you're the best, cheers".
_AROUND = frozenset(
    "a an the so much very many lots lot ton tons bunch again too really truly as always indeed just "
    "you u ya ye yall y'all you're ur youre your it it's its that that's this these is was are were be been "
    "i i'm im me my we us our all everyone everybody anyone anybody folks guys people team friends friend fam "
    "there here home mate man dude bro buddy pal bot sir madam mister boss chief good day nice to meet "
    "well done job answer answers reply info information help quick fast exactly what needed wanted "
    "one thing on how doing going things today tonight whats what's up new oh ok okay okey alright right yes "
    "yeah yep yup lol haha hehe :) ! and for with of kind sweet big huge ah rock rocks partner around working".split())
_HELP_WORDS = frozenset("help helps halp commands command usage instructions guide tutorial manual docs faq "
                        "features tips example examples syntax rules guidelines sos".split())
# About the bot: "what are you for?", "how does this bot work", "what kind of questions can i ask".
_ABOUT_THE_BOT = re.compile(
    r"\b(?:you|u|your|yourself|this\s+bot|the\s+bot|this\s+thing|this)\b"
    r"|\b(?:what|which)\s+(?:kind\s+of\s+|sort\s+of\s+|type\s+of\s+)?questions?\b"
    r"|\b(?:how|what)\s+(?:do|should|can|am)\s+i(?:\s+supposed\s+to)?\s+(?:ask|phrase|search|use|start|begin"
    r"|get\s+started|get\s+(?:an?\s+)?answers?|talk|type|say|write|do)"
    r"|^where\s+(?:do|should|can)\s+i\s+(?:start|begin)|^how\s+to\s+(?:use|ask|talk|start)|^how\s+work\b")
_BOT_ASKING = re.compile(
    r"^(?:what|what's|whats|how|who|which|where|any|anything|are\s+there|are\s+(?:you|u)|can|could|help|explain|tell"
    r"|need|i'?m\s+new|im\s+new)\b")
# Words that may come in a question about the bot without naming a subject of the articles.
_ABOUT_THE_BOT_WORDS = frozenset(
    "what how who which is are was do does can could should would will you u your yours yourself this bot the "
    "thing work works working use using used for able to capable of purpose features feature questions question "
    "ask asking kind sort type do get an answer answers i me type phrase search with started start "
    "talk any tips explain lol please pls plz need new i'm im there commands command anything know before "
    "help a should on it what's whats something purpose say write your made built created developed out here "
    "human real ai robot person alive does exactly function deal get answers supposed begin where one used be "
    "give am"
    .split())
_WORD = re.compile(r"o/|[a-z0-9']+")
# Greetings of more than one word, read as one greeting word.
_GREETING_PHRASES = re.compile(
    r"\b(?:what'?s\s+(?:up|good)"
    r"|how\s+(?:are|r)\s+(?:you|u|ya|things)(?!\s+(?:supposed|meant|able|used))(?:\s+(?:doing|today))?"
    r"|how'?s\s+it\s+going|how\s+is\s+it\s+going|nice\s+to\s+meet\s+(?:you|u)|is\s+(?:this|it)\s+(?:thing\s+)?on"
    r"|good\s+(?:day|morning|afternoon|evening|night)|long\s+time\s+no\s+see)\b")
# Praise of more than one word, read as thanks: "good bot", "well done", "exactly what I needed".
_PRAISE_PHRASES = re.compile(
    r"\b(?:good\s+(?:bot|job|work|answer|stuff|one)|well\s+done|nice\s+(?:one|job|work)"
    r"|(?:exactly|just)\s+what\s+i\s+(?:needed|wanted|was\s+looking\s+for)"
    # Acknowledgments: "got it", "makes sense", "gotcha" (answered as thanks are).
    r"|got\s+it|gotcha|(?<!what\s)(?:that\s+)?makes\s+sense|understood|i\s+see)\b")


def small_talk(text: str) -> SmallTalk | None:
    """Whether `text` greets, thanks or asks for help, and asks nothing of the articles."""
    said = _GREETING_PHRASES.sub(" hey ", _PRAISE_PHRASES.sub(" thanks ", normalize(text).replace("\u2019", "'")))
    words = _WORD.findall(said)
    if not words:
        return "help" if set(said.strip()) == {"?"} else None  # a bare "?" asks how to ask
    if any(w in _HELP_WORDS for w in words) and all(w in _HELP_WORDS or w in _AROUND or w in _ABOUT_THE_BOT_WORDS
                                                   for w in words):
        return "help"
    if (_ABOUT_THE_BOT.search(said) and _BOT_ASKING.match(" ".join(words))
            and all(w in _ABOUT_THE_BOT_WORDS for w in words)):
        return "help"
    if all(w in _GREETING or w in _THANKS or w in _AROUND for w in words):
        if any(w in _THANKS for w in words):
            return "thanks"
        if any(w in _GREETING for w in words):
            return "greeting"
    return None
