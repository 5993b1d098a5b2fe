"""Direct (T1) strategies for columns: add, drop (with a backup), rename, type, null, default."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from ..dialects.facts import Lock
from ..errors import InvalidRequest, UnsafeRollback
from ..models import (AddColumn, AlterColumnType, DropColumn, DropDefault, DropNotNull,
                      RenameColumn, SetDefault, SetNotNull)
from ..schema import ColumnDef, rename_in_keys
from ..types import INT_RANGE, STRINGS
from .context import Context
from .dependents import add_generated_sql, drop_dependents
from .model import Guard, NativeOp, Step
from .registry import direct


def parts(ctx: Context, table: str, col: ColumnDef, **extra: str) -> dict[str, str]:
    """Every piece a column form may use (forms pick theirs: MODIFY restates the definition)."""
    typed = col.type is not None
    return dict(ctx.names(table, col.name),
                type=ctx.dialect.native_type(col.type) if typed else "",
                column_def=ctx.column_def(table, col) if typed else "",
                null=" NULL" if col.nullable else " NOT NULL",   # explicit: SQL Server's default varies
                default=col.default or "NULL", default_name=ctx.q(ctx.name("DF", table, [col.name])),
                **extra)


def _native(kind: str, table: str, ctx: Context, col: ColumnDef | None, **fields) -> NativeOp | None:
    if col is not None and col.identity:
        return None   # as SQL in every tool: the tools' own column changes would drop the numbering (MySQL MODIFY)
    base = {"table": table, "column": col.name if col else fields.pop("column")}
    if col is not None and col.type is not None:
        base["type"] = ctx.dialect.native_type(col.type)
        base["nullable"], base["default"] = col.nullable, col.default
    return NativeOp(kind, {**base, **fields})


def _add_column_lock(ctx: Context, col: ColumnDef):
    rewrites = ctx.dialect.add_column_rewrites(col.default, ctx.version)
    return ctx.lock("add_column_rewrite" if rewrites else "add_column")


def prepare_add_column(ch: AddColumn, ctx: Context, path: str) -> ColumnDef:
    """The column to add, checked, and recorded in the virtual schema (every strategy's start)."""
    col = ctx.from_request(ch.column, f"{path}.column")
    if ch.column.identity:
        # the database would number every existing row in one rewrite under its lock
        raise InvalidRequest(
            f"adding {ch.table}.{col.name} as an identity column is not supported: identity is for create_table",
            field=f"{path}.column.identity",
            suggestion="add an integer column, fill it (backfill), then attach a sequence or identity with raw_sql")
    if ch.column.primary_key:
        # a key on a column that did not exist: every existing row needs its own value first
        raise InvalidRequest(
            f"adding {ch.table}.{col.name} as the primary key is not supported in one step",
            field=f"{path}.column.primary_key",
            suggestion="add the column, fill it (backfill), then set_not_null and add_unique; "
                       "or create the table with `primary_key`")
    if not col.nullable and col.default is None:
        raise InvalidRequest(
            f"adding NOT NULL column {ch.table}.{col.name} needs a default (existing rows need a value)",
            field=f"{path}.column.default",
            suggestion="give `default`, or add it nullable, backfill, then `set_not_null`")
    table = ctx.table(ch.table)
    if col.name.lower() in table.columns:
        raise InvalidRequest(f"column {ch.table}.{col.name} already exists", field=f"{path}.column.name")
    table.columns[col.name.lower()] = col
    return col


@direct("add_column")
def add_column(ch: AddColumn, ctx: Context, path: str) -> list[Step]:
    return [add_column_step(ctx, ch.table, prepare_add_column(ch, ctx, path))]


def add_column_step(ctx: Context, table: str, col: ColumnDef, reverse: list[str] | None = None) -> Step:
    """ADD COLUMN as one statement; `reverse` replaces its DROP COLUMN (Oracle's zero-downtime
    plan marks the column unused instead)."""
    lock = _add_column_lock(ctx, col)
    if lock.rewrite:
        ctx.warnings.append(f"ADD COLUMN {table}.{col.name} with DEFAULT {col.default} rewrites the "
                            "table (the default differs per row) while holding its lock.")
    p, d = parts(ctx, table, col), ctx.dialect
    drop = _native("drop_column", table, ctx, col) if reverse is None else None
    reverse = d.statements("drop_column", **p) if reverse is None else reverse
    return Step(f"add column {table}.{col.name}", d.statements("add_column", **p), reverse, lock, table,
                _native("add_column", table, ctx, col), drop, estimate=ctx.estimate(table, lock))


@dataclass
class DropForm:
    """How a column leaves: its statements (from the column's parts), their lock, and lines for
    the deployment guide. The plain DROP COLUMN, or Oracle's zero-downtime SET UNUSED."""

    statements: Callable[[dict[str, str]], list[str]]
    lock: Lock
    guide: dict[str, list[str]] = field(default_factory=dict)


def plain_drop(ctx: Context) -> DropForm:
    return DropForm(lambda p: ctx.dialect.statements("drop_column", **p), ctx.lock("drop_column"))


@direct("drop_column")
def drop_column(ch: DropColumn, ctx: Context, path: str) -> list[Step]:
    return drop_column_steps(ch, ctx, path, plain_drop(ctx))


def drop_column_steps(ch: DropColumn, ctx: Context, path: str, how: DropForm) -> list[Step]:
    """Back the values up (keyed by the primary key), drop what depends on the column, drop it."""
    d, table = ctx.dialect, ctx.table(ch.table)
    what = f"DROP COLUMN {ch.table}.{ch.column}"
    col = table.columns.get(ch.column.lower())
    pk = [c for c in table.primary_key if c.lower() != ch.column.lower()]
    if col is not None and col.generated:
        return _drop_generated(ch, ctx, col, how)
    if col is None or not pk:
        return _drop_column_unrecoverable(ch, ctx, path, col, what, how)
    backup = ctx.name("dbmig_bak", ch.table, [ch.column])
    p = parts(ctx, ch.table, col, backup=ctx.q(backup), columns=ctx.qlist(pk + [col.name]),
              join=" AND ".join(f"b.{ctx.q(k)} = {ctx.q(ch.table)}.{ctx.q(k)}" for k in pk),
              join_t=" AND ".join(f"b.{ctx.q(k)} = t.{ctx.q(k)}" for k in pk))
    restore = _readd_column(ctx, ch.table, col, p)
    renumber = (d.renumbered(p, col) or []) if col.identity else []
    if col.identity and not renumber:
        ctx.warnings.append(
            f"{ch.table}.{ch.column} is numbered by the database ({col.identity}): the rollback brings the "
            "column and its values back, but as a plain column; re-create its numbering by hand if it is needed.")
    dependents, readd = drop_dependents(ctx, ch.table, ch.column)
    del table.columns[ch.column.lower()]
    ctx.warnings.append(
        f"{what} removes data: the values are first copied to {backup} (keyed by {', '.join(pk)}) for "
        f"the rollback; drop {backup} once the migration is final. Running app versions that read "
        f"{ch.column} break.")
    copy = ctx.lock("copy_table")
    return [
        Step(f"back up {ch.table}.{ch.column} into {backup}", [d.copy_table(p["backup"], p["columns"], p["table"])],
             [d.sql("drop_table", table=ctx.q(backup))], copy, ch.table, estimate=ctx.estimate(ch.table, copy)),
        *dependents,
        # what the database dropped with the column comes back right after the values, then its
        # numbering (MySQL numbers only a key column)
        Step(f"drop column {ch.table}.{ch.column}", how.statements(p), restore + readd + renumber, how.lock, ch.table,
             _native("drop_column", ch.table, ctx, col), destructive=True,
             estimate=ctx.estimate(ch.table, how.lock), guide=_copied(how.guide)),
    ]


def _copied(guide: dict[str, list[str]]) -> dict[str, list[str]]:
    return {section: list(lines) for section, lines in guide.items()}


def _drop_generated(ch: DropColumn, ctx: Context, col: ColumnDef, how: DropForm) -> list[Step]:
    """A generated column holds no values of its own: nothing to back up; the rollback adds it
    back and the database computes it again."""
    dependents, readd = drop_dependents(ctx, ch.table, ch.column)
    del ctx.table(ch.table).columns[ch.column.lower()]
    reverse = [add_generated_sql(ctx, ch.table, col)] + readd
    return [*dependents, Step(f"drop column {ch.table}.{ch.column}", how.statements(parts(ctx, ch.table, col)), reverse,
                              how.lock, ch.table,
                              estimate=ctx.estimate(ch.table, how.lock), guide=_copied(how.guide))]


def _readd_column(ctx: Context, table: str, col: ColumnDef, p: dict) -> list[str]:
    """Re-create a dropped column and put its values back from the backup."""
    d = ctx.dialect
    plain = replace(col, identity=None)     # an added identity column would number the rows anew
    loose = replace(plain, nullable=True)
    statements = d.statements("add_column", **{**p, "column_def": ctx.column_def(table, loose)})
    statements += d.comments_on(table, None, [col])
    statements.append(d.sql("update_from_backup", **p))
    if not col.nullable:
        statements += d.statements("set_not_null", **parts(ctx, table, plain))
    return statements


def _drop_column_unrecoverable(ch: DropColumn, ctx: Context, path: str, col, what: str,
                               how: DropForm) -> list[Step]:
    need = "its definition" if col is None else f"a primary key on {ch.table} to key a backup"
    ctx.unrecoverable(UnsafeRollback(
        f"Cannot generate safe rollback for {what}: dbmig needs {need} (pass `schema`), or set "
        "`confirm_data_loss` to accept that the rollback cannot bring the values back",
        field="schema", suggestion="pass `schema` with the CREATE TABLE, or set `confirm_data_loss`"),
        f"DATA LOSS: {what} cannot restore the values (confirmed by confirm_data_loss).")
    # the forward still needs its dependents out of the way; the rollback rebuilds them on NULLs
    dependents, readd = drop_dependents(ctx, ch.table, ch.column) if col else ([], [])
    ctx.table(ch.table).columns.pop(ch.column.lower(), None)
    d = ctx.dialect
    p = parts(ctx, ch.table, col) if col else ctx.names(ch.table, ch.column)
    reverse = d.statements("add_column", **{**p, "column_def": ctx.column_def(
        ch.table, replace(col, nullable=True))}) + d.comments_on(ch.table, None, [col]) + readd if col else None
    manual = [] if col else [f"Re-create column {ch.table}.{ch.column} with its old definition and "
                             "restore its values from a backup."]
    return [*dependents, Step(f"drop column {ch.table}.{ch.column}", how.statements(p), reverse, how.lock,
                              ch.table, destructive=True, manual_steps=manual,
                              estimate=ctx.estimate(ch.table, how.lock), guide=_copied(how.guide))]


@direct("rename_column")
def rename_column(ch: RenameColumn, ctx: Context, path: str) -> list[Step]:
    d, table = ctx.dialect, ctx.table(ch.table)
    col = table.columns.pop(ch.column.lower(), None)
    if col is not None:
        table.columns[ch.new_name.lower()] = replace(col, name=ch.new_name)
    rename_in_keys(ctx.schema, table, ch.column, ch.new_name, ctx.q(ch.new_name))
    ctx.warnings.append(f"Renaming {ch.table}.{ch.column} to {ch.new_name} breaks running app "
                        f"versions that use {ch.column}; with downtime not allowed use the expand/contract plan.")
    fwd = ctx.names(ch.table, ch.column, ch.new_name)
    back = ctx.names(ch.table, ch.new_name, ch.column)
    typed = {"type": d.native_type(col.type)} if col else {}
    return [Step(f"rename column {ch.table}.{ch.column} to {ch.new_name}",
                 d.statements("rename_column", **fwd), d.statements("rename_column", **back),
                 ctx.lock("rename_column"), ch.table,
                 NativeOp("rename_column", {"table": ch.table, "column": ch.column,
                                            "new_name": ch.new_name, **typed}),
                 NativeOp("rename_column", {"table": ch.table, "column": ch.new_name,
                                            "new_name": ch.column, **typed}))]


@dataclass
class TypeChange:
    """A column type change, checked: the column before and after, the conversion, the guard
    that stops the migration before a value that does not fit would be cut."""

    column: str                 # as the request names it
    old: ColumnDef
    new: ColumnDef
    using: str | None
    guard: Guard | None


def prepare_type_change(ch: AlterColumnType, ctx: Context, path: str) -> TypeChange:
    """Every strategy's start: the current column (from `schema`), the new one, the guard; the
    virtual schema gets the new type."""
    d = ctx.dialect
    old = ctx.known_column(ch.table, ch.column, f"changing the type of {ch.table}.{ch.column}", path)
    ctx.refuse_generated(ch.table, ch.column, "a type change", f"{path}.column")
    if old.type.is_native:
        raise InvalidRequest(f"{ch.table}.{ch.column} is of type {old.type}, which has no portable equivalent: "
                             "dbmig does not know its conversions", field=f"{path}.type",
                             suggestion="add a column of the new type, backfill it with an expression, then "
                                        "drop the old one")
    new = replace(old, type=ctx.type(ch.type, f"{path}.type"))
    using = ctx.expr(ch.using, f"{path}.using") if ch.using else None
    if using and not d.type_change_using:
        raise InvalidRequest(f"`using` is not available on {d.name}", field=f"{path}.using")
    forward = using is not None or d.converts(old.type, new.type)
    if not (forward and d.converts(new.type, old.type)):
        start, end, what = (old.type, new.type, "the change") if not forward else (new.type, old.type, "its rollback")
        raise InvalidRequest(
            f"{d.name} has no conversion from {start} to {end}: {what} of {ch.table}.{ch.column} would fail "
            "whatever the rows hold", field=f"{path}.type",
            suggestion="add a column of the new type, backfill it with an expression, then drop the old one")
    if d.needs_cast(old.type, new.type):
        _refuse_unconverted_default(ch, old, new, d, path)
        using = using or f"{ctx.q(old.name)}::{d.native_type(new.type)}"
    change = TypeChange(ch.column, old, new, using, _narrowing_guard(ctx, ch.table, old, new))
    ctx.table(ch.table).columns[ch.column.lower()] = new
    return change


def _refuse_unconverted_default(ch: AlterColumnType, old: ColumnDef, new: ColumnDef, d, path: str) -> None:
    """The database converts a column's DEFAULT with the column only by a cast it applies by
    itself: where the values need an explicit one, so would the default, and the ALTER fails
    ("default for column cannot be cast automatically"). Going back is fine: the default was
    converted on the way there."""
    if old.default is None:
        return
    where = f"{ch.table}.{ch.column}"
    raise InvalidRequest(
        f"{where} has DEFAULT {old.default}, which {d.name} does not convert to {new.type} by itself: "
        "the type change would fail", field=f"{path}.type",
        suggestion=f"put a drop_default change for {where} before this one, and after it a set_default "
                   "with a value of the new type if the column needs a default")


def warn_type_change(ctx: Context, table: str, tc: TypeChange) -> None:
    """What a type change risks wherever it runs: values that may not convert, and clients'
    prepared statements (PostgreSQL)."""
    old, new = tc.old, tc.new
    if not old.type.widens_to(new.type) and tc.guard is None:
        ctx.warnings.append(
            f"{table}.{tc.column} {old.type} -> {new.type} may not fit every value: the statement "
            "fails (nothing is changed) if a value does not convert; the rollback converts back.")
    if ctx.dialect.type_change_breaks_prepared:
        ctx.warnings.append(f"Type change of {table}.{tc.column}: clients using server-side prepared "
                            "statements get 'cached plan must not change result type' until they reconnect.")


@direct("alter_column_type")
def alter_column_type(ch: AlterColumnType, ctx: Context, path: str) -> list[Step]:
    tc = prepare_type_change(ch, ctx, path)
    warn_type_change(ctx, ch.table, tc)
    return [type_change_step(ctx, ch.table, tc)]


def type_change_lock(ctx: Context, tc: TypeChange) -> Lock:
    coercible = ctx.dialect.type_change_in_catalog(tc.old.type, tc.new.type)
    return ctx.lock("alter_column_type_coercible" if coercible else "alter_column_type")


@dataclass
class TypeChangeSql:
    forward: list[str]
    reverse: list[str]
    native: NativeOp
    reverse_native: NativeOp


def type_change_sql(ctx: Context, table: str, tc: TypeChange) -> TypeChangeSql:
    """ALTER ... TYPE and its reverse (PostgreSQL converts back with USING)."""
    d, old, new = ctx.dialect, tc.old, tc.new
    fwd = parts(ctx, table, new, using=d.sql("using_clause", using=tc.using) if tc.using else "")
    back_using = _reverse_using(ctx, old, new)
    back = parts(ctx, table, old, using=d.sql("using_clause", using=back_using) if back_using else "")
    return TypeChangeSql(d.statements("alter_column_type", **fwd) + d.after_type_change(fwd, new),
                         d.statements("alter_column_type", **back) + d.after_type_change(back, old),
                         _native("modify_type", table, ctx, new, using=tc.using),
                         _native("modify_type", table, ctx, old, using=back_using))


def type_change_step(ctx: Context, table: str, tc: TypeChange) -> Step:
    sql, lock = type_change_sql(ctx, table, tc), type_change_lock(ctx, tc)
    return Step(f"change type of {table}.{tc.column} to {tc.new.type}", sql.forward, sql.reverse, lock, table,
                sql.native, sql.reverse_native, estimate=ctx.estimate(table, lock),
                guards=[tc.guard] if tc.guard else [])


def _narrowing_guard(ctx: Context, table: str, old: ColumnDef, new: ColumnDef) -> Guard | None:
    """Rows whose value the new type would cut, round or reject. Some databases fail on them
    (PostgreSQL, MariaDB in strict mode), others truncate or round silently (a NUMERIC scale
    cut rounds everywhere): the migration counts them first and stops before any change."""
    c, o, n = ctx.q(old.name), old.type, new.type
    if o.widens_to(n):
        return None
    if n.name in ("varchar", "char") and o.name in STRINGS:
        lost = f"{ctx.dialect.sql('batch_length', value=c)} > {n.args[0]}"
    elif n.name in INT_RANGE and (o.name in INT_RANGE or o.is_decimal):
        lo, hi = INT_RANGE[n.name]
        lost = f"({c} < {lo} OR {c} > {hi}" + (f" OR {c} <> ROUND({c}, 0))" if o.is_decimal else ")")
    elif n.is_decimal and (o.name in INT_RANGE or o.is_decimal):
        p, s = (*n.args, 0)[:2] if n.args else (18, 0)      # decimal(p) is decimal(p, 0)
        lost = f"({c} <> ROUND({c}, {s}) OR ABS({c}) >= 1{'0' * (p - s)})"
    else:
        return None
    return Guard(f"SELECT COUNT(*) FROM {ctx.q(table)} WHERE {lost}",
                 f"dbmig guard: values of {table}.{old.name} do not fit {n} (they would be cut or rounded); "
                 "nothing was changed")


def _reverse_using(ctx: Context, old: ColumnDef, new: ColumnDef) -> str | None:
    """The cast back to the old type, where the database takes one (PostgreSQL USING)."""
    if not ctx.dialect.type_change_using or old.type.same_kind(new.type):
        return None
    return f"{ctx.q(old.name)}::{ctx.dialect.native_type(old.type)}"


@direct("set_not_null")
def set_not_null(ch: SetNotNull, ctx: Context, path: str) -> list[Step]:
    d = ctx.dialect
    col = nullable_column(ctx, ch, path)
    new = replace(col, nullable=False)
    ctx.table(ch.table).columns[ch.column.lower()] = new
    lock = ctx.lock("set_not_null")
    steps = []
    if ch.backfill:
        steps += _backfill_nulls(ctx, ch, path)
    else:
        ctx.warnings.append(f"SET NOT NULL on {ch.table}.{ch.column} fails if any row holds NULL; "
                            "pass `backfill` to fill them first.")
    steps.append(Step(f"set {ch.table}.{ch.column} NOT NULL",
                      d.statements("set_not_null", **parts(ctx, ch.table, new)),
                      d.statements("drop_not_null", **parts(ctx, ch.table, col)), lock, ch.table,
                      _native("set_not_null", ch.table, ctx, new), _native("drop_not_null", ch.table, ctx, col),
                      estimate=ctx.estimate(ch.table, lock)))
    return steps


def _backfill_nulls(ctx: Context, ch: SetNotNull, path: str) -> list[Step]:
    """Fill NULLs, keeping the keys of the rows filled so the rollback can empty them again."""
    d, table = ctx.dialect, ctx.table(ch.table)
    value = ctx.expr(ch.backfill, f"{path}.backfill")
    where = f" WHERE {ctx.q(ch.column)} IS NULL"
    update = d.sql("update", table=ctx.q(ch.table), assignments=f"{ctx.q(ch.column)} = {value}", where=where)
    pk, lock = table.primary_key, ctx.lock("update")
    if not pk:
        ctx.warnings.append(f"{ch.table} has no known primary key: the rollback cannot tell backfilled "
                            f"values of {ch.column} from real ones and leaves them in place.")
        return [Step(f"backfill NULLs of {ch.table}.{ch.column}", [update], [], lock,
                     ch.table, estimate=ctx.estimate(ch.table, lock))]
    backup = ctx.name("dbmig_bak", ch.table, [ch.column])
    # the keys of the rows filled, so the rollback empties exactly those
    keep = d.copy_table(ctx.q(backup), ctx.qlist(pk), ctx.q(ch.table), where)
    match = " AND ".join(f"b.{ctx.q(k)} = {ctx.q(ch.table)}.{ctx.q(k)}" for k in pk)
    undo = d.sql("update", table=ctx.q(ch.table), assignments=f"{ctx.q(ch.column)} = NULL",
                 where=f" WHERE EXISTS (SELECT 1 FROM {ctx.q(backup)} b WHERE {match})")
    return [Step(f"backfill NULLs of {ch.table}.{ch.column}", [keep, update],
                 [undo, d.sql("drop_table", table=ctx.q(backup))], lock, ch.table,
                 estimate=ctx.estimate(ch.table, lock))]


@direct("drop_not_null")
def drop_not_null(ch: DropNotNull, ctx: Context, path: str) -> list[Step]:
    d = ctx.dialect
    col = column_for(ctx, ch.table, ch.column, "drop_not_null", path)
    known = ctx.schema.table(ch.table)
    if known and ch.column.lower() in (c.lower() for c in known.primary_key):
        raise InvalidRequest(f"{ch.table}.{ch.column} is in the primary key of {ch.table}: every database keeps "
                             "key columns NOT NULL", field=f"{path}.column",
                             suggestion="drop or change the primary key first (drop_constraint)")
    new = replace(col, nullable=True)
    ctx.table(ch.table).columns[ch.column.lower()] = new
    ctx.warnings.append(f"Readers that assume {ch.table}.{ch.column} is never NULL may break, and rolling "
                        "back DROP NOT NULL fails once NULLs were written.")
    lock = ctx.lock("drop_not_null")
    # MySQL's MODIFY rebuilds the table: the estimate says how long; elsewhere a catalog change
    timed = {"estimate": ctx.estimate(ch.table, lock)} if lock.rewrite else {}
    return [Step(f"allow NULL in {ch.table}.{ch.column}",
                 d.statements("drop_not_null", **parts(ctx, ch.table, new)),
                 d.statements("set_not_null", **parts(ctx, ch.table, replace(col, nullable=False))),
                 lock, ch.table, _native("drop_not_null", ch.table, ctx, new),
                 _native("set_not_null", ch.table, ctx, replace(col, nullable=False)), **timed)]


def nullable_column(ctx: Context, ch: SetNotNull, path: str) -> ColumnDef:
    """The column SET NOT NULL applies to, refused where the schema says it is NOT NULL already:
    its rollback would allow NULL in a column that never allowed it (in a key column: refused)."""
    col = column_for(ctx, ch.table, ch.column, "set_not_null", path)
    if col.type is not None and not col.nullable:
        raise InvalidRequest(f"{ch.table}.{ch.column} is already NOT NULL in the given schema",
                             field=f"{path}.column")
    return col


def column_for(ctx: Context, table: str, column: str, op: str, path: str) -> ColumnDef:
    """The column's definition where the dialect restates it; else what is known, or a stub."""
    if op in ctx.dialect.restates_column:
        return ctx.known_column(table, column, f"{op} on {table}.{column} on {ctx.dialect.name} "
                                               "(the statement restates the column type)", path)
    return ctx.schema.column(table, column) or ColumnDef(column, None)  # type: ignore[arg-type]


@direct("set_default")
def set_default(ch: SetDefault, ctx: Context, path: str) -> list[Step]:
    return _default_step(ctx, ch.table, ch.column, ctx.expr(ch.default, f"{path}.default"), path)


@direct("drop_default")
def drop_default(ch: DropDefault, ctx: Context, path: str) -> list[Step]:
    return _default_step(ctx, ch.table, ch.column, None, path)


def _default_step(ctx: Context, table: str, column: str, default: str | None, path: str) -> list[Step]:
    d = ctx.dialect
    ctx.refuse_generated(table, column, "a default", f"{path}.column")
    old = ctx.schema.column(table, column)
    col = old or ColumnDef(column, None)  # type: ignore[arg-type]
    new = replace(col, default=default)
    if old is not None:
        ctx.table(table).columns[column.lower()] = new
    form = lambda c: "set_default" if c.default is not None else "drop_default"  # noqa: E731
    forward = d.statements(form(new), **parts(ctx, table, new))
    what = f"{'set' if default else 'drop'} default of {table}.{column}"
    if default is None:
        ctx.warnings.append(f"After dropping the default of {table}.{column}, inserts that omit "
                            f"{column} store NULL (or fail if it is NOT NULL): check the app sets it.")
    if old is None:
        return [Step(what, forward, None, ctx.lock(form(new)), table,
                     manual_steps=[f"Restore the previous default of {table}.{column} (unknown to "
                                   "dbmig: pass `schema` to get it generated)."])]
    reverse = d.statements(form(old), **parts(ctx, table, old))
    return [Step(what, forward, reverse, ctx.lock(form(new)), table,
                 _native(form(new), table, ctx, new), _native(form(old), table, ctx, old))]
