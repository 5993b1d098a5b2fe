"""The one translation of tool changes into SQL: what a Liquibase change element or an Alembic
`op.*` call sends to the database, as the statement a user could have written.

The readers (liquibase.py, alembic.py) describe each change as a `ToolOp`, in the tool's terms
(names as the tool sends them, unquoted; types as the user spelled them); `statements` writes it
once for both, with the target database's own forms where the statement differs by database
(ADD vs ADD COLUMN, MODIFY vs ALTER COLUMN ... TYPE). One set of SQL rules then covers
hand-written SQL and tool operations alike, and the project replay models both the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:       # `dbmig validate` reads tool files without loading the type model
    from ..types import Identity


@dataclass
class ToolColumn:
    """A column as a tool declares it: `constraints` are SQL pieces in the order the tool's
    declaration gives them (NOT NULL, PRIMARY KEY, UNIQUE, REFERENCES t (c), GENERATED ...)."""

    name: object
    type: str
    default: str | None = None          # SQL expression
    constraints: list[str] = field(default_factory=list)
    identity: Identity | None = None    # numbered by the database, as Liquibase's autoIncrement says


@dataclass
class ToolOp:
    """One change a tool makes; `fields` by kind (see `_STATEMENTS`)."""

    kind: str
    fields: dict


def q(name: object) -> str:
    """A name as the tool sends it: plain names unquoted (the database folds them), others quoted."""
    name = str(name or "?")
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$.]*", name) else f'"{name}"'


def names(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(q(v) for v in value)
    return q(value)


def column_sql(c: ToolColumn, database: str) -> str:
    default = [f"DEFAULT {c.default}"] if c.default is not None else []
    identity = [_dialect(database).sql(f"identity_{c.identity}").strip()] if c.identity else []
    return " ".join([q(c.name), c.type, *identity, *default, *(x for x in c.constraints if x)])


def statements(op: ToolOp, database: str) -> list[str]:
    """The SQL the tool sends for `op` on `database`."""
    return _STATEMENTS[op.kind](database, **op.fields)


def _dialect(database: str):
    from ..dialects import get_dialect      # only tool files need the dialect's forms
    return get_dialect(database)


def _create_table(database: str, table: str, columns: list[ToolColumn]) -> list[str]:
    return [f"CREATE TABLE {q(table)} ({', '.join(column_sql(c, database) for c in columns)})"]


def _add_column(database: str, table: str, column: ToolColumn) -> list[str]:
    return _dialect(database).statements("add_column", table=q(table), column_def=column_sql(column, database))


def _create_index(database: str, table: str, name: object, columns: list, unique: bool = False,
                  concurrently: bool = False) -> list[str]:
    conc = "CONCURRENTLY " if concurrently else ""
    return [f"CREATE {'UNIQUE ' if unique else ''}INDEX {conc}{q(name)} ON {q(table)} ({names(columns)})"]


def _drop_index(database: str, name: object, concurrently: bool = False) -> list[str]:
    return [f"DROP INDEX {'CONCURRENTLY ' if concurrently else ''}{q(name)}"]


def _modify_type(database: str, table: str, column: object, type: object) -> list[str]:
    t, c = q(table), q(column)
    return _dialect(database).statements("alter_column_type", table=t, column=c, type=type, using="", null="",
                                         column_def=f"{c} {type}")


def _set_not_null(database: str, table: str, column: object, type: object) -> list[str]:
    t, c, type = q(table), q(column), type or "?"
    return _dialect(database).statements("set_not_null", table=t, column=c, type=type,
                                         column_def=f"{c} {type} NOT NULL")


def _add_constraint(database: str, table: str, name: object, definition: str, not_valid: bool = False) -> list[str]:
    """`definition`: the constraint after its name (UNIQUE (a, b), FOREIGN KEY ...); `name` None:
    unnamed (the database names it)."""
    named = f"CONSTRAINT {q(name)} " if name is not None else ""
    return [f"ALTER TABLE {q(table)} ADD {named}{definition}" + (" NOT VALID" if not_valid else "")]


def _set_default(database: str, table: str, column: object, default: str | None) -> list[str]:
    return [f"ALTER TABLE {q(table)} ALTER COLUMN {q(column)} SET" + (f" DEFAULT {default}" if default is not None
                                                                    else "")]


def _update(database: str, table: str, assignments: list[tuple[object, str]], where: str | None) -> list[str]:
    sets = ", ".join(f"{q(c)} = {v}" for c, v in assignments) or "x = NULL"
    return [f"UPDATE {q(table)} SET {sets}{_where(where)}"]


def _where(where: str | None) -> str:
    return f" WHERE {where}" if where else ""


_STATEMENTS = {
    "create_table": _create_table,
    "add_column": _add_column,
    "create_index": _create_index,
    "drop_index": _drop_index,
    "drop_column": lambda database, table, column: [f"ALTER TABLE {q(table)} DROP COLUMN {q(column)}"],
    "drop_table": lambda database, table: [f"DROP TABLE {q(table)}"],
    "rename_column": lambda database, table, column, new_name: [
        f"ALTER TABLE {q(table)} RENAME COLUMN {q(column)} TO {q(new_name)}"],
    "rename_table": lambda database, table, new_name: [f"ALTER TABLE {q(table)} RENAME TO {q(new_name)}"],
    "modify_type": _modify_type,
    "set_not_null": _set_not_null,
    # Liquibase's defaultNullValue: one unbatched UPDATE fills the NULLs first
    "fill_nulls": lambda database, table, column, value: [
        f"UPDATE {q(table)} SET {q(column)} = {value} WHERE {q(column)} IS NULL"],
    "add_constraint": _add_constraint,
    "set_default": _set_default,
    "update": _update,
    "delete": lambda database, table, where: [f"DELETE FROM {q(table)}{_where(where)}"],
}
