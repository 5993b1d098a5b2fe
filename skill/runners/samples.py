"""Sample rows for a dry run when the user gives no seed: a few rows per table, typed from the
schema, parents before children so foreign keys (to keys 1..N) hold; numbered columns number
themselves."""
from __future__ import annotations

from ..dialects import get_dialect
from ..schema import TableDef, VirtualSchema, parse_schema
from ..types import NUMBERS, STRINGS

ROWS = 10


def _value(type_name: str, args: tuple[int, ...], i: int, database: str) -> str | None:
    if type_name in NUMBERS:
        return str(i)
    if type_name in STRINGS:
        width = args[0] if args else 20
        return "'" + f"v{i}"[:width] + "'"
    return {
        "boolean": ("TRUE" if i % 2 else "FALSE") if database == "postgresql" else str(i % 2),
        "timestamp": f"'2024-01-{i % 28 + 1:02d} 12:00:00'", "timestamptz": f"'2024-01-{i % 28 + 1:02d} 12:00:00'",
        "date": f"'2024-01-{i % 28 + 1:02d}'", "time": "'12:00:00'",
        "uuid": f"'00000000-0000-0000-0000-{i:012d}'", "json": f"'{{\"i\": {i}}}'",
    }.get(type_name)


def _ordered(schema: VirtualSchema) -> list[TableDef]:
    """Tables with the ones they reference first (cycles: left in the given order)."""
    done: list[TableDef] = []
    pending = list(schema.tables.values())
    while pending:
        ready = [t for t in pending if all(c.ref_table is None or c.ref_table.lower() == t.name.lower()
                                           or schema.table(c.ref_table) in done or schema.table(c.ref_table) is None
                                           for c in t.constraints.values())]
        ready = ready or pending[:1]
        done += ready
        pending = [t for t in pending if t not in ready]
    return done


def sample_rows(schema_sql: str, database: str) -> list[str]:
    d = get_dialect(database)
    schema = parse_schema(schema_sql, d.sqlglot)
    out = []
    for table in _ordered(schema):
        # a numbered column is left to the database: it numbers a fresh table's rows 1..N (the keys
        # foreign keys expect), where explicit values would be refused (GENERATED ALWAYS, SQL
        # Server's IDENTITY) or leave the sequence behind them
        cols = [c for c in table.columns.values() if c.type is not None and not c.identity]
        rows = []
        for i in range(1, ROWS + 1):
            values = [_value(c.type.name, c.type.args, i, database) for c in cols]
            if any(v is None for v, c in zip(values, cols) if not c.nullable):
                break
            rows.append("(" + ", ".join(v or "NULL" for v in values) + ")")
        if rows:
            out.append(f"INSERT INTO {d.q(table.name)} ({', '.join(d.q(c.name) for c in cols)}) "
                       f"VALUES {', '.join(rows)}")
    return out
