"""Request text reaches SQL only as an expression sqlglot parsed as exactly one expression.

The text is parsed in the target dialect and the SQL emitted is sqlglot's rendering of that
parse, so what runs is what was checked: `0; DROP TABLE users` is two statements and refused,
`(SELECT ...)` or `DROP ...` are statements, not expressions, and refused.
"""
from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from ..errors import InvalidRequest

_STATEMENTS = (exp.Query, exp.DDL, exp.DML, exp.Command, exp.Alter, exp.Drop, exp.Set,
               exp.Transaction, exp.Commit, exp.Rollback, exp.Use)


def expression(text: str, dialect: str, field: str) -> str:
    try:
        parsed = sqlglot.parse(text, read=dialect)
    except (ParseError, TokenError) as e:
        raise InvalidRequest(f"{text!r} is not a SQL expression: {str(e).splitlines()[0][:160]}",
                             field=field) from None
    parsed = [p for p in parsed if p is not None]
    if len(parsed) != 1:
        raise InvalidRequest(f"{text!r} must be exactly one SQL expression", field=field)
    node = parsed[0]
    if isinstance(node, _STATEMENTS) or any(isinstance(n, _STATEMENTS) for n in node.walk()):
        raise InvalidRequest(f"{text!r} must be an expression, not a statement or subquery",
                             field=field)
    return node.sql(dialect)


def columns_in(text: str, dialect: str) -> set[str]:
    """The column names an (already checked) expression reads."""
    return {c.name.lower() for c in sqlglot.parse_one(text, read=dialect).find_all(exp.Column)}
