"""English irregular verbs: their past forms, which no suffix-stripping stemmer can join to the verb ("When
did the uprising begin?" asks about a passage saying it "began"). Analyzed as the verb, when stemming English.

Left out: past forms that are as often another word ("found" a city, "left" hand, "saw", "felt", "lead"
the metal is kept: its verb is the common one in questions), so that they keep matching only themselves.
"""

from __future__ import annotations

_TABLE = """
    arise: arisen arose
    awake: awoke awoken
    beat: beaten
    become: became
    begin: began begun
    bend: bent
    bite: bitten
    bleed: bled
    blow: blew blown
    break: broke broken
    breed: bred
    bring: brought
    build: built
    burn: burnt
    buy: bought
    catch: caught
    choose: chose chosen
    cling: clung
    come: came
    creep: crept
    deal: dealt
    dig: dug
    draw: drawn drew
    dream: dreamt
    drink: drank
    drive: driven drove
    eat: ate eaten
    fall: fallen
    feed: fed
    fight: fought
    flee: fled
    fling: flung
    fly: flew flown
    forbid: forbade forbidden
    forget: forgot forgotten
    forgive: forgave forgiven
    freeze: froze frozen
    get: got gotten
    give: gave given
    go: gone went
    grow: grew grown
    hang: hung
    hear: heard
    hide: hid hidden
    hold: held
    keep: kept
    kneel: knelt
    know: knew known
    lead: led
    lean: leant
    leap: leapt
    learn: learnt
    lend: lent
    lose: lost
    make: made
    mean: meant
    meet: met
    mislead: misled
    overcome: overcame
    overtake: overtaken overtook
    overthrow: overthrew overthrown
    pay: paid
    prove: proved proven
    rebuild: rebuilt
    ride: ridden rode
    rise: risen
    run: ran
    say: said
    see: seen
    seek: sought
    sell: sold
    send: sent
    sew: sewed sewn
    shake: shaken shook
    shine: shone
    show: showed shown
    shrink: shrank shrunk
    sing: sang sung
    sink: sank sunk
    sit: sat
    sleep: slept
    slide: slid
    speak: spoken
    speed: sped
    spend: spent
    spin: spun
    stand: stood
    steal: stole stolen
    sting: stung
    strike: struck
    strive: striven strove
    swear: swore sworn
    sweep: swept
    swim: swam swum
    swing: swung
    take: taken took
    teach: taught
    tell: told
    think: thought
    throw: threw thrown
    undergo: undergone underwent
    understand: understood
    undertake: undertaken undertook
    uphold: upheld
    wake: woke woken
    wear: wore worn
    weave: wove woven
    weep: wept
    win: won
    withdraw: withdrawn withdrew
    write: written wrote
"""

# Past form -> the verb ("began" -> "begin").
BASE_FORM = {form: verb.strip() for line in _TABLE.strip().splitlines() for verb, forms in [line.split(":")]
             for form in forms.split()}
