"""Load: the bot, through the local fake Discord, at Discord's own ceiling of 50 answers a second.

    python -m benchmarks.load --seconds 60 --rate 50                     # the bundled seeds
    python -m benchmarks.load --seconds 60 --rate 50 --passages 100000   # a 100k-passage library of real text
    python -m benchmarks.load --seconds 60 --rate 50 --content PATH      # any content folder (copied first)

Questions go out evenly paced (one every 1/rate s, on an absolute schedule so nothing drifts), half as
mentions and half as `/ask`, from many members so the per-member cooldown never refuses one. Most are
drawn from the library's own sentences, some are off-topic (the no-answer path). Halfway through, a
moderator adds an article to the content folder and runs `/reload`; from then on some questions ask
about that article, and those asked after the reload finished must be answered from it.

Each question is matched to its answers: a mention to the bot messages whose `message_reference`
points at it, an `/ask` to the interaction's callback and follow-ups. Exactly one answer each is the
goal: none is *lost*, two or more is *duplicated*. Latency runs from the fake dispatching the event to
the fake receiving the bot's REST answer, both on the fake's clock.

By default the fake (and the driver asking the questions) runs in a child process and the bot in this
one, so the two share no event loop and no GIL: the latency, heartbeat and memory figures are the
bot's. `--in-process` runs all three in one event loop, as the tests do, for comparison. `--processes P` runs the
bot as `python -m bot cluster --processes P` instead (P shards, a guild on each, a redis-server started for the run)
with the fake and the driver in this process, and counts the bot's REST requests a second, all processes together,
against their shared budget.

The modules, by job: `content` stages the content folder (and grows a large one from real text),
`plan` draws the questions, `config` holds a run's settings, `driver` asks as members through the
fake and matches the answers, `probes` measure the bot's process, `run` puts fake, driver and bot
together in one or two processes, `cluster` runs the bot as several, `figures` turns the records into a report and `report` prints it;
`__main__` is the command line.
"""
