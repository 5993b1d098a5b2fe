"""Post-conditions as validation tests: one COUNT(*) per fact, expected [[1]] or [[0]].

Facts are read from the virtual schema *after* every change was planned, so a test checks
the final state of each object a change touched (an added-then-renamed column is checked under
its new name), and what is not known (no `schema`) is not claimed.
"""
from __future__ import annotations

from ..lazysqlglot import exp
from ..models import Change
from ..schema import ColumnDef
from ..sqlparse import parse_one
from .context import Context
from .model import Check, Step


def checks_for(changes: list[Change], ctx: Context, created: set[str]) -> list[Check]:
    out: list[Check] = []
    for ch in changes:
        out += [c for change in [ch, *getattr(ch, "implied", list)()] for c in _change_checks(change, ctx)]
    tables = {getattr(ch, "table", None) for ch in changes} - {None}
    renamed = {ch.table for ch in changes if ch.op == "rename_table"}
    for table in sorted(tables - renamed - {t for t in created}):
        if ctx.schema.table(table) is not None:
            out.append(Check(f"row count of {table} unchanged",
                             ctx.dialect.check("row_count", table=ctx.q(table)), []))
    return _unique(out)


def drop_stale(steps: list[Step], ctx: Context) -> None:
    """A step's check may read a column a later change drops (merge: backfill from a column,
    then drop it): it cannot run after the migration, so it goes, and the result says so."""
    for step in steps:
        kept = []
        for check in step.checks:
            gone = _gone_columns(check.query, ctx)
            if gone:
                ctx.warn(f"Validation test {check.description!r} omitted: it reads "
                         f"{', '.join(sorted(gone))}, which this migration drops.", step)
            else:
                kept.append(check)
        step.checks = kept


def _gone_columns(query: str, ctx: Context) -> set[str]:
    """Columns the query reads that none of its tables has in the final schema (unknown tables:
    nothing is claimed)."""
    tree = parse_one(query, ctx.dialect.sqlglot)      # the gate checks this query from the same parse
    tables = [ctx.schema.table(t.name) for t in tree.find_all(exp.Table)]
    if not ctx.schema.known or not tables or None in tables:
        return set()
    have = {c.lower() for t in tables for c in t.columns}
    return {c.name for c in tree.find_all(exp.Column) if c.name.lower() not in have}


def _unique(checks: list[Check]) -> list[Check]:
    seen, out = set(), []
    for c in checks:
        if c.query not in seen:
            seen.add(c.query)
            out.append(c)
    return out


def _change_checks(ch: Change, ctx: Context) -> list[Check]:
    op = ch.op
    if op in ("create_table", "drop_table", "rename_table"):
        names = [ch.table] + ([ch.new_name] if op == "rename_table" else [])
        out = [table_check(ctx, n) for n in names]
        t = ctx.schema.table(ch.table)
        if op == "create_table" and t:
            out += [column_check(ctx, ch.table, c.name) for c in t.columns.values()]
        return out
    if op in ("add_column", "drop_column", "alter_column_type", "set_not_null", "drop_not_null",
              "set_default", "drop_default", "rename_column"):
        column = ch.column.name if op == "add_column" else ch.column
        out = [column_check(ctx, ch.table, column)]
        return out + ([column_check(ctx, ch.table, ch.new_name)] if op == "rename_column" else [])
    if op in ("add_index", "drop_index"):
        name = ch.name or _index_named(ctx, ch)
        return [object_check(ctx, "index", ch.table, name)] if name else []
    if op in ("add_foreign_key", "add_unique", "add_check", "drop_constraint"):
        name = ch.name or _constraint_named(ctx, ch)
        return [object_check(ctx, "constraint", ch.table, name)] if name else []
    return []


def _index_named(ctx: Context, ch) -> str | None:
    t = ctx.schema.table(ch.table)
    return next((i.name for i in (t.indexes.values() if t else []) if i.columns == list(ch.columns)), None)


def _constraint_named(ctx: Context, ch) -> str | None:
    t = ctx.schema.table(ch.table)
    kind = {"add_foreign_key": "foreign_key", "add_unique": "unique", "add_check": "check"}[ch.op]
    cols = list(getattr(ch, "columns", []))
    return next((c.name for c in (t.constraints.values() if t else [])
                 if c.kind == kind and (c.columns == cols or kind == "check")), None)


def table_check(ctx: Context, table: str) -> Check:
    present = ctx.schema.table(table) is not None
    query = ctx.dialect.check("table", schema=ctx.dialect.checks.get("schema", ""), table=ctx.lit(table))
    return Check(f"table {table} {'exists' if present else 'is gone'}", query, [[int(present)]])


def column_check(ctx: Context, table: str, column: str) -> Check:
    d = ctx.dialect
    col = ctx.schema.column(table, column)
    filters, facts = _column_filters(ctx, col) if col else ("", "")
    query = d.check("column", schema=d.checks.get("schema", ""), table=ctx.lit(table),
                    column=ctx.lit(column), filters=filters)
    what = f"column {table}.{column} " + (f"exists{facts}" if col else "is gone")
    return Check(what, query, [[1 if col else 0]])


def _column_filters(ctx: Context, col: ColumnDef) -> tuple[str, str]:
    d, filters, facts = ctx.dialect, [], []
    if col.type is not None:
        if not col.type.is_native:      # a type with no portable equivalent: its catalog name is not known here
            names = ", ".join(d.literal(n) for n in d.catalog_types[col.type.name])
            filters.append(d.check("type_in", types=names))
        if col.type.name in ("varchar", "char") and "length" in d.checks:
            filters.append(d.check("length", n=str(col.type.args[0])))
        facts.append(str(col.type))
        filters.append(d.check("null" if col.nullable else "not_null"))
        facts.append("NULL" if col.nullable else "NOT NULL")
        filters.append(d.check("has_default" if col.default is not None else "no_default"))
        facts.append(f"DEFAULT {col.default}" if col.default is not None else "no default")
    return "".join(filters), (" as " + " ".join(facts)) if facts else ""


def object_check(ctx: Context, kind: str, table: str, name: str) -> Check:
    t = ctx.schema.table(table)
    store = (t.indexes if kind == "index" else t.constraints) if t else {}
    present = name.lower() in store
    query = ctx.dialect.check(kind, schema=ctx.dialect.checks.get("schema", ""), table=ctx.lit(table),
                              name=ctx.lit(name))
    return Check(f"{kind} {name} {'exists' if present else 'is gone'}", query, [[int(present)]])
