"""Bytes to text for the messy files real folders hold."""

from __future__ import annotations

import codecs

from .errors import SkipFile

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16/32 with BOM, else cp1252/Latin-1.

    Line ends come back as `\\n`. Raises `SkipFile` for empty and binary files.
    """
    if not data.strip():
        raise SkipFile("empty file")
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise SkipFile(f"not valid {encoding} despite its byte-order mark ({exc.reason})") from None
            break
    if text is None:
        if b"\x00" in data[:8192]:
            raise SkipFile("binary file (contains NUL bytes)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Windows-1252 is what "Latin-1" files from newsroom tools usually are; the five bytes it
            # leaves undefined fall back to Latin-1 so nothing is dropped.
            text = data.decode("cp1252", errors="replace")
            if "\ufffd" in text:
                text = data.decode("latin-1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # NULs in the middle of otherwise readable text carry nothing and break downstream tools.
    text = text.replace("\x00", "")
    if not text.strip():
        raise SkipFile("empty file")
    return text
