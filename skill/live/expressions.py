"""Catalog expressions as a person writes them. Catalogs quote every identifier (MySQL's
backquotes, SQL Server's brackets, Oracle's "QTY"); a hand-written schema quotes none, and the
planner carries these texts into rollbacks and compares them, so the quotes go wherever the
expression still parses to the same tree without them."""
from __future__ import annotations

import re

from ..lazysqlglot import exp, sqlglot

PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parsed(text: str, dialect: str) -> exp.Expression | None:
    try:
        return sqlglot.parse_one(text, read=dialect)
    except (sqlglot.errors.SqlglotError, ValueError):
        return None


def unquoted(tree: exp.Expression, dialect: str, reserved: frozenset[str], fold_upper: bool = False) -> str:
    """`tree` in `dialect` with identifiers unquoted where that changes nothing: plain names
    that are not `reserved`. `fold_upper` (Oracle): only an upper-case name reads the same
    unquoted, and is written in lower case."""
    plain = tree.copy()
    for ident in plain.find_all(exp.Identifier):
        name = ident.name
        if PLAIN.fullmatch(name) and name.upper() not in reserved and (not fold_upper or name == name.upper()):
            ident.set("quoted", False)
            ident.set("this", name.lower() if fold_upper else name)
    text = plain.sql(dialect)
    again = parsed(text, dialect)
    return text if again is not None and again == plain else tree.sql(dialect)


def name_sql(d, name: str) -> str:
    """An identifier for schema text: as the catalog gives it where it needs no quotes (Oracle's
    `orders` stays lower case, as a person writes it; the database folds it), else quoted."""
    quoted = d.q(name)
    return name if quoted.upper() == name.upper() and not quoted.startswith(d.quote[0]) else quoted
