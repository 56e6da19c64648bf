"""Python runs this at the start of every process that has this folder on its PYTHONPATH: with FAKE_DISCORD_URL
set, discord.py in that process talks to the fake Discord a test serves there. This is how the tests start the bot
as real processes (`python -m bot cluster`) against their fake, with the bot's code unchanged."""

import os

if os.environ.get("FAKE_DISCORD_URL"):
    from fake_discord.patching import FakeAt, patch_discord

    # Entered for the life of the process, never exited; kept, since collecting it would undo the patch.
    PATCHED = patch_discord(FakeAt(os.environ["FAKE_DISCORD_URL"]))
    PATCHED.__enter__()
