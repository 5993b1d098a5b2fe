"""Online column changes: add, NOT NULL, defaults. Catalog-only changes keep their T1 SQL
behind the lock timeout; what would scan or rewrite the table is split.

NOT NULL per database: PostgreSQL 12+ a validated CHECK then SET NOT NULL; MySQL in place;
SQL Server 2016+ ALTER COLUMN ... NOT NULL WITH (ONLINE = ON); Oracle a NOT NULL constraint
ENABLE NOVALIDATE, then VALIDATE while DML goes on. ADD COLUMN on SQL Server/Oracle: in place
where the database keeps the default in its catalog, else add bare + default + batched fill."""
from __future__ import annotations

from dataclasses import replace

from ...models import AddColumn, Backfill, SetNotNull
from ...schema import ColumnDef
from .. import data
from ..columns import add_column_step, nullable_column, parts, prepare_add_column
from ..context import Context
from ..data import integer_key
from ..model import Step
from ..registry import direct_planner
from ..strategy import Strategy, strategy
from .common import backfill, behind_timeout, guarded, impossible, lock_of, note, phase_check, step
from .constraints import not_valid_then_validate


def not_null_steps(ctx: Context, table: str, col: ColumnDef, phase: str) -> list[Step]:
    """NOT NULL without a scan under ACCESS EXCLUSIVE: a validated CHECK (c IS NOT NULL) lets
    PostgreSQL 12+ skip the scan of SET NOT NULL; the check is dropped after."""
    d = ctx.dialect
    if not d.validated_check_skips_scan(ctx.version):
        raise impossible("set_not_null", ctx, "before PostgreSQL 12 SET NOT NULL always scans the table "
                         "under ACCESS EXCLUSIVE", "allow downtime; or keep a validated CHECK "
                         "(column IS NOT NULL) instead (add_check is online), or upgrade to 12+")
    ck = ctx.name("ck_nn", table, [col.name])
    add = d.sql("zd_check_not_valid", table=ctx.q(table), name=ctx.q(ck), expression=f"{ctx.q(col.name)} IS NOT NULL")
    new, loose = replace(col, nullable=False), replace(col, nullable=True)
    finish = d.statements("set_not_null", **parts(ctx, table, new)) + [
        d.sql("drop_constraint", table=ctx.q(table), name=ctx.q(ck))]
    return not_valid_then_validate(ctx, table, ck, add, "zd_check_not_valid", phase) + [
        step(ctx, f"set {table}.{col.name} NOT NULL (uses the validated check, no scan)", guarded(ctx, finish),
             guarded(ctx, d.statements("drop_not_null", **parts(ctx, table, loose))),
             ctx.lock("set_not_null_validated"), table, phase)]


def set_not_null_steps(ctx: Context, table: str, col: ColumnDef, phase: str) -> list[Step]:
    d = ctx.dialect
    if d.not_null_online == "online_alter":
        return [_online_not_null(ctx, table, col, phase)]
    if d.not_null_online == "novalidate":
        nn = ctx.name("nn", table, [col.name])
        add = d.sql("zd_not_null_novalidate", table=ctx.q(table), column=ctx.q(col.name), name=ctx.q(nn))
        return not_valid_then_validate(ctx, table, nn, add, "zd_not_null_novalidate", phase)
    if d.not_null_online == "validated_check":
        return not_null_steps(ctx, table, col, phase)
    new, loose = replace(col, nullable=False), replace(col, nullable=True)
    return [step(ctx, f"set {table}.{col.name} NOT NULL in place",
                 guarded(ctx, [d.sql("online_modify", **parts(ctx, table, new))]),
                 guarded(ctx, [d.sql("online_modify", **parts(ctx, table, loose))]),
                 ctx.lock("online_set_not_null"), table, phase, work="rewrite")]


def _online_not_null(ctx: Context, table: str, col: ColumnDef, phase: str) -> Step:
    """SQL Server 2016+: the column is rebuilt online and every row checked on the way; Sch-M
    only briefly at the end. Back to NULL is metadata-only, so the reverse is the plain form (an
    online NOT NULL -> NULL is even refused for a column in a nonclustered index)."""
    d, form = ctx.dialect, ctx.dialect.online_form("set_not_null", ctx.version)
    if form is None:
        raise impossible("set_not_null", ctx, "before SQL Server 2016 ALTER COLUMN has no ONLINE option and "
                         "NOT NULL reads every row under Sch-M", "allow downtime; or enforce it with a CHECK "
                         "(column IS NOT NULL) added online (add_check), or upgrade to 2016+")
    note(ctx, d.edition_note)
    new, loose = replace(col, nullable=False), replace(col, nullable=True)
    return step(ctx, f"set {table}.{col.name} NOT NULL online (rebuilds the column, checks every row)",
                guarded(ctx, [d.sql(form, **parts(ctx, table, new))]),
                guarded(ctx, d.statements("drop_not_null", **parts(ctx, table, loose))),
                lock_of(ctx, form), table, phase, transactional=False, work="rewrite")


def fill_nulls(ctx: Context, table: str, column: str, value: str, phase: str) -> Step:
    c = ctx.q(column)
    phase_check(ctx, phase, f"no NULL left in {table}.{column}", f"SELECT COUNT(*) FROM {ctx.q(table)} WHERE {c} IS NULL", [[0]])
    return backfill(ctx, table, f"{c} = {value}", f"{c} IS NULL", phase, f"fill NULLs of {table}.{column}")


def _exact_fill(ctx: Context, ch: SetNotNull, path: str) -> Step:
    """T2's backfill (its backup keys the rows it filled, so the rollback empties exactly those)
    where the table has an integer key to walk; else a plain batched fill, whose values stay."""
    value = ctx.expr(ch.backfill, f"{path}.backfill")
    if integer_key(ctx.table(ch.table)) is None:
        ctx.warnings.append(f"Backfilled values of {ch.table}.{ch.column} stay after a rollback "
                            f"({ch.table} has no integer primary key to key a backup by).")
        return fill_nulls(ctx, ch.table, ch.column, value, "migrate")
    phase_check(ctx, "migrate", f"no NULL left in {ch.table}.{ch.column}",
                f"SELECT COUNT(*) FROM {ctx.q(ch.table)} WHERE {ctx.q(ch.column)} IS NULL", [[0]])
    (fill,) = data.backfill(Backfill(table=ch.table, column=ch.column, value=ch.backfill), ctx, path)
    return fill


@strategy("fill_then_not_null")
class FillThenNotNull(Strategy):
    """NULLs filled in batches (T2's backfill, whose backup keys the rows it filled), then NOT NULL
    the dialect's online way (`Dialect.not_null_online`): PostgreSQL 12+ a validated CHECK, MySQL
    in place, SQL Server ALTER COLUMN ... WITH (ONLINE = ON), Oracle ENABLE NOVALIDATE + VALIDATE."""

    def plan(self, ch: SetNotNull, ctx: Context, path: str) -> list[Step]:
        col = nullable_column(ctx, ch, path)
        ctx.table(ch.table).columns[ch.column.lower()] = replace(col, nullable=False)
        steps = []
        if ch.backfill:
            steps.append(_exact_fill(ctx, ch, path))
        else:
            ctx.warnings.append(f"Validating NOT NULL on {ch.table}.{ch.column} fails if a row holds NULL; "
                                "pass `backfill`.")
        return steps + set_not_null_steps(ctx, ch.table, col, "migrate")


@strategy("add_in_catalog_or_fill")
class AddInCatalogOrFill(Strategy):
    """ADD COLUMN as it is where the database keeps the DEFAULT in its catalog (PostgreSQL 11+ for a
    non-volatile default; SQL Server 2012+ Enterprise for NOT NULL with a runtime-constant one;
    Oracle 12c+ unless the table has a LOB column), behind the lock timeout; else the column is
    added bare, new rows get the default, old rows are filled in batches, then NOT NULL online.
    Oracle's rollback marks the column unused (its DROP COLUMN rewrites every block)."""

    def plan(self, ch: AddColumn, ctx: Context, path: str) -> list[Step]:
        col = prepare_add_column(ch, ctx, path)
        why, undo = _default_written(ctx, ch.table, col), _unused(ctx, ch.table, col)
        if why:
            return _add_then_fill(ctx, ch.table, col, why, undo)
        if col.default is not None and not col.nullable:
            note(ctx, ctx.dialect.add_column_note)     # SQL Server: metadata-only on Enterprise only
        return behind_timeout(ctx, [add_column_step(ctx, ch.table, col, reverse=undo)], ctx.additions_phase)


def _unused(ctx: Context, table: str, col: ColumnDef) -> list[str] | None:
    """Oracle's rollback of an added column: SET UNUSED (a dictionary change; the space comes back
    with DROP UNUSED COLUMNS), not DROP COLUMN, which rewrites every block under an exclusive lock."""
    form = ctx.dialect.set_unused_form(ctx.version)
    return [ctx.dialect.sql(form, **ctx.names(table, col.name))] if form else None


def _add_then_fill(ctx: Context, table: str, col: ColumnDef, why: str, undo: list[str] | None) -> list[Step]:
    """The default would be written into every row under the table's lock: add the column bare,
    give new rows the default, fill old rows in batches, then NOT NULL online."""
    d, phase = ctx.dialect, ctx.additions_phase
    bare = replace(col, default=None, nullable=True)
    p = parts(ctx, table, bare)
    steps = [step(ctx, f"add column {table}.{col.name} without default (catalog change)",
                  guarded(ctx, d.statements("add_column", **{**p, "column_def": ctx.column_def(table, bare)})),
                  guarded(ctx, undo or d.statements("drop_column", **p)), ctx.brief("add_column"), table, phase),
             # SQL Server's set_default is two statements (it drops the default constraint first)
             step(ctx, f"default {col.default} for new rows of {table}.{col.name}",
                  guarded(ctx, d.statements("set_default", **parts(ctx, table, col))), [],
                  ctx.brief("set_default"), table, phase),
             fill_nulls(ctx, table, col.name, col.default, phase)]
    ctx.warnings.append(f"{why}: dbmig adds {col.name} without it and fills existing rows in batches (several "
                        "times slower than one rewrite, but no long lock).")
    return steps + ([] if col.nullable else set_not_null_steps(ctx, table, col, phase))


@strategy("instant_add")
class InstantAdd(Strategy):
    """MySQL: ADD COLUMN with ALGORITHM=INSTANT named, so the server fails fast instead of falling
    back to a table copy."""

    def plan(self, ch: AddColumn, ctx: Context, path: str) -> list[Step]:
        col = prepare_add_column(ch, ctx, path)
        p, d = parts(ctx, ch.table, col), ctx.dialect
        return [step(ctx, f"add column {ch.table}.{col.name} instantly", guarded(ctx, [d.sql("online_add_column", **p)]),
                     guarded(ctx, [d.sql("online_drop_column", **p)]), ctx.lock("online_add_column"), ch.table,
                     ctx.additions_phase)]


def _default_written(ctx: Context, table: str, col: ColumnDef) -> str:
    """Why the database would write the new column's DEFAULT into every existing row ('' when it
    keeps it in the catalog): a per-row (volatile) value, the version, the column's type, or the
    table's LOB columns."""
    d = ctx.dialect
    if col.default is None:
        return ""
    if d.add_column_rewrites(col.default, ctx.version):
        return f"DEFAULT {col.default} differs per row"
    if not d.keeps_defaults_in_catalog(ctx.version):
        return f"{d.name} {ctx.request.database_version} writes a new column's DEFAULT into every row"
    if d.writes_default_per_row(d.native_type(col.type), col.nullable, col.default):
        return f"{d.name} writes DEFAULT {col.default} of a {d.native_type(col.type)} column into every row"
    lobs = [c.name for c in ctx.table(table).columns.values() if c.type and d.is_lob(d.native_type(c.type))]
    if lobs:
        return f"{table} has LOB column(s) {', '.join(lobs)}, so {d.name} writes DEFAULT {col.default} into every row"
    return ""


@strategy("behind_timeout")
class BehindTimeout(Strategy):
    """Ops whose direct form is already a catalog change: the same statements, behind the lock
    timeout (create_table's in expand while a later change waits for the new app version)."""

    def plan(self, ch, ctx: Context, path: str) -> list[Step]:
        return behind_timeout(ctx, direct_planner(ch.op, ctx.dialect)(ch, ctx, path), ctx.additions_phase)
