"""Type changes the engine makes online by itself (SQL Server, Oracle), and the renames dbmig
does not plan there.

SQL Server: a longer (N)VARCHAR/VARBINARY is a metadata-only ALTER COLUMN; any other type change
is ALTER COLUMN ... WITH (ONLINE = ON) (2016+), which rebuilds the column while reads and writes
go on -- but, as Microsoft Learn says, it "doesn't reduce the restrictions": a column in an
index, a default, a CHECK, UNIQUE or FOREIGN KEY still cannot change type, so those abort.
Oracle: a longer VARCHAR2 or a wider NUMBER is a dictionary change; anything else rewrites the
table (or is ORA-01439), so it aborts pointing at DBMS_REDEFINITION.
Renames are expand/contract, in online/expand.py.
"""
from __future__ import annotations

import re

from ...models import AlterColumnType
from ...schema import ColumnDef
from ..columns import TypeChange, parts, prepare_type_change, type_change_sql, warn_type_change
from ..context import Context
from ..model import Step
from ..strategy import Strategy, strategy
from .common import guarded, impossible, lock_of, note, step


@strategy("online_alter_column")
class OnlineAlterColumn(Strategy):
    """The engine changes the type while reads and writes go on: a widening its catalog makes in
    place (a longer NVARCHAR / VARCHAR2, a wider NUMBER), else SQL Server 2016+'s ALTER COLUMN
    ... WITH (ONLINE = ON), which rebuilds the column. Anything else aborts with the dialect's
    options (Oracle: DBMS_REDEFINITION)."""

    def plan(self, ch: AlterColumnType, ctx: Context, path: str) -> list[Step]:
        tc = prepare_type_change(ch, ctx, path)
        if _widening_in_place(ctx, tc.old, tc.new):
            return _catalog_only(ctx, ch, tc)
        warn_type_change(ctx, ch.table, tc)
        d, old, new = ctx.dialect, tc.old, tc.new
        form = d.online_form("alter_type", ctx.version)
        options = d.type_change_options.format(table=ch.table, column=ch.column, type=d.native_type(new.type))
        if form is None:
            why = d.type_change_why.format(table=ch.table, column=ch.column, old=d.native_type(old.type),
                                           new=d.native_type(new.type))
            raise impossible("alter_column_type", ctx, why, options)
        bound = _bound(ctx, ch.table, old, same_type=_base(ctx, old) == _base(ctx, new))
        if bound:
            raise impossible("alter_column_type", ctx, f"{ch.table}.{ch.column} is bound to {', '.join(bound)}: "
                             "ALTER COLUMN cannot change its type while they exist, online or not (error 5074)", options)
        note(ctx, d.edition_note)
        lock = lock_of(ctx, form)
        # non-transactional: commit the rebuild on its own, not with other steps
        return [step(ctx, f"change type of {ch.table}.{ch.column} to {new.type} online (rebuilds the column)",
                     guarded(ctx, [d.sql(form, **parts(ctx, ch.table, new))]),
                     guarded(ctx, [d.sql(form, **parts(ctx, ch.table, old))]), lock, ch.table,
                     transactional=False, work="rewrite", guards=[tc.guard] if tc.guard else [])]


def _base(ctx: Context, col: ColumnDef) -> str:
    return ctx.dialect.native_type(col.type).split("(", 1)[0]


def _widening_in_place(ctx: Context, old: ColumnDef, new: ColumnDef) -> bool:
    """A schema's NUMBER(10) reads back as decimal(10): the dialect judges the native types."""
    return ctx.dialect.widens_in_place(ctx.dialect.native_type(old.type), ctx.dialect.native_type(new.type))


def _catalog_only(ctx: Context, ch: AlterColumnType, tc: TypeChange) -> list[Step]:
    """The plain statement is a catalog change here: it runs as it is, behind the lock timeout.
    Every old value fits, so no guard counts misfits."""
    d, sql = ctx.dialect, type_change_sql(ctx, ch.table, tc)
    reverse, reverse_native = sql.reverse, sql.reverse_native
    if d.cannot_narrow_back(d.native_type(tc.old.type)):
        # Oracle will not lower a NUMBER's precision while rows exist (ORA-01440): the rollback
        # keeps the wider type, which every old value and the old app still fit.
        reverse, reverse_native = [], None
        ctx.warnings.append(f"The rollback keeps {ch.table}.{ch.column} as {d.native_type(tc.new.type)}: {d.name} "
                            f"cannot narrow it back to {d.native_type(tc.old.type)} while it holds rows.")
    lock = ctx.brief("alter_column_type")
    return [Step(f"change type of {ch.table}.{tc.column} to {tc.new.type}", guarded(ctx, sql.forward),
                 guarded(ctx, reverse), lock, ch.table, sql.native, reverse_native, estimate=ctx.estimate(ch.table, lock))]


def _bound(ctx: Context, table: str, col: ColumnDef, same_type: bool) -> list[str]:
    """What keeps ALTER COLUMN from changing the column's type: indexes and constraints on it
    (and foreign keys of other tables pointing at it), CHECKs naming it, and its default unless
    only the length or precision changes."""
    c, t = col.name.lower(), ctx.table(table)
    named = re.compile(rf"(?<![\w$#@]){re.escape(col.name)}(?![\w$#@])", re.I)
    bound = [i.name for i in t.indexes.values() if c in (x.lower() for x in i.reads)]
    bound += [k.name for k in t.constraints.values()
              if c in (x.lower() for x in k.columns) or named.search(k.expression or "")]
    bound += [k.name for other in ctx.schema.tables.values() for k in other.constraints.values()
              if (k.ref_table or "").lower() == table.lower() and c in (x.lower() for x in k.ref_columns)]
    if col.default is not None and not same_type:
        bound.append(f"its default ({col.default})")
    return sorted(set(bound))
