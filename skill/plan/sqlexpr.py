"""Request text reaches SQL only as an expression sqlglot parsed as exactly one expression.

The text is parsed in the target dialect and the SQL emitted is sqlglot's rendering of that
parse, so what runs is what was checked: `0; DROP TABLE users` is two statements and refused,
`SELECT ...` or `DROP ...` are statements, not expressions, and refused. Data changes may read
other tables through a parenthesized scalar or EXISTS subquery (a lookup-table conversion
fills a key from one); nothing inside it may write or lock.
"""
from __future__ import annotations

import functools

from ..lazysqlglot import exp, sqlglot_errors
from ..errors import InvalidRequest
from ..limits import echo
from ..sqlparse import parse, parse_one


@functools.cache
def _statements() -> tuple[type, ...]:
    """The node types of statements (a function: naming them loads sqlglot)."""
    return (exp.Query, exp.DDL, exp.DML, exp.Command, exp.Alter, exp.Drop, exp.Set,
            exp.Transaction, exp.Commit, exp.Rollback, exp.Use)


@functools.lru_cache(maxsize=256)
def expression(text: str, dialect: str, field: str, subqueries: bool = False) -> str:
    """`text` as the one expression it must be, in `dialect`'s SQL; InvalidRequest naming `field`
    if it is not. Kept per text (refusals are not): defaults such as `now()` or `0` recur."""
    try:
        parsed = parse(text, dialect)
    except (sqlglot_errors.ParseError, sqlglot_errors.TokenError) as e:
        raise InvalidRequest(f"{echo(text)} is not a SQL expression: {str(e).splitlines()[0][:160]}",
                             field=field) from None
    parsed = [p for p in parsed if p is not None]
    if len(parsed) != 1:
        raise InvalidRequest(f"{echo(text)} must be exactly one SQL expression", field=field)
    node, statements = parsed[0], _statements()
    if any(isinstance(n, statements) and not (subqueries and _reads(n)) for n in node.walk()):
        raise InvalidRequest(f"{echo(text)} must be an expression, not a statement"
                             + ("" if subqueries else " or subquery"), field=field)
    return node.sql(dialect)


def _reads(node: exp.Expression) -> bool:
    """A plain SELECT inside parentheses or EXISTS (and those parentheses): no INTO, no FOR
    UPDATE, no WITH (a CTE may hold a DELETE ... RETURNING), no set operation."""
    if type(node) is exp.Subquery:
        return _reads(node.this)
    return (type(node) is exp.Select and isinstance(node.parent, (exp.Subquery, exp.Exists))
            and not any(node.args.get(k) for k in ("into", "locks", "with")))


def columns_in(text: str, dialect: str) -> set[str]:
    """The column names an (already checked) expression reads."""
    return {c.name.lower() for c in parse_one(text, dialect).find_all(exp.Column)}
