"""The replayed schema as the `schema` argument takes it: CREATE TABLE / CREATE INDEX text in
the target database's dialect, which `dbmig.schema.parse_schema` reads back."""
from __future__ import annotations

from ..dialects import get_dialect
from ..dialects.base import Dialect
from ..schema import ConstraintDef, TableDef, VirtualSchema


def schema_sql(schema: VirtualSchema, database: str) -> str:
    """Tables in an order a database accepts (a referenced table before its referrers), so
    the text also runs as is (`verify` loads it as the starting schema)."""
    d = get_dialect(database)
    tables = _referenced_first(sorted(schema.tables.values(), key=lambda t: t.name.lower()))
    out = [_create_table(t, d) for t in tables]
    out += [_create_index(t, i, d) for t in tables for i in sorted(t.indexes.values(), key=lambda i: i.name)]
    return "\n".join(out) + ("\n" if out else "")


def _referenced_first(tables: list[TableDef]) -> list[TableDef]:
    placed: list[TableDef] = []
    names: set[str] = set()
    pending = list(tables)
    while pending:
        ready = [t for t in pending if _refs(t) <= names | {t.name.lower()}] or pending[:1]   # a cycle: as is
        for t in ready:
            placed.append(t)
            names.add(t.name.lower())
        pending = [t for t in pending if t not in ready]
    return placed


def _refs(t: TableDef) -> set[str]:
    return {c.ref_table.lower() for c in t.constraints.values() if c.kind == "foreign_key" and c.ref_table}


def _create_table(t: TableDef, d: Dialect) -> str:
    lines = [_column(c, d) for c in t.columns.values()]
    lines += [_constraint(c, d) for c in t.constraints.values()]
    return f"CREATE TABLE {d.q(t.name)} (\n  " + ",\n  ".join(lines) + "\n);"


def _column(c, d: Dialect) -> str:
    default = f" DEFAULT {c.default}" if c.default is not None else ""
    return f"{d.q(c.name)} {d.native_type(c.type)}{default}{'' if c.nullable else ' NOT NULL'}"


def _constraint(c: ConstraintDef, d: Dialect) -> str:
    named = "" if c.name.startswith("<") else f"CONSTRAINT {d.q(c.name)} "   # <...>: unnamed in the history
    cols = ", ".join(d.q(x) for x in c.columns)
    if c.kind == "primary_key":
        return f"{named}PRIMARY KEY ({cols})"
    if c.kind == "unique":
        return f"{named}UNIQUE ({cols})"
    if c.kind == "check":
        return f"{named}CHECK ({c.expression})"
    refs = ", ".join(d.q(x) for x in c.ref_columns)
    on_delete = f" ON DELETE {c.on_delete.upper()}" if c.on_delete else ""
    return f"{named}FOREIGN KEY ({cols}) REFERENCES {d.q(c.ref_table)} ({refs}){on_delete}"


def _create_index(t: TableDef, i, d: Dialect) -> str:
    where = f" WHERE {i.where}" if i.where else ""
    cols = ", ".join(d.q(c) for c in i.columns)
    return f"CREATE {'UNIQUE ' if i.unique else ''}INDEX {d.q(i.name)} ON {d.q(t.name)} ({cols}){where};"
