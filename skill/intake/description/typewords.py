"""Types as developers spell them, in any database's spelling, read as portable types.

The portable names and their aliases come from `dbmig.types`; other spellings (`varchar2`,
`nvarchar(max)`, `tinyint(1)`, `datetime2`, `clob`) are read by sqlglot in the target
database's dialect first, then in the others, and mapped back through `types.from_sqlglot`,
so each fact about a type lives where it already does.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache

from ...lazysqlglot import exp, sqlglot
from ...dialects import DATABASES, sqlglot_name
from ...errors import InvalidRequest
from ...types import ALIASES, PORTABLE, SqlType, from_sqlglot, parse_type
from .lexicon import STRONG_TYPES

DIALECTS = tuple(sqlglot_name(database) for database in DATABASES)

# Multi-word spellings sqlglot reads per dialect differently (T-SQL's TIMESTAMP is ROWVERSION).
PHRASE_TYPES = {"timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp",
                "time with time zone": "time", "time without time zone": "time",
                "double precision": "double", "character varying": "varchar",
                "big integer": "bigint", "small integer": "smallint"}


@lru_cache(maxsize=1)
def _sqlglot_words() -> frozenset[str]:
    """Every single word some dialect's tokenizer knows: only these are worth a sqlglot parse."""
    words = set()
    for name in DIALECTS:
        words |= {k.lower() for k in sqlglot.Dialect.get_or_raise(name).tokenizer_class.KEYWORDS if " " not in k}
    return frozenset(words)


class NotPortable(ValueError):
    """A type word that is a type somewhere, but not one dbmig can carry (serial, money)."""


@lru_cache(maxsize=4096)
def read_type(text: str, dialect: str) -> SqlType | None:
    """`text` (`numeric(10, 2)`, `varchar2(10)`) as a portable type; None when it is no type.
    Raises NotPortable with the reason when it is a type dbmig cannot map."""
    text = re.sub(r"\s*([(),])\s*", r"\1", text.strip().lower())
    base, _, args = text.partition("(")
    base = PHRASE_TYPES.get(base, base)
    text = f"{base}({args}" if args else base
    if ALIASES.get(base, base) in PORTABLE:
        try:
            return parse_type(text, "type")
        except InvalidRequest as e:
            raise NotPortable(e.message) from None
    if base not in _sqlglot_words():
        return None
    return _from_sqlglot(text, dialect)


def _from_sqlglot(text: str, dialect: str) -> SqlType | None:
    for name in dict.fromkeys((dialect, *DIALECTS)):
        try:
            built = exp.DataType.build(text, dialect=name)
        except Exception:  # noqa: BLE001 - sqlglot raises several kinds for "not a type"
            continue
        try:
            return from_sqlglot(built, "type")
        except InvalidRequest:
            raise NotPortable(f"{text} is a {name} type with no portable equivalent; use one of "
                              f"{', '.join(sorted(PORTABLE))}") from None
    return None


def closest_types(word: str) -> list[str]:
    known = sorted(set(PORTABLE) | set(ALIASES) | STRONG_TYPES)
    return difflib.get_close_matches(word.lower(), known, n=3, cutoff=0.75)
