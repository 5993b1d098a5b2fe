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
from dataclasses import replace

from ...models import AlterColumnType
from ...schema import ColumnDef
from .. import columns as direct_columns
from ..columns import parts
from ..context import Context
from ..model import Step
from ..registry import online
from .common import guarded, impossible, lock_of, note, rephase


@online("alter_column_type", database="sqlserver")
@online("alter_column_type", database="oracle")
def alter_column_type(ch: AlterColumnType, ctx: Context, path: str) -> list[Step]:
    old = ctx.known_column(ch.table, ch.column, f"changing the type of {ch.table}.{ch.column}", path)
    (direct,) = direct_columns.alter_column_type(ch, ctx, path)   # checks, warnings, virtual schema
    new = replace(old, type=ctx.type(ch.type, f"{path}.type"))
    if _widening_in_place(ctx, old, new):
        return _catalog_only(ctx, ch, direct, old, new)
    d = ctx.dialect
    form = d.online_form("alter_type", ctx.version)
    options = d.type_change_options.format(table=ch.table, column=ch.column, type=d.native_type(new.type))
    if form is None:
        why = d.type_change_why.format(table=ch.table, column=ch.column, old=d.native_type(old.type),
                                       new=d.native_type(new.type))
        raise impossible("alter_column_type", ctx, why, options)
    bound = _bound(ctx, ch.table, old, same_type=_base(ctx, old) == _base(ctx, new))
    if bound:
        raise impossible("alter_column_type", ctx, f"{ch.table}.{ch.column} is bound to {', '.join(bound)}: ALTER "
                         "COLUMN cannot change its type while they exist, online or not (error 5074)", options)
    note(ctx, d.edition_note)
    direct.forward = guarded(ctx, [d.sql(form, **parts(ctx, ch.table, new))])
    direct.reverse = guarded(ctx, [d.sql(form, **parts(ctx, ch.table, old))])
    direct.description = f"change type of {ch.table}.{ch.column} to {new.type} online (rebuilds the column)"
    direct.lock, direct.native, direct.reverse_native = lock_of(ctx, form), None, None
    direct.estimate = ctx.estimate(ch.table, direct.lock, "rewrite")
    direct.transactional = False           # commit the rebuild on its own, not with other steps
    return [direct]


def _base(ctx: Context, col: ColumnDef) -> str:
    return ctx.dialect.native_type(col.type).split("(", 1)[0]


def _widening_in_place(ctx: Context, old: ColumnDef, new: ColumnDef) -> bool:
    """A schema's NUMBER(10) reads back as decimal(10): the dialect judges the native types."""
    return ctx.dialect.widens_in_place(ctx.dialect.native_type(old.type), ctx.dialect.native_type(new.type))


def _catalog_only(ctx: Context, ch: AlterColumnType, direct: Step, old: ColumnDef, new: ColumnDef) -> list[Step]:
    """The T1 statement is already a catalog change: keep it, behind the lock timeout."""
    d = ctx.dialect
    direct.lock = ctx.brief("alter_column_type")
    direct.estimate = ctx.estimate(ch.table, direct.lock)
    # every old value fits (`_widening_in_place`): no narrowing warning, no guard counting misfits
    ctx.warnings[:] = [w for w in ctx.warnings if "may not fit every value" not in w]
    direct.guards = []
    if d.cannot_narrow_back(d.native_type(old.type)):
        # Oracle will not lower a NUMBER's precision while rows exist (ORA-01440): the rollback
        # keeps the wider type, which every old value and the old app still fit.
        direct.reverse, direct.reverse_native = [], None
        ctx.warnings.append(f"The rollback keeps {ch.table}.{ch.column} as {d.native_type(new.type)}: {d.name} "
                            f"cannot narrow it back to {d.native_type(old.type)} while it holds rows.")
    return rephase([direct], ctx)


def _bound(ctx: Context, table: str, col: ColumnDef, same_type: bool) -> list[str]:
    """What keeps ALTER COLUMN from changing the column's type: indexes and constraints on it
    (and foreign keys of other tables pointing at it), CHECKs naming it, and its default unless
    only the length or precision changes."""
    c, t = col.name.lower(), ctx.table(table)
    named = re.compile(rf"(?<![\w$#@]){re.escape(col.name)}(?![\w$#@])", re.I)
    bound = [i.name for i in t.indexes.values() if c in (x.lower() for x in i.columns)]
    bound += [k.name for k in t.constraints.values()
              if c in (x.lower() for x in k.columns) or named.search(k.expression or "")]
    bound += [k.name for other in ctx.schema.tables.values() for k in other.constraints.values()
              if (k.ref_table or "").lower() == table.lower() and c in (x.lower() for x in k.ref_columns)]
    if col.default is not None and not same_type:
        bound.append(f"its default ({col.default})")
    return sorted(set(bound))
