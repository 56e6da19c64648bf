"""British spellings read as American ones ("organisation" as "organization", "colour" as "color"), so that a
member who writes either finds an article that uses the other. Snowball stems each spelling apart
("criticised" -> "criticis", "criticized" -> "critic"); analyzed as the American spelling, when stemming English.

The rules take only the regular differences: -ise/-yse verbs and their forms (but not words that are -ise in
American English too: "advertise", "revise", whose nouns "revision" stem apart), a list of -our words, -re words
and -ogue/-ence nouns, and a few words spelled apart ("programme", "grey", "aluminium"). A word two spellings
share stays as written.
"""

from __future__ import annotations

import re

# -ise/-ised/-ising/-isation ... and -yse/-ysed ... ("realise", "organisation", "analysed").
_ISE = re.compile(r"^(\w{3,}?)([iy])s(e|es|ed|ing|ings|ation|ations|ational|er|ers|able)$")
# Words spelled -ise in American English too (and the names and nouns ending so), whose -ize form is no word:
# mapped, "revise" would no longer match "revision", nor "advertise" "advertisement".
_SPELLED_ISE = frozenset("""
    advertise advise apprise arise chastise circumcise comprise compromise concise demise despise devise disguise
    enterprise excise exercise expertise franchise incise merchandise precise premise promise reprise revise
    supervise surmise surprise televise treatise otherwise likewise clockwise paradise porpoise tortoise noise
    poise cruise bruise raise praise chemise valise anise guise mortise louise denise elise marquise uprise sunrise
    moonrise
    """.split())
_OUR = ("arbour ardour armour behaviour candour clamour colour demeanour endeavour favour fervour flavour glamour "
        "harbour honour humour labour misdemeanour neighbour odour parlour rancour rigour rumour saviour savour "
        "splendour succour tumour valour vapour vigour").split()
_RE = ("calibre centre fibre litre lustre meagre metre sabre sombre spectre theatre").split()
_WORDS = {
    "catalogue": "catalog", "catalogues": "catalogs", "catalogued": "cataloged", "analogue": "analog",
    "analogues": "analogs", "defence": "defense", "defences": "defenses", "offence": "offense",
    "offences": "offenses", "pretence": "pretense", "licence": "license", "licences": "licenses",
    "programme": "program", "programmes": "programs", "grey": "gray", "greys": "grays", "aluminium": "aluminum",
    "mould": "mold", "moulds": "molds", "plough": "plow", "ploughs": "plows", "sceptic": "skeptic",
    "sceptics": "skeptics", "sceptical": "skeptical", "scepticism": "skepticism", "ageing": "aging",
    "judgement": "judgment", "judgements": "judgments", "manoeuvre": "maneuver", "manoeuvres": "maneuvers",
    "jewellery": "jewelry", "pyjamas": "pajamas", "tyre": "tire", "tyres": "tires", "enrol": "enroll",
    "fulfil": "fulfill", "skilful": "skillful", "instil": "instill", "oestrogen": "estrogen",
    "anaemia": "anemia", "haemoglobin": "hemoglobin", "paediatric": "pediatric", "foetus": "fetus",
    "oesophagus": "esophagus", "encyclopaedia": "encyclopedia", "leukaemia": "leukemia", "diarrhoea": "diarrhea",
}
_OUR_OR_RE = re.compile(rf"^(?:({'|'.join(_OUR)})|(\w*(?:{'|'.join(_RE)})))(\w*)$")


def american(word: str) -> str:
    """The American spelling of a lower-case word, or the word itself."""
    if word in _WORDS:
        return _WORDS[word]
    found = _ISE.match(word)
    if found and f"{found[1]}{found[2]}se" not in _SPELLED_ISE and word not in _SPELLED_ISE:
        word = f"{found[1]}{found[2]}z{found[3]}"  # "colourise" goes on to "colorize"
    found = _OUR_OR_RE.match(word)
    if found is None:
        return word
    our, re_word, ending = found.groups()
    if our:  # "colourful" -> "colorful"
        return our[:-2] + "r" + ending
    if ending in ("", "s", "d"):  # "centres", "centred" -> "centers", "centered"
        return re_word[:-2] + "er" + ("ed" if ending == "d" else ending)
    return word
