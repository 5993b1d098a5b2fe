"""The migration tool's own record of what ran on the live database (read-only): Flyway's
`flyway_schema_history`, Liquibase's `DATABASECHANGELOG`, Alembic's `alembic_version`.

A project's migrations are applied or pending by that record, not by its files: a migration
still pending runs before the one dbmig writes, so the live schema is not yet what that one
meets. Tables are found by name in any case, as each tool creates them in its database's
default case; the table a project configures (Flyway's `table`, Liquibase's
databaseChangeLogTableName, Alembic's version_table) replaces the default name.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..dialects.base import Dialect
from .dsn import parse_dsn
from .session import open_session

# tool -> (default table, the columns read from it)
RECORDS = {"flyway": ("flyway_schema_history", ("version", "script", "success")),
           "liquibase": ("databasechangelog", ("id", "author", "filename")),
           "alembic": ("alembic_version", ("version_num",))}


@dataclass
class ToolHistory:
    table: str | None                      # as stored; None: the tool has not run on this database
    rows: list[tuple] = field(default_factory=list)


def read_tool_history(dsn: str, dialect: Dialect, tool: str, table: str | None = None) -> ToolHistory:
    default, columns = RECORDS[tool]
    name = (table or default).lower()
    with open_session(parse_dsn(dsn, dialect.name), dialect) as (session, _):
        found = [stored for (stored,) in session.rows(session.engine.HISTORY_TABLE.format(names=dialect.literal(name)))]
        if not found:
            return ToolHistory(None)
        stored = found[0]
        # the columns were created in the table's case (Oracle, Liquibase on MySQL: upper case)
        cols = ", ".join(dialect.q(c.upper() if stored.isupper() else c) for c in columns)
        return ToolHistory(stored, [tuple(r) for r in session.rows(f"SELECT {cols} FROM {dialect.q(stored)}")])
