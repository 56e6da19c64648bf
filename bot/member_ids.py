"""Members in the logs and the records: a stable stand-in for their Discord id, never the id itself."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE = "member_key"


def hashed_id(user_id: int) -> str:
    """A short hash of a member's id: the same member reads the same in every log line and across restarts,
    so their actions can be followed, while the log never holds the id that leads to their account."""
    return "m-" + hashlib.blake2b(str(user_id).encode(), digest_size=6).hexdigest()


class MemberHasher:
    """Members in the database: a keyed hash (HMAC-SHA256) of their id. Anyone can hash every id of a server
    with an unkeyed hash and look the results up; without the key, which stays in the data folder, nobody
    can tell whose rows are whose, while the same member still reads the same across questions and votes."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def in_folder(cls, data_path: Path) -> MemberHasher:
        """The hasher with the folder's key, made on first use (readable by the bot's user alone). Blocking."""
        path = data_path / KEY_FILE
        data_path.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return cls(bytes.fromhex(path.read_text(encoding="ascii").strip()))
        key = secrets.token_bytes(32)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(key.hex() + "\n")
        return cls(key)

    def __call__(self, user_id: int) -> str:
        return "k-" + hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:24]
