"""The replayed schema as the `schema` argument takes it: CREATE TABLE / CREATE INDEX text in
the target database's dialect, which `dbmig.schema.parse_schema` reads back."""
from __future__ import annotations

import re

from ..dialects import get_dialect
from ..dialects.base import Dialect
from ..plan.tables import constraint_sql
from ..schema import TableDef, VirtualSchema


def schema_sql(schema: VirtualSchema, database: str) -> str:
    """Tables in an order a database accepts (a referenced table before its referrers), so
    the text also runs as is (`verify` loads it as the starting schema)."""
    d = get_dialect(database)
    tables = _referenced_first(sorted(schema.tables.values(), key=lambda t: t.name.lower()))
    out = [_create_table(t, d) for t in tables]
    out += [_create_index(t, i, d) for t in tables for i in sorted(t.indexes.values(), key=lambda i: i.name)]
    # partitions attached last, as pg_dump does: each adopts its keys and indexes made above
    out += [f"{d.attach_partition(t)};" for t in tables if t.partition_of]
    out += [f"{s};" for t in tables for s in d.comments_on(t.name, t.comment, t.columns.values())]
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
    lines += [constraint_sql(d, c) for c in t.constraints.values()]
    return d.table_options(f"CREATE TABLE {d.q(t.name)} (\n  " + ",\n  ".join(lines) + "\n)", t) + ";"


_SEQUENCE_DEFAULT = re.compile(r"^nextval\s*\(", re.I)


def _column(c, d: Dialect) -> str:
    type_, identity = d.numbered_type(c.type, c.identity)
    default = f" DEFAULT {c.default}" if c.default is not None else ""
    if c.default and _SEQUENCE_DEFAULT.match(c.default):
        # another table's sequence, not in the schema model: an identity column numbers rows alike
        default, identity = "", d.sql("identity_by_default")
    null = "" if c.nullable else " NOT NULL"
    return f"{d.q(c.name)} {type_}{identity}{default}{null}{d.comment_clause(c.comment)}"


def _create_index(t: TableDef, i, d: Dialect) -> str:
    return d.create_index("add_index", t.name, i) + ";"
