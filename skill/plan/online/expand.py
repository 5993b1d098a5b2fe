"""Expand/contract for changes that break running app versions: rename column, type change,
drop column. Expand adds the new column and a sync trigger (PL/pgSQL on PostgreSQL, one-SET
triggers on MySQL, an AFTER trigger on SQL Server, a row trigger on Oracle) and backfills in
batches; migrate switches; contract drops the old."""
from __future__ import annotations

import re
from dataclasses import replace

from ...dialects.facts import Lock
from ...sqlcheck import check_statement
from ...models import AlterColumnType, DropColumn, DropTable, RenameColumn, RenameTable
from ...schema import ColumnDef, IndexDef
from ..columns import (DropForm, TypeChange, drop_column_steps, parts, plain_drop, prepare_type_change,
                       type_change_lock, type_change_sql, type_change_step, warn_type_change)
from ..context import Context
from ..dependents import find
from ..model import Guard, Step
from ..strategy import Strategy, strategy
from ..tables import drop_table_steps, prepare_rename_table, rename_table_sql
from .columns import set_not_null_steps
from .common import backfill, behind_timeout, distinct, guarded, impossible, lock_of, note, phase_check, step

PREPARED = ("{table}.{column}: clients using server-side prepared statements on PostgreSQL get "
            "'cached plan must not change result type' after the column swap until they reconnect.")


# --- sync triggers as data of the dialect ------------------------------------------------------

def _names(ctx: Context, table: str, column: str) -> dict[str, str]:
    return {k: ctx.q(ctx.name(k, table, [column])) for k in ("zd_sync", "zd_ins", "zd_upd")}


def sync_sql(ctx: Context, table: str, column: str, both: tuple[str, str] | None = None,
             one: tuple[str, str, str] | None = None) -> list[str]:
    """Triggers keeping two columns equal: `both` = (new, old) two-way; `one` = (dst, src, type).
    One row trigger (PostgreSQL's calls its function), or two one-SET triggers (MySQL)."""
    d, n, t = ctx.dialect, _names(ctx, table, column), ctx.q(table)
    if d.sync_trigger_style == "pair":
        return _two_triggers(ctx, n, t, both, one)
    body = _sync_body(ctx, table, both) if both else d.sql(
        "zd_sync_one", dst=ctx.q(one[0]), value=d.sql("zd_cast", value=f"NEW.{ctx.q(one[1])}", type=one[2]))
    for statement in re.findall(r"^\s*((?:UPDATE|INSERT|DELETE) .*);$", body, re.M):
        check_statement(statement, d, "sync trigger body")     # the trigger itself is opaque to sqlglot
    function = ([d.sql("zd_sync_function", function=n["zd_sync"], body=body)]
                if d.sync_trigger_style == "function" else [])
    # the columns whose writes need syncing; two-way, only a write leaving them unequal does
    columns = ctx.qlist(list(both)) if both else ctx.q(one[1])
    when = d.sync_when(d.row_new + ctx.q(both[0]), d.row_new + ctx.q(both[1])) if both else ""
    return function + [d.sql("zd_sync_trigger", trigger=n["zd_sync"], table=t, function=n["zd_sync"], body=body,
                             columns=columns, when=when)]


def _sync_body(ctx: Context, table: str, both: tuple[str, str]) -> str:
    """The two-way body: `NEW.`/`OLD.` (or `:NEW.`, or SQL Server's `inserted`/`deleted` rows
    `i.`/`d.`) as the dialect names the row written and the row before."""
    d, (new, old) = ctx.dialect, (ctx.q(c) for c in both)
    row, before = d.row_new, d.row_old
    changed = lambda c: d.row_differs(row + c, before + c)  # noqa: E731
    # an AFTER trigger finds the written rows again by the key: table alias dbmig_t, and the
    # row before the update
    key = lambda a: " AND ".join(f"{a}{ctx.q(k)} = {row}{ctx.q(k)}" for k in ctx.table(table).primary_key)  # noqa: E731
    return d.sql("zd_sync_both", new=new, old=old, table=ctx.q(table), old_changed=changed(old),
                 new_changed=changed(new), unequal=d.row_differs(row + new, row + old),
                 key_i=key("dbmig_t."), key_d=key(before))


def _two_triggers(ctx: Context, n: dict[str, str], t: str, both, one) -> list[str]:
    d = ctx.dialect
    if both:
        ins = d.sql("zd_set_both_insert", new=ctx.q(both[0]), old=ctx.q(both[1]))
        upd = d.sql("zd_set_both_update", new=ctx.q(both[0]), old=ctx.q(both[1]))
    else:
        ins = upd = d.sql("zd_set_one", dst=ctx.q(one[0]), src=ctx.q(one[1]))
    return [d.sql("zd_sync_insert", trigger=n["zd_ins"], table=t, assignments=ins),
            d.sql("zd_sync_update", trigger=n["zd_upd"], table=t, assignments=upd)]


def drop_sync_sql(ctx: Context, table: str, column: str) -> list[str]:
    d, n = ctx.dialect, _names(ctx, table, column)
    if d.sync_trigger_style != "pair":
        return d.statements("zd_drop_sync", trigger=n["zd_sync"], table=ctx.q(table), function=n["zd_sync"])
    return [d.sql("zd_drop_trigger", trigger=n["zd_ins"]), d.sql("zd_drop_trigger", trigger=n["zd_upd"])]


# --- shared pieces -------------------------------------------------------------------------------

def _add_sql(ctx: Context, table: str, col: ColumnDef) -> list[str]:
    """The new column, with the description of the one it replaces."""
    form = ctx.dialect.online_form("add_column", ctx.version) or "add_column"
    return ctx.dialect.statements(form, **parts(ctx, table, col)) + ctx.dialect.comments_on(table, None, [col])


def _drop_sql(ctx: Context, table: str, col: ColumnDef) -> list[str]:
    """Oracle marks the column unused (DROP COLUMN would rewrite every block)."""
    d = ctx.dialect
    if d.marks_columns_unused():
        return [d.sql(set_unused_form(ctx, table, col.name), **ctx.names(table, col.name))]
    form = d.online_form("drop_column", ctx.version) or "drop_column"
    return d.statements(form, **parts(ctx, table, col))


def set_unused_form(ctx: Context, table: str, column: str) -> str:
    form = ctx.dialect.set_unused_form(ctx.version)
    if form is None:
        raise impossible("drop_column", ctx, "before Oracle 12.1 SET UNUSED has no ONLINE and DROP COLUMN "
                         "rewrites every block under an exclusive lock", "allow a brief window for "
                         f"`ALTER TABLE {table} SET UNUSED ({column})`, or upgrade to 12.1+")
    return form


def _dependents(ctx: Context, op: str, table: str, column: str) -> None:
    """Abort while anything is bound to the old column: its primary key, and what a drop of it
    would take along (`dependents.find`: indexes, keys, checks naming it, other tables' foreign
    keys to it), which the contract phase would otherwise drop with the column."""
    t, c = ctx.table(table), column.lower()
    used = [k.name for k in t.constraints.values() if k.kind == "primary_key" and c in (x.lower() for x in k.columns)]
    used += [x.obj.name if x.named else x.label() for x in find(ctx, table, column)]
    if used:
        raise impossible(op, ctx, f"{table}.{column} is used by {', '.join(sorted(used))}, which would have "
                         "to be rebuilt on the new column", "allow downtime; or drop and re-create those "
                         "objects online around the change (add_index/add_unique/add_foreign_key are online)")


def _drop_lock(ctx: Context) -> Lock:
    return lock_of(ctx, "zd_set_unused") if ctx.dialect.marks_columns_unused() else ctx.brief("drop_column")


def expand_steps(ctx: Context, table: str, new: ColumnDef, triggers: list[str], value: str, src: str) -> list[Step]:
    """Add the new column, start the sync, copy existing rows in batches."""
    q = ctx.q
    pending = distinct(ctx, q(new.name), value)
    phase_check(ctx, "expand", f"every row of {table} has {new.name} in sync with {src}",
                f"SELECT COUNT(*) FROM {q(table)} WHERE {pending}", [[0]])
    return [step(ctx, f"expand: add column {table}.{new.name}", guarded(ctx, _add_sql(ctx, table, new)),
                 guarded(ctx, _drop_sql(ctx, table, new)), ctx.brief("add_column"), table, "expand"),
            step(ctx, f"expand: sync trigger {src} -> {new.name}", guarded(ctx, triggers),
                 guarded(ctx, drop_sync_sql(ctx, table, src)), ctx.brief("zd_sync_trigger"), table, "expand"),
            backfill(ctx, table, f"{q(new.name)} = {value}", pending, "expand", f"copy {src} into {new.name}")]


def contract_step(ctx: Context, table: str, old: ColumnDef, keep: str, triggers: list[str], value: str,
                  moved: ColumnDef | None = None) -> Step:
    """Drop the trigger and the old column together; the rollback brings both back and refills
    the old column in one UPDATE (a rollback path, not the hot path). `moved`: the new column,
    which takes over the old one's default here (the sync needs it without one until now)."""
    d, loose = ctx.dialect, replace(old, nullable=True)
    refill = d.sql("update", table=ctx.q(table), assignments=f"{ctx.q(old.name)} = {value}",
                   where=f" WHERE {distinct(ctx, ctx.q(old.name), value)}")
    default, undefault = ([], [])
    if moved is not None and moved.default is not None:
        default = d.statements("set_default", **parts(ctx, table, moved))
        undefault = d.statements("drop_default", **parts(ctx, table, moved))
    back = _add_sql(ctx, table, loose) + triggers + [refill] + undefault
    if not old.nullable:
        back += d.statements("set_not_null", **parts(ctx, table, old))
    return step(ctx, f"contract: drop sync trigger and column {table}.{old.name}",
                guarded(ctx, drop_sync_sql(ctx, table, keep) + default + _drop_sql(ctx, table, old)),
                guarded(ctx, back), _drop_lock(ctx), table, "contract", destructive=True)


def allow_null_step(ctx: Context, table: str, col: ColumnDef, why: str) -> Step:
    """NOT NULL -> NULL, a catalog change; the rollback puts NOT NULL back (online where it can)."""
    d, loose = ctx.dialect, replace(col, nullable=True)
    form = d.online_form("modify", ctx.version) or "drop_not_null"
    back = form if form != "drop_not_null" else d.online_form("set_not_null", ctx.version) or "set_not_null"
    return step(ctx, f"expand: allow NULL in {table}.{col.name} ({why})",
                guarded(ctx, d.statements(form, **parts(ctx, table, loose))),
                guarded(ctx, d.statements(back, **parts(ctx, table, col))),
                lock_of(ctx, "zd_allow_null"), table, "expand")


# --- the ops -----------------------------------------------------------------------------------

@strategy("sync_trigger_rename")
class SyncTriggerRename(Strategy):
    """Expand: the new column (no default yet) and a trigger writing each name from the other,
    then a batched copy; contract: the trigger and the old column go, the default moves over.
    Where the trigger runs after the row is written (SQL Server), NOT NULL would refuse the app
    version that leaves a column out, so the old column allows NULL from expand and the new one
    gets NOT NULL only in contract."""

    def plan(self, ch: RenameColumn, ctx: Context, path: str) -> list[Step]:
        return rename_column(ch, ctx, path)


def rename_column(ch: RenameColumn, ctx: Context, path: str) -> list[Step]:
    old = ctx.known_column(ch.table, ch.column, f"renaming {ch.table}.{ch.column} without downtime", path)
    _dependents(ctx, "rename_column", ch.table, ch.column)
    _syncable(ctx, ch.table, old)
    after = ctx.dialect.sync_trigger_style == "after"
    t, final = ctx.table(ch.table), replace(old, name=ch.new_name)
    t.columns[ch.new_name.lower()] = final
    del t.columns[ch.column.lower()]
    both = sync_sql(ctx, ch.table, ch.column, both=(ch.new_name, ch.column))
    steps = [allow_null_step(ctx, ch.table, old, "the sync trigger runs after the write")] if after and not old.nullable else []
    steps += expand_steps(ctx, ch.table, replace(final, nullable=True, default=None), both, ctx.q(ch.column), ch.column)
    if not old.nullable:
        steps += set_not_null_steps(ctx, ch.table, final, "contract" if after else "migrate")
    note(ctx, ctx.dialect.sync_note, table=ch.table, trigger=ctx.name("zd_sync", ch.table, [ch.column]))
    ctx.warnings.append(f"Rename {ch.table}.{ch.column} -> {ch.new_name} in phases: after expand deploy the app "
                        f"that reads {ch.new_name} (writing either name is kept in sync); before contract no running "
                        f"instance may use {ch.column}.")
    kept = replace(old, nullable=True) if after else old
    return steps + [contract_step(ctx, ch.table, kept, ch.column, both, ctx.q(ch.new_name), final)]


def _syncable(ctx: Context, table: str, col: ColumnDef) -> None:
    """What the sync trigger needs: values it can compare (not LOBs, on Oracle), and where it
    runs after the write, a key to find the written rows again."""
    d, native = ctx.dialect, ctx.dialect.native_type(col.type)
    options = d.rename_column_options.format(table=table, column=col.name)
    if col.generated:
        raise impossible("rename_column", ctx, f"{table}.{col.name} is a generated column: the trigger and "
                         "backfill cannot write its copy", "allow downtime (a rename keeps the expression)")
    if d.is_lob(native):
        raise impossible("rename_column", ctx, f"{table}.{col.name} is a {native}, which the sync trigger cannot "
                         "compare", options)
    if d.sync_trigger_style == "after" and not ctx.table(table).primary_key:
        raise impossible("rename_column", ctx, f"{table} has no primary key for the sync trigger to find the "
                         "rows it writes by", options)


@strategy("column_swap")
class ColumnSwap(Strategy):
    """Expand: `<c>_new` of the new type, a trigger copying each write into it, a batched copy;
    migrate: NOT NULL online, then the two names swapped in one short lock while a trigger keeps
    `<c>_old` written the old way (so the switch rolls back without losing writes); contract: that
    trigger and `<c>_old` go. A change the catalog makes (PostgreSQL's binary-coercible widening,
    MySQL's in-place VARCHAR widening) runs as it is."""

    def plan(self, ch: AlterColumnType, ctx: Context, path: str) -> list[Step]:
        t = ctx.table(ch.table)
        tc = prepare_type_change(ch, ctx, path)
        warn_type_change(ctx, ch.table, tc)
        if not type_change_lock(ctx, tc).rewrite or _inplace(ctx, tc.old, tc.new.type):
            return _in_place(ctx, ch, tc)
        if ch.using:
            raise impossible("alter_column_type", ctx, "a `using` conversion cannot be replayed by the sync trigger",
                             "allow downtime, or convert in the app and use add_column + backfill + drop_column")
        _dependents(ctx, "alter_column_type", ch.table, ch.column)
        return _swap(ctx, ch.table, tc.old, tc.new, t)


def _inplace(ctx: Context, old: ColumnDef, target) -> bool:
    d = ctx.dialect
    return d.widens_in_place(d.native_type(old.type), d.native_type(target))


def _in_place(ctx: Context, ch: AlterColumnType, tc: TypeChange) -> list[Step]:
    form = ctx.dialect.online_form("modify", ctx.version)
    if not form:
        return behind_timeout(ctx, [type_change_step(ctx, ch.table, tc)])
    # MySQL: MODIFY with ALGORITHM=INPLACE, LOCK=NONE named; narrowing back is COPY-only, so the
    # rollback keeps the plain MODIFY (a rollback path). The estimate is the plain MODIFY's.
    sql = type_change_sql(ctx, ch.table, tc)
    return [Step(f"change type of {ch.table}.{tc.column} to {tc.new.type}",
                 guarded(ctx, [ctx.dialect.sql(form, **parts(ctx, ch.table, tc.new))]), guarded(ctx, sql.reverse),
                 lock_of(ctx, form), ch.table, sql.native, sql.reverse_native,
                 estimate=ctx.estimate(ch.table, type_change_lock(ctx, tc)), guards=[tc.guard] if tc.guard else [])]


def _swap(ctx: Context, table: str, old: ColumnDef, new: ColumnDef, t) -> list[Step]:
    """Copy into `<c>_new`, then swap names in one short lock; `<c>_old` is kept in sync the other
    way until contract so the switch can be rolled back without losing writes."""
    d, c = ctx.dialect, old.name
    tmp, prev = f"{c}_new"[:d.max_identifier], f"{c}_old"[:d.max_identifier]
    t.columns[c.lower()] = new
    new_type, old_type = d.native_type(new.type), d.native_type(old.type)
    fwd_sync = sync_sql(ctx, table, c, one=(tmp, c, new_type))
    steps = expand_steps(ctx, table, replace(new, name=tmp, nullable=True), fwd_sync, d.sync_cast(ctx.q(c), new_type), c)
    if not old.nullable:
        steps += set_not_null_steps(ctx, table, replace(new, name=tmp), "migrate")
    back_sync = sync_sql(ctx, table, c, one=(prev, c, old_type))
    steps.append(_switch(ctx, table, c, tmp, prev, fwd_sync, back_sync))
    if d.type_change_breaks_prepared:
        ctx.warnings.append(PREPARED.format(table=table, column=c))
    ctx.warnings.append(f"{table}.{c} {old.type} -> {new.type}: copied into {tmp}, swapped in place in the migrate "
                        f"phase; until contract a trigger keeps {prev} written too, so values that do not fit "
                        f"{old.type} are rejected (that keeps the rollback exact). Alternative on MySQL: "
                        f"pt-online-schema-change --alter \"MODIFY {c} {new_type}\" D=<db>,t={table} --execute.")
    value = d.sync_cast(ctx.q(c), old_type)
    return steps + [contract_step(ctx, table, replace(old, name=prev), c, back_sync, value)]


def _switch(ctx: Context, table: str, c: str, tmp: str, prev: str, fwd: list[str], back: list[str]) -> Step:
    d, q = ctx.dialect, ctx.q
    old_type = d.native_type(ctx.table(table).columns[c.lower()].type)
    phase_check(ctx, "migrate", f"{table}.{prev} holds the old values", f"SELECT COUNT(*) FROM {q(table)} WHERE "
                f"{distinct(ctx, q(prev), d.sync_cast(q(c), old_type))}", [[0]])
    if d.sync_trigger_style == "pair":
        # MySQL triggers name columns in their body: swap them under LOCK TABLES so no write
        # slips between dropping the old triggers and creating the new ones.
        rename = d.sql("zd_rename_columns", table=q(table), a=q(c), a_to=q(prev), b=q(tmp), b_to=q(c))
        unrename = d.sql("zd_rename_columns", table=q(table), a=q(c), a_to=q(tmp), b=q(prev), b_to=q(c))
        lock, unlock = d.sql("zd_lock_write", table=q(table)), d.sql("zd_unlock")
        drop = drop_sync_sql(ctx, table, c)
        return step(ctx, f"migrate: swap {table}.{c} and {tmp}", guarded(ctx, [lock] + drop + [rename] + back + [unlock]),
                    guarded(ctx, [lock] + drop + [unrename] + fwd + [unlock]),
                    ctx.lock("zd_swap"), table, "migrate",
                    transactional=False)
    ren = lambda a, b: d.sql("rename_column", table=q(table), column=q(a), new_name=q(b))  # noqa: E731
    # The trigger's UPDATE OF binds the column itself, not its name: it follows the renamed
    # column, so it is created anew for the swapped one, in the same transaction as the renames
    # (no write goes unsynced).
    drop = drop_sync_sql(ctx, table, c)
    return step(ctx, f"migrate: swap {table}.{c} and {tmp}", guarded(ctx, [ren(c, prev), ren(tmp, c)] + drop + back),
                guarded(ctx, [ren(c, tmp), ren(prev, c)] + drop + fwd), ctx.lock("zd_swap"), table, "migrate")


@strategy("drop_column_in_contract")
class DropColumnInContract(Strategy):
    """The drop (after its backup) is the contract phase, behind the app-deploy gate; a NOT NULL
    column without default first allows NULL (the app version that stops writing it must still
    insert). Oracle 12.1+ marks the column unused instead of DROP COLUMN, which rewrites every
    block under an exclusive lock; where the dialect says how, the guide tells how to get the
    space back later (SQL Server: DROP COLUMN is already metadata-only)."""

    def plan(self, ch: DropColumn, ctx: Context, path: str) -> list[Step]:
        col = ctx.table(ch.table).columns.get(ch.column.lower())
        expand = []
        if col is not None and col.type is not None and not col.nullable and col.default is None:
            pinned = _needs_not_null(ctx, ch.table, col.name)
            if pinned:
                ctx.warnings.append(f"{ch.table}.{ch.column} stays NOT NULL until the contract phase: index "
                                    f"{pinned.name} is {pinned.using.upper()}, which needs NOT NULL. The app version "
                                    "that stops reading it must still write a value.")
            else:
                expand = [allow_null_step(ctx, ch.table, col,
                                          "the app version that stops writing it must still insert")]
        ctx.warnings.append(f"Drop {ch.table}.{ch.column}: deploy the app version that neither reads nor writes it "
                            "before the contract phase.")
        return expand + behind_timeout(ctx, drop_column_steps(ch, ctx, path, _drop_form(ctx, ch)), "contract")


def _needs_not_null(ctx: Context, table: str, column: str) -> IndexDef | None:
    """An index that holds `column` NOT NULL while it exists (MySQL SPATIAL)."""
    kinds = ctx.dialect.index_types_need_not_null
    return next((i for i in ctx.table(table).indexes.values()
                 if i.using in kinds and column.lower() in map(str.lower, i.columns)), None)


def _drop_form(ctx: Context, ch: DropColumn) -> DropForm:
    d = ctx.dialect
    guide = {"post": [d.dropped_column_note.format(table=ch.table, column=ch.column)]} if d.dropped_column_note else {}
    if not d.marks_columns_unused():
        return replace(plain_drop(ctx), guide=guide)
    names = ctx.names(ch.table, ch.column)
    # the form is asked for when the statement is made: a column that cannot be dropped at all fails first
    return DropForm(lambda p: [d.sql(set_unused_form(ctx, ch.table, ch.column), **names)],
                    lock_of(ctx, "zd_set_unused"), guide)


@strategy("drop_table_in_contract")
class DropTableInContract(Strategy):
    """Dropping is a brief catalog change; the risk is a running app that still reads the table,
    so the drop (after its backup) is the contract phase behind the app-deploy gate."""

    def plan(self, ch: DropTable, ctx: Context, path: str) -> list[Step]:
        ctx.warnings.append(f"Drop table {ch.table}: deploy the app version that no longer uses it before "
                            "the contract phase.")
        note = ctx.dialect.dropped_table_note     # Oracle: the recycle bin keeps it
        steps = drop_table_steps(ch, ctx, path, [note.format(table=ch.table)] if note else [])
        return behind_timeout(ctx, steps, "contract")


@strategy("alias_rename")
class AliasRename(Strategy):
    """Rename, and keep the old name valid behind an alias until contract, so app versions using
    either name run side by side. PostgreSQL: a view (automatically updatable) and SQL Server: a
    synonym, each in the rename's transaction; Oracle, whose DDL commits on its own: a PUBLIC
    synonym created first, shadowed by the table until the rename (`alias_first`)."""

    def plan(self, ch: RenameTable, ctx: Context, path: str) -> list[Step]:
        d = ctx.dialect
        prepare_rename_table(ch, ctx)
        names = dict(name=ctx.q(ch.table), target=ctx.q(ch.new_name), name_lit=ctx.lit(ch.table),
                     target_lit=ctx.lit(ch.new_name))
        alias, unalias = d.sql("zd_alias", **names), d.sql("zd_drop_alias", **names)
        rename, back = rename_table_sql(ctx, ch.table, ch.new_name), rename_table_sql(ctx, ch.new_name, ch.table)
        forward = [alias, rename] if d.alias_first else [rename, alias]
        reverse = [back, unalias] if d.alias_first else [unalias, back]
        guard = d.alias_guard(ch.table)
        note(ctx, d.alias_note, name=ch.table, target=ch.new_name)
        phase_check(ctx, "expand", f"{d.alias_kind} {ch.table} stands for {ch.new_name}",
                    d.sql("zd_alias_check", **names), [[1]])
        return [step(ctx, f"expand: rename {ch.table} to {ch.new_name}, {d.alias_kind} {ch.table} for running apps",
                     guarded(ctx, forward), guarded(ctx, reverse), ctx.brief("rename_table"), ch.table, "expand",
                     guards=[Guard(*guard)] if guard else []),
                step(ctx, f"contract: drop {d.alias_kind} {ch.table}", guarded(ctx, [unalias]), guarded(ctx, [alias]),
                     ctx.lock("zd_drop_alias"), None, "contract")]


@strategy("no_alias")
class NoAlias(Strategy):
    """Without transactional DDL (MySQL) no alias under the old name can appear in the rename's
    instant: the rename switches every query at once."""

    def plan(self, ch: RenameTable, ctx: Context, path: str) -> list[Step]:
        raise impossible("rename_table", ctx, f"renaming {ch.table} to {ch.new_name} switches every query at once, "
                         "and without transactional DDL no alias under the old name can appear in the same instant",
                         "allow downtime and deploy the app with the rename, or create the new table, sync it with "
                         "triggers and move the app over (expand/contract) by hand")
