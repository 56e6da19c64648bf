"""Cogs by feature; `bot.client` loads every module listed in EXTENSIONS."""

EXTENSIONS = ("bot.exts.answers", "bot.exts.moderation", "bot.exts.collection", "bot.exts.feeds",
              "bot.exts.insight")
