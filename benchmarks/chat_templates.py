"""The chat wrappers of the chat-style benchmark (`benchmarks.chat`): openers, lead-ins, frames and closers,
dealt into a tuning half and a held-out half, a fresh set (`chat_templates_fresh`) that nobody tuned on or
looked at, and a development set (`chat_templates_dev`), written blind too, whose failures may be looked at.
"""

from __future__ import annotations

from collections.abc import Sequence

from .chat_templates_dev import DEV_ASKING, DEV_CLOSERS, DEV_FRAMES, DEV_OPENERS, DEV_TELLING
from .chat_templates_fresh import FRESH_ASKING, FRESH_CLOSERS, FRESH_FRAMES, FRESH_OPENERS, FRESH_TELLING

# Written for this benchmark from how people write in Discord servers. Each pool lists phrasings of one
# kind, neighbours alike; `_halves` deals them alternately to the tuning and the held-out half, so both
# halves get every theme and no phrasing is in both.
#
# Placeholders: {Q} the question as asked (its first letter as written), {q} the question running on in
# the sentence (a leading function word lower-cased: "which NFL team ..."). A question ending the template
# keeps its "?" (or loses it, by chance); one in the middle of a frame loses it.

# Openers that fit any question or statement: greetings, "quick question", "I'm new here", ...
OPENERS = (
    "hey everyone! {Q}", "hi all, {q}",
    "Hello! {Q}", "hey guys {q}",
    "yo, {q}", "Hi there :) {Q}",
    "morning all! {Q}", "hey folks, {q}",
    "hiya, {q}", "Good evening everyone. {Q}",
    "heyy {q}", "hello hello! {Q}",
    "hi everyone\n{Q}", "hey all\n\n{Q}",
    "quick question: {q}", "Quick q - {q}",
    "random question but {q}", "Small question. {Q}",
    "dumb question maybe, but {q}", "ok this might be a silly question but {q}",
    "question for the group: {q}", "Sorry if this was asked before, {q}",
    "probably a stupid question lol but {q}", "Noob question: {q}",
    "I'm new here and I'm trying to learn about this stuff, {q}", "hi, new member here! {Q}",
    "first time posting here, {q}", "I just joined the server, {q}",
    "newbie here, {q}", "Hey all, I'm new to this topic so bear with me. {Q}",
    "ok so {q}", "So, {q}",
    "hmm {q}", "ok real talk, {q}",
    "need help: {q}", "help pls, {q}",
    "for my homework, {q}", "Settling an argument with a friend: {q}",
    "my teacher asked us this and I'm stuck, {q}", "I tried googling but couldn't find it, {q}",
)

# Lead-ins that make an asked question indirect: "does anyone know which NFL team ...".
ASKING = (
    "does anyone know {q}", "Does anybody here know {q}",
    "anyone know {q}", "do you guys know {q}",
    "can someone tell me {q}", "Could somebody please tell me {q}",
    "can anyone explain {q}", "could someone help me out, {q}",
    "any idea {q}", "Any ideas on {q}",
    "so I was wondering {q}", "I was just wondering, {q}",
    "I've been wondering {q}", "I'm curious, {q}",
    "just curious, {q}", "I wanted to ask, {q}",
    "I need to know {q}", "can I ask, {q}",
    "Does someone remember {q}", "would anyone happen to know {q}",
)

# Lead-ins for a claim or a topic rather than a question (SciFact's claims, NPL's and NFCorpus's topics).
TELLING = (
    "is it true that {q}", "I heard that {q}, is that right",
    "anyone know anything about {q}", "looking for info on {q}",
    "I keep reading that {q}. true", "someone told me {q}, can anyone confirm",
    "what do you all know about {q}", "any articles about {q}",
    "does anyone have stuff on {q}", "I read that {q} - legit",
    "trying to learn about {q}", "need something on {q} pls",
)

# Whole frames with the question in the middle of the sentence.
FRAMES = (
    "hey, so what I want to know is {q}, if anyone knows",
    "so basically my question is {q} because I couldn't find it anywhere",
    "ok I have been trying to figure out {q} for a while now",
    "does anyone here know {q} or is that not covered",
    "I read something about it but can someone tell me {q} in simple terms?",
    "so like {q} or am I misremembering",
    "quick one, {q} - asked in another channel but got no answer",
    "hi, I need to find out {q} for a project, can anyone help?",
    "I was talking with a friend and we couldn't agree on {q}, any ideas?",
    "wait, {q}? I always thought I knew this",
    "so {q}, does anyone have a source?",
    "yo can anyone tell me {q} real quick",
    "genuinely curious {q} lol",
    "I've looked everywhere but {q} is driving me nuts",
    "has anyone figured out {q} yet?",
    "hey so my cousin asked me {q} and I had no clue",
)

# Closers, appended after the question.
CLOSERS = (
    "thanks in advance", "Thanks in advance!",
    "thanks so much!", "thx",
    "ty!", "thank you!!",
    "cheers", "appreciate it 🙏",
    "someone mentioned it", "someone mentioned it earlier",
    "I keep hearing about it", "my friend brought it up",
    "saw it on twitter", "it came up in class today",
    "lol", "lmao",
    "haha", "😂",
    "anyone?", "anybody?",
    "any help appreciated", "any help would be great",
    "🙏", "🤔",
    "😅", ":)",
    "🙂", "pls",
    "please and thank you", "just curious",
    "no rush", "idk where else to ask",
    "sorry if this is a dumb question", "if anyone knows",
    "asking for a friend", "Thanks!!",
    "tia", "been bugging me all day",
)


def _halves(pool: Sequence[str]) -> dict[str, tuple[str, ...]]:
    return {"tuning": tuple(pool[0::2]), "held-out": tuple(pool[1::2])}


# "tuning" and "held-out" deal the pools above; "fresh" is `chat_templates_fresh`, written blind later because
# the held-out half had been looked at while the filler rules were written (see benchmarks/README.md), and
# "dev" `chat_templates_dev`, written blind after that to work from, so that "fresh" need never be looked at.
TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    kind: _halves(pool) | {"fresh": fresh, "dev": dev} for kind, pool, fresh, dev in (
        ("openers", OPENERS, FRESH_OPENERS, DEV_OPENERS), ("asking", ASKING, FRESH_ASKING, DEV_ASKING),
        ("telling", TELLING, FRESH_TELLING, DEV_TELLING), ("frames", FRAMES, FRESH_FRAMES, DEV_FRAMES),
        ("closers", CLOSERS, FRESH_CLOSERS, DEV_CLOSERS))
}
