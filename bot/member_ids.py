"""Members in the logs: a stable stand-in for their Discord id, never the id itself."""

from __future__ import annotations

import hashlib


def hashed_id(user_id: int) -> str:
    """A short hash of a member's id: the same member reads the same in every log line and across restarts,
    so their actions can be followed, while the log never holds the id that leads to their account."""
    return "m-" + hashlib.blake2b(str(user_id).encode(), digest_size=6).hexdigest()
