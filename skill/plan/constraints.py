"""Direct (T1) strategies for indexes and constraints, and the raw SQL escape hatch."""
from __future__ import annotations

import hashlib

from ..lazysqlglot import exp
from ..errors import InvalidRequest, UnsafeRollback
from ..sqlcheck import split_statements
from ..models import AddCheck, AddForeignKey, AddIndex, AddUnique, DropConstraint, DropIndex, RawSql
from ..schema import ConstraintDef, IndexDef
from ..sqlparse import parse_one
from .context import Context
from .model import NativeOp, Step
from .registry import direct
from .tables import constraint_clause


def _known_columns(ctx: Context, table: str, columns: list[str], path: str) -> None:
    t = ctx.schema.table(table)
    if ctx.schema.known and t is not None and t.columns:
        missing = [c for c in columns if c.lower() not in t.columns]
        if missing:
            raise InvalidRequest(f"{table} has no column {', '.join(missing)} in the given schema",
                                 field=f"{path}.columns")


def prepare_index(ch: AddIndex, ctx: Context, path: str) -> IndexDef:
    """The index to build, checked and named, recorded in the virtual schema."""
    _known_columns(ctx, ch.table, ch.columns, path)
    name = ch.name or ctx.name("ux" if ch.unique else "ix", ch.table, ch.columns)
    where = ctx.expr(ch.where, f"{path}.where") if ch.where else None
    if where and not ctx.dialect.partial_indexes:
        raise InvalidRequest(f"partial indexes (`where`) are not available on {ctx.dialect.name}",
                             field=f"{path}.where")
    index = IndexDef(name, list(ch.columns), ch.unique, where)
    ctx.table(ch.table).indexes[name.lower()] = index
    return index


@direct("add_index")
def add_index(ch: AddIndex, ctx: Context, path: str) -> list[Step]:
    i = prepare_index(ch, ctx, path)
    lock = ctx.lock("add_index")
    return [Step(f"create index {i.name}", [ctx.dialect.create_index("add_index", ch.table, i)],
                 [drop_index_sql(ctx, ch.table, i.name)], lock, ch.table, native_index(ch.table, i),
                 NativeOp("drop_index", {"table": ch.table, "name": i.name}),
                 estimate=ctx.estimate(ch.table, lock, "index"))]


def native_index(table: str, index: IndexDef) -> NativeOp | None:
    """The tool's own createIndex, where it can say the whole index (plain columns; the SQL
    form keeps an access method, key options, expressions and INCLUDE)."""
    if not index.plain:
        return None
    return NativeOp("create_index", {"table": table, "name": index.name, "columns": list(index.columns),
                                     "unique": index.unique, "where": index.where})


def drop_index_sql(ctx: Context, table: str, name: str) -> str:
    return ctx.dialect.sql("drop_index", name=ctx.q(name), table=ctx.q(table))


def refuse_unknown(ctx: Context, table_name: str, kind: str, name: str, path: str) -> None:
    """A drop of an index or constraint the given schema holds no trace of fails on apply, so it
    is refused. Not when the table has an unnamed constraint: the database named it (PostgreSQL
    `orders_user_id_fkey`, MySQL `orders_ibfk_1` or the unique key's column) and it may be this one."""
    table = ctx.schema.table(table_name)
    if not ctx.schema.known or table is None or any(key.startswith("<") for key in table.constraints):
        return
    names = [*table.indexes, *table.constraints] if kind == "index" else [*table.constraints]
    if name.lower() not in names:
        raise InvalidRequest(f"{table_name} has no {kind} named {name} in the given schema: dropping it "
                             "would fail", field=f"{path}.name", allowed=sorted(names) or None)


@direct("drop_index")
def drop_index(ch: DropIndex, ctx: Context, path: str) -> list[Step]:
    refuse_unknown(ctx, ch.table, "index", ch.name, path)
    table = ctx.table(ch.table)
    old = table.indexes.pop(ch.name.lower(), None)
    lock = ctx.lock("drop_index")
    forward = [drop_index_sql(ctx, ch.table, ch.name)]
    ctx.warnings.append(f"DROP INDEX {ch.name} takes {lock.level} on {ch.table} briefly; queries that "
                        "used the index get slower.")
    native = NativeOp("drop_index", {"table": ch.table, "name": ch.name})
    if old is None:
        return [Step(f"drop index {ch.name}", forward, None, lock, ch.table, native, manual_steps=[
            f"Re-create index {ch.name} on {ch.table} with its old definition (unknown to dbmig: pass `schema`)."])]
    return [Step(f"drop index {ch.name}", forward,
                 [ctx.dialect.create_index("add_index", ch.table, old)], lock, ch.table,
                 native, native_index(ch.table, old),
                 estimate=ctx.estimate(ch.table, lock))]


def _added(ctx: Context, table: str, c: ConstraintDef) -> ConstraintDef:
    """Record a new constraint in the virtual schema."""
    ctx.table(table).constraints[c.name.lower()] = c
    return c


def _add_constraint(ctx: Context, table: str, c: ConstraintDef, form: str, native: NativeOp | None,
                    **extra: str) -> Step:
    d = ctx.dialect
    lock = ctx.lock(form)
    forward = d.sql(form, table=ctx.q(table), name=ctx.q(c.name), columns=ctx.qlist(c.columns), **extra)
    return Step(f"add {c.kind.replace('_', ' ')} {c.name} on {table}", [forward],
                drop_constraint_sql(ctx, table, c), lock, table, native,
                NativeOp("drop_constraint", {"table": table, "name": c.name, "kind": c.kind}),
                estimate=ctx.estimate(table, lock))


def add_constraint_sql(ctx: Context, table: str, c: ConstraintDef) -> str:
    """Re-creating a known constraint as it was. An unnamed one stays unnamed: the database
    names it again the way it did the first time (orders_note_key, `note`)."""
    if c.name.startswith("<") or c.kind == "exclusion":
        return f"ALTER TABLE {ctx.q(table)} ADD {constraint_clause(ctx, table, c)}"
    form = {"unique": "add_unique", "check": "add_check", "foreign_key": "add_foreign_key"}[c.kind]
    extra = dict(expression=c.expression or "", ref_columns=ctx.qlist(c.ref_columns),
                 on_delete=ctx.dialect.on_delete.get(c.on_delete or "", ""))
    if c.ref_table:
        extra["ref_table"] = ctx.q(c.ref_table)
    return ctx.dialect.sql(form, table=ctx.q(table), name=ctx.q(c.name), columns=ctx.qlist(c.columns), **extra)


def drop_constraint_sql(ctx: Context, table: str, c: ConstraintDef) -> list[str]:
    """Dropping a constraint; MySQL names the statement by kind and keeps the FK's index."""
    d = ctx.dialect
    statements = [d.drop_constraint(c.kind, table=ctx.q(table), name=ctx.q(c.name))]
    if c.kind == "foreign_key" and d.fk_index_kept and not _indexed(ctx, table, c.columns):
        statements.append(d.sql("drop_fk_index", table=ctx.q(table), name=ctx.q(c.name)))
    return statements


def _indexed(ctx: Context, table: str, columns: list[str]) -> bool:
    """True when an index already starts with these columns (MySQL then adds none for an FK)."""
    t = ctx.table(table)
    lead = [c.lower() for c in columns]
    covered = [i.columns for i in t.indexes.values()]
    covered += [c.columns for c in t.constraints.values() if c.kind in ("primary_key", "unique")]
    return any([x.lower() for x in cols[:len(lead)]] == lead for cols in covered)


def prepare_foreign_key(ch: AddForeignKey, ctx: Context, path: str) -> ConstraintDef:
    """The foreign key, checked and named, recorded in the virtual schema."""
    if len(ch.columns) != len(ch.ref_columns):
        raise InvalidRequest("columns and ref_columns differ in length", field=f"{path}.ref_columns")
    _known_columns(ctx, ch.table, ch.columns, path)
    name = ch.name or ctx.name("fk", ch.table, ch.columns)
    return _added(ctx, ch.table, ConstraintDef(name, "foreign_key", list(ch.columns), ref_table=ch.ref_table,
                                               ref_columns=list(ch.ref_columns), on_delete=ch.on_delete))


def fk_parts(ctx: Context, c: ConstraintDef) -> dict[str, str]:
    """What a foreign key form needs besides table, name and columns."""
    return dict(ref_table=ctx.q(c.ref_table), ref_columns=ctx.qlist(c.ref_columns),
                on_delete=ctx.dialect.on_delete.get(c.on_delete or "", ""))


@direct("add_foreign_key")
def add_foreign_key(ch: AddForeignKey, ctx: Context, path: str) -> list[Step]:
    c = prepare_foreign_key(ch, ctx, path)
    extra = fk_parts(ctx, c)
    if ch.on_delete and not extra["on_delete"]:
        ctx.warnings.append(f"{ctx.dialect.name} has no ON DELETE {ch.on_delete.upper()}: it is its default behaviour.")
    native = NativeOp("add_foreign_key", {"table": ch.table, "name": c.name, "columns": list(ch.columns),
                                          "ref_table": ch.ref_table, "ref_columns": list(ch.ref_columns),
                                          "on_delete": ch.on_delete})
    return [_add_constraint(ctx, ch.table, c, "add_foreign_key", native, **extra)]


def prepare_unique(ch: AddUnique, ctx: Context, path: str) -> ConstraintDef:
    _known_columns(ctx, ch.table, ch.columns, path)
    name = ch.name or ctx.name("uq", ch.table, ch.columns)
    return _added(ctx, ch.table, ConstraintDef(name, "unique", list(ch.columns)))


@direct("add_unique")
def add_unique(ch: AddUnique, ctx: Context, path: str) -> list[Step]:
    c = prepare_unique(ch, ctx, path)
    native = NativeOp("add_unique", {"table": ch.table, "name": c.name, "columns": list(ch.columns)})
    ctx.warnings.append(f"ADD UNIQUE {c.name} fails if {ch.table} already holds duplicates of "
                        f"({', '.join(ch.columns)}).")
    return [_add_constraint(ctx, ch.table, c, "add_unique", native)]


def prepare_check(ch: AddCheck, ctx: Context, path: str) -> ConstraintDef:
    expression = ctx.expr(ch.expression, f"{path}.expression")
    digest = hashlib.sha1(expression.encode()).hexdigest()[:6]
    name = ch.name or ctx.name("ck", ch.table, [digest])
    return _added(ctx, ch.table, ConstraintDef(name, "check", [], expression=expression))


@direct("add_check")
def add_check(ch: AddCheck, ctx: Context, path: str) -> list[Step]:
    c = prepare_check(ch, ctx, path)
    return [_add_constraint(ctx, ch.table, c, "add_check", None, expression=c.expression)]


@direct("drop_constraint")
def drop_constraint(ch: DropConstraint, ctx: Context, path: str) -> list[Step]:
    refuse_unknown(ctx, ch.table, "constraint", ch.name, path)
    d, table = ctx.dialect, ctx.table(ch.table)
    old = table.constraints.pop(ch.name.lower(), None)
    lock = ctx.lock("drop_constraint")
    if old is None:
        ctx.warnings.append(f"The definition of constraint {ch.name} is unknown (no `schema`, or one where "
                            "the database named it): the rollback is a manual step.")
        stub = ConstraintDef(ch.name, "unknown")
        return [Step(f"drop constraint {ch.name}", drop_constraint_sql(ctx, ch.table, stub), None,
                     lock, ch.table, manual_steps=[f"Re-create constraint {ch.name} on {ch.table}."])]
    ctx.warnings.append(f"After dropping constraint {ch.name} the database no longer enforces it: rows "
                        "that violate it can appear and then make the rollback fail.")
    forward = drop_constraint_sql(ctx, ch.table, old)
    if old.kind == "foreign_key" and d.fk_index_kept:
        forward = forward[:1]          # keep the FK's index: the re-added FK reuses it
    readd = f"ALTER TABLE {ctx.q(ch.table)} ADD {constraint_clause(ctx, ch.table, old)}"
    return [Step(f"drop constraint {ch.name}", forward, [readd], lock, ch.table,
                 NativeOp("drop_constraint", {"table": ch.table, "name": ch.name, "kind": old.kind}))]


def _destroys_data(statements: list[str], dialect: str) -> bool:
    """DROP / TRUNCATE / DELETE, or ALTER ... DROP: data that no automatic rollback brings back."""
    for st in (parse_one(s, dialect) for s in statements):
        if isinstance(st, (exp.Drop, exp.Delete, exp.TruncateTable)):
            return True
        if isinstance(st, exp.Alter) and any(isinstance(a, exp.Drop) for a in st.args.get("actions") or []):
            return True
    return False


@direct("raw_sql")
def raw_sql(ch: RawSql, ctx: Context, path: str) -> list[Step]:
    manual = [] if ch.down else ["Write the reverse of the raw SQL by hand: none was given (`down`)."]
    if not ch.down:
        ctx.warnings.append("raw_sql without `down`: the rollback is a manual step.")
    up = split_statements(ch.up, ctx.dialect, f"{path}.up")
    down = split_statements(ch.down, ctx.dialect, f"{path}.down") if ch.down else None
    destructive = _destroys_data(up, ctx.dialect.sqlglot)
    if destructive and not ch.down:
        ctx.unrecoverable(UnsafeRollback(
            "Cannot generate safe rollback for raw SQL that removes data "
            f"({up[0][:60]}...): give `down`, or set `confirm_data_loss`",
            field=f"{path}.down", suggestion="use a structured change (drop_column, drop_table) with "
            "`schema`, give `down`, or set `confirm_data_loss`"),
            "DATA LOSS: raw SQL removes data and has no `down` (confirmed by confirm_data_loss).")
    alone = any(ctx.dialect.outside_transaction(sql, ctx.version) for sql in up + (down or []))
    return [Step("raw SQL", up, down, ctx.lock("raw_sql"), None, manual_steps=manual,
                 destructive=destructive, transactional=not alone)]
