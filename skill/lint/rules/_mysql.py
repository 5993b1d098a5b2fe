"""MySQL/MariaDB statements as the rules read them: masked text (there is no MySQL grammar
parser here; sqlglot leaves most of these ALTER forms opaque) and the online-DDL clauses."""
from __future__ import annotations

import re

from ...sources import lazy_re
from ._base import IDENT, name_of

_ALGORITHM = lazy_re(r"\bALGORITHM\s*=?\s*(INSTANT|INPLACE|COPY|DEFAULT|NOCOPY)\b")
_LOCK = lazy_re(r"\bLOCK\s*=?\s*(NONE|SHARED|EXCLUSIVE|DEFAULT)\b")
_VARCHAR = lazy_re(r"\s*VARCHAR\s*\(\s*(\d+)\s*\)")
_MODIFY = lazy_re(rf"MODIFY\s+(?:COLUMN\s+)?({IDENT})\s+(.*)|CHANGE\s+(?:COLUMN\s+)?({IDENT})\s+{IDENT}\s+(.*)", re.S)
# Bytes per character of a column's character set: utf8mb4 (MySQL 8.0's default) unless it says otherwise.
_CHARSET_BYTES = {"LATIN1": 1, "ASCII": 1, "BINARY": 1, "UTF8MB3": 3, "UTF8": 3, "UCS2": 2, "UTF16": 4, "UTF32": 4}


def modified_columns(view):
    """MODIFY / CHANGE clauses, which restate a whole column: (offset, column, new definition)."""
    for off, clause in view.clauses:
        m = _MODIFY.match(clause)
        if m:
            raw = view.text[off:off + len(clause)]
            column = name_of(raw[m.start(1):m.end(1)] if m.group(1) else raw[m.start(3):m.end(3)])
            yield off, column, m.group(2) or m.group(4)


def online(view) -> tuple[str | None, str | None]:
    """The ALGORITHM= and LOCK= an ALTER TABLE asks for (None when not stated). With them stated,
    MySQL refuses an operation it cannot do that way instead of silently blocking."""
    algorithm, lock = _ALGORITHM.search(view.masked), _LOCK.search(view.masked)
    return (algorithm.group(1) if algorithm else None), (lock.group(1) if lock else None)


def varchar_bytes(definition: str) -> int | None:
    """Maximum byte length of a VARCHAR(n) column definition (masked text), else None."""
    m = _VARCHAR.match(definition)
    if not m:
        return None
    charset = re.search(r"\b(?:CHARACTER\s+SET|CHARSET)\s+(\w+)", definition)
    return int(m.group(1)) * _CHARSET_BYTES.get(charset.group(1) if charset else "", 4)


def length_bytes(max_bytes: int) -> int:
    """InnoDB stores a VARCHAR's length in 1 byte up to 255 bytes, in 2 above."""
    return 1 if max_bytes <= 255 else 2
