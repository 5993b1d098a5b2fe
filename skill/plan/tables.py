"""Direct (T1) strategies for whole tables: create, drop (with a backup), rename."""
from __future__ import annotations

from ..dialects.base import Dialect
from ..errors import InvalidRequest, UnsafeRollback
from ..models import CreateTable, DropTable, RenameTable
from ..schema import ConstraintDef, TableDef
from .context import Context
from .model import NativeOp, Step
from .registry import direct


def create_table_sql(ctx: Context, table: TableDef) -> list[str]:
    """CREATE TABLE plus its indexes, from a table definition (new, or restored from schema); a
    partitioned table's partitions after it (PostgreSQL dropped them with it)."""
    d, parent = ctx.dialect, ctx.schema.table(table.partition_of) if table.partition_of else None
    constraints, indexes = table.constraints.values(), table.indexes.values()
    if parent is not None:          # a partition: the parent's columns, and its keys and indexes made for it
        constraints, indexes = _own_constraints(table, parent), _own_indexes(table, parent)
        own = ",\n    ".join(constraint_clause(ctx, table.name, c) for c in constraints)
        create = d.sql("create_partition", table=ctx.q(table.name), parent=ctx.q(parent.name),
                       body=f" (\n    {own}\n)" if own else "", bound=table.partition_bound)
    else:
        body = [ctx.column_def(table.name, c) for c in table.columns.values()]
        body += [constraint_clause(ctx, table.name, c) for c in constraints]
        create = d.sql("create_table", table=ctx.q(table.name), body=",\n    ".join(body))
    statements = [d.table_options(create, table), *d.comments_on(table.name, table.comment, table.columns.values())]
    statements += [d.create_index("add_index", table.name, i) for i in indexes]
    return statements + [s for p in ctx.schema.partitions(table) for s in create_table_sql(ctx, p)]


def _own_constraints(part: TableDef, parent: TableDef) -> list[ConstraintDef]:
    """A partition's constraints but those its parent gives it (same kind and columns or text)."""
    shape = lambda c: (c.kind, tuple(map(str.lower, c.columns)), c.expression)   # noqa: E731
    given = {shape(c) for c in parent.constraints.values()}
    return [c for c in part.constraints.values() if shape(c) not in given]


def _own_indexes(part: TableDef, parent: TableDef) -> list:
    """A partition's indexes but those made for its parent's partitioned indexes."""
    shape = lambda i: (tuple(map(str.lower, i.columns)), i.unique, i.where, i.using, tuple(i.keys or ()))  # noqa: E731
    given = {shape(i) for i in parent.indexes.values()}
    return [i for i in part.indexes.values() if shape(i) not in given]


def numbered(table: TableDef) -> list[tuple[str, str]]:
    """The table's identity columns, (name, kind)."""
    return [(c.name, c.identity) for c in table.columns.values() if c.identity]


def constraint_clause(ctx: Context, table: str, c: ConstraintDef) -> str:
    return constraint_sql(ctx.dialect, c)


def constraint_sql(d: Dialect, c: ConstraintDef) -> str:
    """A known constraint as a table-level clause; an unnamed one (`<...>` key) stays unnamed."""
    named = "" if c.name.startswith("<") else f"CONSTRAINT {d.q(c.name)} "
    cols = ", ".join(d.q(x) for x in c.columns)
    if c.kind == "primary_key":
        return f"{named}PRIMARY KEY ({cols})"
    if c.kind == "unique":
        return f"{named}UNIQUE ({cols})"
    if c.kind == "check":
        return f"{named}CHECK ({c.expression})"
    if c.kind == "exclusion":
        return f"{named}EXCLUDE {c.expression}"
    return (f"{named}FOREIGN KEY ({cols}) REFERENCES {d.q(c.ref_table)} "
            f"({', '.join(d.q(x) for x in c.ref_columns)}){d.on_delete.get(c.on_delete or '', '')}")


@direct("create_table")
def create_table(ch: CreateTable, ctx: Context, path: str) -> list[Step]:
    if ctx.schema.table(ch.table) is not None and ctx.schema.known:
        raise InvalidRequest(f"table {ch.table} already exists in the given schema", field=f"{path}.table")
    table = TableDef(ch.table)
    pk = list(ch.primary_key or [c.name for c in ch.columns if c.primary_key])
    for i, column in enumerate(ch.columns):
        col = ctx.from_request(column, f"{path}.columns.{i}")
        col.nullable = col.nullable and column.name not in pk
        table.columns[column.name.lower()] = col
    if pk:
        table.constraints["pk"] = ConstraintDef(ctx.name("pk", ch.table, []), "primary_key", pk)
    for column in ch.columns:
        if column.unique:
            name = ctx.name("uq", ch.table, [column.name])
            table.constraints[name] = ConstraintDef(name, "unique", [column.name])
    unknown = set(pk) - set(table.columns)
    if unknown:
        raise InvalidRequest(f"primary key names unknown columns {sorted(unknown)}", field=f"{path}.primary_key")
    _check_numbered(ctx, ch, table, path)
    ctx.schema.put(table)
    native = NativeOp("create_table", {
        "table": ch.table,
        "columns": [ctx.native_column(ch.table, c, c.name in pk) for c in table.columns.values()],
        "primary_key": pk, "pk_name": table.constraints["pk"].name if pk else None,
        "unique": [c for c in table.constraints.values() if c.kind == "unique"]})
    # a numbered column goes as SQL in every tool: the dialect's identity clause is one fact, where
    # Liquibase's autoIncrement and SQLAlchemy's Identity/autoincrement would each pick their own
    plain = not numbered(table)
    return [Step(f"create table {ch.table}", create_table_sql(ctx, table),
                 [ctx.dialect.sql("drop_table", table=ctx.q(ch.table))],
                 ctx.lock("create_table"), ch.table, native if plain else None,
                 NativeOp("drop_table", {"table": ch.table}) if plain else None)]


def _check_numbered(ctx: Context, ch: CreateTable, table: TableDef, path: str) -> None:
    """One identity column (MySQL, SQL Server and Oracle allow no more), a key where MySQL needs one."""
    columns = [name for name, _ in numbered(table)]
    if not columns:
        return
    field = f"{path}.columns.{[c.name for c in ch.columns].index(columns[-1])}.identity"
    if len(columns) > 1:
        raise InvalidRequest(f"table {ch.table} can have one identity column, not {len(columns)}", field=field)
    keyed = {c.lower() for k in table.constraints.values() if k.kind in ("primary_key", "unique") for c in k.columns}
    if ctx.dialect.identity_needs_key and columns[0].lower() not in keyed:
        raise InvalidRequest(f"{ctx.dialect.name} numbers only a key column: make {ch.table}.{columns[0]} the "
                             "primary key or unique", field=field)


@direct("drop_table")
def drop_table(ch: DropTable, ctx: Context, path: str) -> list[Step]:
    return drop_table_steps(ch, ctx, path)


def drop_table_steps(ch: DropTable, ctx: Context, path: str, rollback_notes: list[str] = ()) -> list[Step]:
    """Back the rows up, then drop; `rollback_notes` go to the drop's guide (Oracle's recycle bin)."""
    d, table = ctx.dialect, ctx.schema.table(ch.table)
    guide = {"rollback": list(rollback_notes)} if rollback_notes else {}
    drop = d.sql("drop_table", table=ctx.q(ch.table))
    lock = ctx.lock("drop_table")
    if table is None or not table.columns:
        ctx.unrecoverable(UnsafeRollback(
            f"Cannot generate safe rollback for DROP TABLE {ch.table}: pass `schema` with its "
            "CREATE TABLE so dbmig can keep a backup and restore it, or set `confirm_data_loss`",
            field="schema", suggestion="pass `schema`, or set `confirm_data_loss`"),
            f"DATA LOSS: DROP TABLE {ch.table} cannot be rolled back automatically "
            "(confirmed by confirm_data_loss); restore it from a database backup.")
        ctx.schema.tables.pop(ch.table.lower(), None)
        return [Step(f"drop table {ch.table}", [drop], None, lock, ch.table, destructive=True, guide=guide,
                     manual_steps=[f"Restore table {ch.table} and its rows from the backup taken before the migration."])]
    backup = ctx.name("dbmig_bak", ch.table, [])
    columns = ctx.qlist([c.name for c in table.columns.values() if not c.generated])   # computed again
    parts = dict(table=ctx.q(ch.table), backup=ctx.q(backup), columns=columns)
    copy = ctx.lock("copy_table")
    ctx.warnings.append(
        f"DROP TABLE {ch.table} is destructive: its rows are first copied to {backup}, which the "
        f"rollback uses; drop {backup} yourself once the migration is final.")
    restore = create_table_sql(ctx, table) + d.restore_rows(parts, numbered(table))
    _forget(ctx, table)
    return [
        Step(f"back up {ch.table} into {backup}", [d.copy_table(parts["backup"], columns, parts["table"])],
             [d.sql("drop_table", table=ctx.q(backup))], copy, ch.table, estimate=ctx.estimate(ch.table, copy)),
        Step(f"drop table {ch.table}", [drop], restore, lock, ch.table, destructive=True, guide=guide),
    ]


def _forget(ctx: Context, table: TableDef) -> None:
    """A dropped table leaves the virtual schema, its partitions with it."""
    for part in ctx.schema.partitions(table):
        _forget(ctx, part)
    ctx.schema.tables.pop(table.name.lower(), None)


def prepare_rename_table(ch: RenameTable, ctx: Context) -> None:
    """The virtual schema knows the table under its new name."""
    table = ctx.schema.tables.pop(ch.table.lower(), None) or TableDef(ch.table)
    table.name = ch.new_name
    ctx.schema.put(table)


def rename_table_sql(ctx: Context, table: str, new_name: str) -> str:
    return ctx.dialect.sql("rename_table", **ctx.names(table, new_name=new_name))


@direct("rename_table")
def rename_table(ch: RenameTable, ctx: Context, path: str) -> list[Step]:
    prepare_rename_table(ch, ctx)
    ctx.warnings.append(f"Renaming {ch.table} to {ch.new_name} breaks every running app version "
                        f"that still queries {ch.table}: deploy the app change with it.")
    return [Step(f"rename table {ch.table} to {ch.new_name}",
                 [rename_table_sql(ctx, ch.table, ch.new_name)], [rename_table_sql(ctx, ch.new_name, ch.table)],
                 ctx.lock("rename_table"), ch.table,
                 NativeOp("rename_table", {"table": ch.table, "new_name": ch.new_name}),
                 NativeOp("rename_table", {"table": ch.new_name, "new_name": ch.table}))]
