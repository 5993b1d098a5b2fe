"""Online column changes: add, NOT NULL, defaults. Catalog-only changes keep their T1 SQL
behind the lock timeout; what would scan or rewrite the table is split."""
from __future__ import annotations

from dataclasses import replace

from ...dialects.postgresql import VOLATILE
from ...errors import InvalidRequest
from ...models import AddColumn, SetNotNull
from ...schema import ColumnDef
from .. import columns as direct_columns, constraints as direct_constraints, tables as direct_tables
from ..columns import parts
from ..context import Context
from ..model import Step
from ..registry import online
from .common import backfill, guarded, impossible, online_lock, phase_check, rephase, step
from .constraints import BRIEF, not_valid_then_validate


def not_null_steps(ctx: Context, table: str, col: ColumnDef, phase: str) -> list[Step]:
    """NOT NULL without a scan under ACCESS EXCLUSIVE: a validated CHECK (c IS NOT NULL) lets
    PostgreSQL 12+ skip the scan of SET NOT NULL; the check is dropped after."""
    d = ctx.dialect
    if ctx.version and ctx.version < (12,):
        raise impossible("set_not_null", ctx, "before PostgreSQL 12 SET NOT NULL always scans the table "
                         "under ACCESS EXCLUSIVE", "allow downtime; or keep a validated CHECK "
                         "(column IS NOT NULL) instead (add_check is online), or upgrade to 12+")
    ck = ctx.name("ck_nn", table, [col.name])
    add = d.sql("zd_check_not_valid", table=ctx.q(table), name=ctx.q(ck), expression=f"{ctx.q(col.name)} IS NOT NULL")
    new, loose = replace(col, nullable=False), replace(col, nullable=True)
    finish = d.statements("set_not_null", **parts(ctx, table, new)) + [
        d.sql("drop_constraint", table=ctx.q(table), name=ctx.q(ck))]
    return not_valid_then_validate(ctx, table, ck, add, "ACCESS EXCLUSIVE", phase) + [
        step(ctx, f"set {table}.{col.name} NOT NULL (uses the validated check, no scan)", guarded(ctx, finish),
             guarded(ctx, d.statements("drop_not_null", **parts(ctx, table, loose))),
             online_lock("ACCESS EXCLUSIVE", BRIEF), table, phase)]


def set_not_null_steps(ctx: Context, table: str, col: ColumnDef, phase: str) -> list[Step]:
    d = ctx.dialect
    if d.has("zd_check_not_valid"):
        return not_null_steps(ctx, table, col, phase)
    new, loose = replace(col, nullable=False), replace(col, nullable=True)
    return [step(ctx, f"set {table}.{col.name} NOT NULL in place",
                 guarded(ctx, [d.sql("online_modify", **parts(ctx, table, new))]),
                 guarded(ctx, [d.sql("online_modify", **parts(ctx, table, loose))]),
                 online_lock("metadata lock (INPLACE, LOCK=NONE, table rebuilt)"), table, phase, work="rewrite")]


def fill_nulls(ctx: Context, table: str, column: str, value: str, phase: str) -> Step:
    c = ctx.q(column)
    phase_check(ctx, phase, f"no NULL left in {table}.{column}", f"SELECT COUNT(*) FROM {ctx.q(table)} WHERE {c} IS NULL", [[0]])
    return backfill(ctx, table, f"{c} = {value}", f"{c} IS NULL", phase, f"fill NULLs of {table}.{column}")


@online("set_not_null", database="postgresql")
@online("set_not_null", database="mysql")
def set_not_null(ch: SetNotNull, ctx: Context, path: str) -> list[Step]:
    col = direct_columns._column_for(ctx, ch.table, ch.column, "set_not_null", path)
    ctx.table(ch.table).columns[ch.column.lower()] = replace(col, nullable=False)
    steps = []
    if ch.backfill:
        value = ctx.expr(ch.backfill, f"{path}.backfill")
        steps.append(fill_nulls(ctx, ch.table, ch.column, value, "migrate"))
        ctx.warnings.append(f"Backfilled values of {ch.table}.{ch.column} stay after a rollback.")
    else:
        ctx.warnings.append(f"Validating NOT NULL on {ch.table}.{ch.column} fails if a row holds NULL; pass `backfill`.")
    return steps + set_not_null_steps(ctx, ch.table, col, "migrate")


@online("add_column", database="postgresql")
def add_column_pg(ch: AddColumn, ctx: Context, path: str) -> list[Step]:
    col = ctx.from_request(ch.column, f"{path}.column")
    old_pg = bool(ctx.version) and ctx.version < (11,)
    if col.default is None or not (VOLATILE.search(col.default) or old_pg):
        return rephase(direct_columns.add_column(ch, ctx, path), ctx)
    return _add_then_fill(ctx, ch.table, col, path)


def _add_then_fill(ctx: Context, table: str, col: ColumnDef, path: str) -> list[Step]:
    """A per-row default would rewrite the table under ACCESS EXCLUSIVE: add the column bare,
    give new rows the default, fill old rows in batches, then NOT NULL online."""
    d, t = ctx.dialect, ctx.table(table)
    if col.name.lower() in t.columns:
        raise InvalidRequest(f"column {table}.{col.name} already exists", field=f"{path}.column.name")
    bare = replace(col, default=None, nullable=True)
    t.columns[col.name.lower()] = col
    p = parts(ctx, table, bare)
    steps = [step(ctx, f"add column {table}.{col.name} without default (catalog change)",
                  guarded(ctx, d.statements("add_column", **{**p, "column_def": ctx.column_def(table, bare)})),
                  guarded(ctx, d.statements("drop_column", **p)), online_lock("ACCESS EXCLUSIVE", BRIEF), table),
             step(ctx, f"default {col.default} for new rows of {table}.{col.name}",
                  guarded(ctx, [d.sql("set_default", **parts(ctx, table, col))]), [],
                  online_lock("ACCESS EXCLUSIVE", BRIEF), table),
             fill_nulls(ctx, table, col.name, col.default, "migrate")]
    ctx.warnings.append(f"DEFAULT {col.default} differs per row: dbmig adds {col.name} without it and fills "
                        "existing rows in batches (several times slower than one rewrite, but no long lock).")
    return steps + ([] if col.nullable else set_not_null_steps(ctx, table, col, "migrate"))


@online("add_column", database="mysql")
def add_column_mysql(ch: AddColumn, ctx: Context, path: str) -> list[Step]:
    (s,) = direct_columns.add_column(ch, ctx, path)
    col = ctx.table(ch.table).columns[ch.column.name.lower()]
    p = parts(ctx, ch.table, col)
    return [step(ctx, f"add column {ch.table}.{col.name} instantly", guarded(ctx, [ctx.dialect.sql("online_add_column", **p)]),
                 guarded(ctx, [ctx.dialect.sql("online_drop_column", **p)]),
                 online_lock("metadata lock (ALGORITHM=INSTANT)", BRIEF), ch.table)]


def _passthrough(op: str, planner) -> None:
    """Ops whose T1 form is already a catalog change: same SQL, behind the lock timeout."""
    online(op)(lambda ch, ctx, path: rephase(planner(ch, ctx, path), ctx))


for _op, _planner in {"drop_not_null": direct_columns.drop_not_null, "set_default": direct_columns.set_default,
                      "drop_default": direct_columns.drop_default,
                      "drop_constraint": direct_constraints.drop_constraint,
                      "create_table": direct_tables.create_table}.items():
    _passthrough(_op, _planner)
