"""The SQL statement checker: every statement dbmig emits parses in the target dialect.

PostgreSQL SQL is read by PostgreSQL's own parser (pglast), PL/pgSQL function and DO bodies by
its PL/pgSQL parser (`parses_on`); the other databases by sqlglot, as below.

Planners and intake check the SQL they build or take from a request here, and the result gate
(skill/gate/) checks every statement of a result with it; it depends on the dialect only, so
none of them imports another.

sqlglot is lenient: what it cannot parse becomes an opaque `exp.Command` with only a log line.
Here a Command passes only when the dialect's allow-list (`Dialect.command_allow`) names it;
anything else is a bug in dbmig (GateFailure) or, for request text, bad input (InvalidRequest).
"""
from __future__ import annotations

import functools
import logging

from .lazysqlglot import exp, sqlglot_errors
from .dialects.base import Dialect
from .errors import GateFailure, InvalidRequest
from .sources.sqltext import blank_literals
from .sqlparse import CACHE_SIZE, parse

# sqlglot logs "contains unsupported syntax" for every Command fallback; the gate decides.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


def _parse(sql: str, dialect: Dialect) -> list[exp.Expression]:
    return [s for s in parse(sql, dialect.sqlglot) if s is not None]


def _allowed(statement: exp.Expression, text: str, dialect: Dialect) -> bool:
    if not isinstance(statement, exp.Command):
        return True
    return _listed(text, dialect)


def _listed(text: str, dialect: Dialect) -> bool:
    """On the allow-list as written, or once its literals are blanked: a request's default
    `';'` or a line break inside a quoted value must not make a listed shape unlisted (the
    patterns refuse ';' and line breaks so that no second statement can hide in one)."""
    text = text.strip()
    blanked = blank_literals(text, dialect.sqlglot)
    return any(p.match(text) or p.match(blanked) for p in dialect.command_allow)


def parses_on(dialect: Dialect, sql: str) -> str | None:
    """PostgreSQL: why its own parser (pglast, the lint rules' parse layer) refuses `sql`, PL/pgSQL
    bodies included, or None. The other databases have no parser of their own here: None."""
    if not dialect.own_parser:
        return None
    from .lint.rules._pg import syntax_error
    return syntax_error(sql)


def check_statement(sql: str, dialect: Dialect, where: str) -> None:
    """Raise GateFailure unless every statement of `sql` parses: with the database's own parser
    where dbmig has it (PostgreSQL), elsewhere as a statement sqlglot understands. A unit may be a
    small batch (T-SQL DECLARE/SELECT/EXEC that must share one batch for its variable)."""
    problem = _problem(sql, dialect)
    if problem:
        raise GateFailure(f"{where}: {problem}")


@functools.lru_cache(maxsize=CACHE_SIZE)
def _problem(sql: str, dialect: Dialect) -> str | None:
    """What is wrong with `sql` on `dialect`, or None. Kept per statement: a result runs the
    same `SET lock_timeout` or trigger in several steps, and calls repeat them."""
    if dialect.own_parser:
        error = parses_on(dialect, sql)
        return f"generated SQL does not parse as {dialect.name}: {error[:200]}\n{sql}" if error else None
    listed = _listed(sql, dialect)
    try:
        parsed = _parse(sql, dialect)
    except (sqlglot_errors.ParseError, sqlglot_errors.TokenError) as e:
        # Some allow-listed statements make sqlglot raise instead of falling back to a Command
        # (Oracle `DROP INDEX i ONLINE`): the allow-list decides for them too.
        if listed:
            return None
        return f"generated SQL does not parse as {dialect.name}: {str(e).splitlines()[0][:200]}\n{sql}"
    if listed and parsed and isinstance(parsed[0], exp.Command):
        return None     # stored code (a T-SQL trigger) that sqlglot splits at the semicolons of its body
    texts = [sql] if len(parsed) == 1 else [p.sql(dialect.sqlglot) for p in parsed]
    if not parsed or not all(_allowed(p, t, dialect) for p, t in zip(parsed, texts)):
        return (f"generated SQL is not one statement sqlglot understands "
                f"on {dialect.name} (and not on the allow-list):\n{sql}")
    return None


def split_statements(text: str, dialect: Dialect, field: str) -> list[str]:
    """Split request SQL into statements, each re-rendered from its parse (so what runs is
    what was checked); statements sqlglot cannot parse are refused with the field named."""
    try:
        parsed = _parse(text, dialect)
    except (sqlglot_errors.ParseError, sqlglot_errors.TokenError) as e:
        raise InvalidRequest(f"SQL does not parse as {dialect.name}: {str(e).splitlines()[0][:200]}",
                             field=field) from None
    out = []
    for statement in parsed:
        rendered = statement.sql(dialect.sqlglot)
        if not _allowed(statement, rendered, dialect):
            raise InvalidRequest(f"sqlglot cannot parse this statement on {dialect.name}, so dbmig "
                                 f"cannot check it: {rendered[:120]}", field=field)
        out.append(rendered)
    if not out:
        raise InvalidRequest("no SQL statement found", field=field)
    return out
