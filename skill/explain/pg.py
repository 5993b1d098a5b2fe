"""Which operation a PostgreSQL statement is, read from PostgreSQL's own parse tree (the lint
rules' parse layer, `lint/rules/_pg.py`): a quoted name, a comment, `REINDEX (CONCURRENTLY false)`
or `VACUUM (FULL FALSE)` cannot mislead it, and an ALTER TABLE action is known by its node
(an EXCLUDE constraint is not an added column).

Recognition only, as in `classify`: the lock, what it blocks and the duration are the facts
table's (`dialects/data/postgresql.toml`); the names a fact mentions (the referenced table of a
foreign key, every table a TRUNCATE empties) are handed to it as `parts`.
"""
from __future__ import annotations

from ..dialects import Dialect
from ..lint.rules import SqlView, _pg
from ..schema import VirtualSchema
from .classify import ORDER, Found, fact_op, native_type


def classify_pg(view: SqlView, ctx, d: Dialect, schema: VirtualSchema) -> Found:
    """The operation of a statement PostgreSQL's parser read (`view.kind` is set)."""
    if view.kind == "AlterTableStmt":
        ops = [op for _, cmd in view.cmds for op in _action(view, ctx, d, schema, cmd)] or [("alter_table", {})]
        ops = [(fact_op(d, op), parts) for op, parts in ops]
        op, parts = max(ops, key=lambda o: ORDER.index(d.lock(o[0]).cost))
        return Found(op, view.table, parts)
    reader = _STATEMENTS.get(view.kind)
    op, table, parts = reader(view, ctx, d) if reader else ("other", view.table, {})
    return Found(fact_op(d, op), table, parts)


# --- statements ------------------------------------------------------------------------------

def _index(view, ctx, d):
    if ctx.is_new_table(view):
        return "create_table", view.table, {}          # a table made here: nobody uses it yet
    return ("add_index_online" if view.pg.node.get("concurrent") else "add_index"), view.table, {}


def _drop(view, ctx, d):
    node = view.pg.node
    if node.get("removeType") == "OBJECT_INDEX":
        return ("drop_index_online" if node.get("concurrent") else "drop_index"), view.table, {}
    return ("drop_table" if node.get("removeType") == "OBJECT_TABLE" else "other"), view.table, {}


def _create_as(view, ctx, d):
    node = view.pg.node
    if node.get("objtype") != "OBJECT_TABLE":
        return "other", view.table, {}
    return "copy_table", _source(node.get("query")) or view.table, {}     # the rows copied are the source's


def _select(view, ctx, d):
    into = view.pg.node.get("intoClause")
    if into and d.select_into_creates_table:
        return "copy_table", _source(view.pg.node) or _pg.relname(into.get("rel")), {}
    return "select", view.table, {}


def _source(query: dict | None) -> str | None:
    """The first table a query reads (CREATE TABLE ... AS SELECT ... FROM t)."""
    for n in _pg.walk((query or {}).get("SelectStmt", query or {}).get("fromClause")):
        if "relname" in n:
            return _pg.relname(n)
    return None


def _insert(view, ctx, d):
    return ("create_table" if ctx.is_new_table(view) else "insert"), view.table, {}


def _truncate(view, ctx, d):
    names = [_shown(r.get("RangeVar")) for r in view.pg.node.get("relations", ())]
    tables = f"table {names[0]}" if len(names) == 1 else "tables " + ", ".join(names[:-1]) + f" and {names[-1]}"
    cascade = view.pg.node.get("behavior") == "DROP_CASCADE"
    return ("truncate_cascade" if cascade else "truncate"), view.table, {"tables": tables}


def _vacuum(view, ctx, d):
    if not view.pg.node.get("is_vacuumcmd"):
        return "other", view.table, {}                  # ANALYZE
    return ("vacuum_full" if _pg.option(view.pg.node.get("options"), "full") else "vacuum"), view.table, {}


def _reindex(view, ctx, d):
    online = _pg.option(view.pg.node.get("params"), "concurrently")
    return ("reindex_online" if online else "reindex"), view.table, {}


def _rename(view, ctx, d):
    kind = view.pg.node.get("renameType")
    op = {"OBJECT_TABLE": "rename_table", "OBJECT_COLUMN": "rename_column", "OBJECT_TABCONSTRAINT": "alter_table"}
    return op.get(kind, "other"), view.table, {}


def _do(view, ctx, d):
    """A DO block that updates in a loop and commits per pass: a batched data migration."""
    body = _pg.do_body(view.pg)
    fn = _pg.plpgsql_tree(_pg.as_function(body))[0] if body else None
    kinds = {k for n in _pg.walk(fn) for k in n} if fn else set()
    if not kinds & _LOOPS or "PLpgSQL_stmt_commit" not in kinds:
        return "other", view.table, {}
    updated = [t for t in map(_updated, _pg.plpgsql_queries(fn)) if t]
    return ("batch_update", updated[0], {"table": updated[0]}) if updated else ("other", view.table, {})


_LOOPS = {"PLpgSQL_stmt_loop", "PLpgSQL_stmt_while", "PLpgSQL_stmt_fori", "PLpgSQL_stmt_fors"}


def _updated(query: str) -> str | None:
    """The table an UPDATE (or MERGE) in a loop body changes, also from a data-modifying WITH
    (`WITH done AS (UPDATE t ... RETURNING id) INSERT INTO backup ...`)."""
    tree = _pg.parse(query)
    if tree.kind in ("UpdateStmt", "MergeStmt"):
        return _pg.relname(tree.node.get("relation"))
    found = next((n[k] for n in _pg.walk(tree.node) for k in ("UpdateStmt", "MergeStmt") if k in n), None)
    return _pg.relname(found.get("relation")) if found else None


def _shown(rangevar: dict | None) -> str:
    """A table as the statement names it (schema and case kept), for the facts' texts."""
    rangevar = rangevar or {}
    return ".".join(p for p in (rangevar.get("schemaname"), rangevar.get("relname")) if p) or "the table"


def _plain(op: str):
    return lambda view, ctx, d: (op, view.table, {})


_STATEMENTS = {
    "IndexStmt": _index, "DropStmt": _drop, "CreateStmt": _plain("create_table"),
    "CreateTableAsStmt": _create_as, "SelectStmt": _select, "InsertStmt": _insert,
    "UpdateStmt": _plain("update"), "DeleteStmt": _plain("delete"), "TruncateStmt": _truncate,
    "VacuumStmt": _vacuum, "ClusterStmt": _plain("cluster"), "ReindexStmt": _reindex,
    "RenameStmt": _rename, "VariableSetStmt": _plain("setting"), "TransactionStmt": _plain("transaction"),
    "DoStmt": _do, "CreateTrigStmt": _plain("zd_sync_trigger"),     # CREATE TRIGGER: SHARE ROW EXCLUSIVE
}


# --- ALTER TABLE actions ---------------------------------------------------------------------

def _action(view: SqlView, ctx, d: Dialect, schema: VirtualSchema, cmd: dict) -> list[tuple[str, dict]]:
    """The operations one ALTER TABLE action is (a column added with constraints is several)."""
    subtype = cmd.get("subtype")
    if subtype == "AT_AddColumn":
        return _add_column(view, ctx, d, _pg.NewColumn(0, _pg.column_def(cmd)))
    if subtype == "AT_AddConstraint":
        return [_constraint(view, ctx, _pg.constraint(cmd))]
    if subtype == "AT_AlterColumnType":
        return [(_type_change(view, d, schema, cmd), {})]
    if subtype == "AT_SetNotNull":
        proven = d.validated_check_skips_scan(ctx.version or ()) and \
            (view.table, cmd["name"].lower()) in ctx.validated_not_null
        return [("set_not_null_validated" if proven else "set_not_null", {})]
    if subtype == "AT_ColumnDefault":
        return [("set_default" if cmd.get("def") else "drop_default", {})]
    if subtype in ("AT_DetachPartition", "AT_DetachPartitionFinalize"):
        part = cmd.get("def", {}).get("PartitionCmd", {})
        online = part.get("concurrent") or subtype == "AT_DetachPartitionFinalize"
        return [("detach_partition_online" if online else "detach_partition",
                 {"partition": _shown(part.get("name"))})]
    return [(_ACTIONS.get(subtype, "alter_table"), {})]


_ACTIONS = {"AT_DropColumn": "drop_column", "AT_DropNotNull": "drop_not_null", "AT_DropConstraint": "drop_constraint",
            "AT_ValidateConstraint": "zd_validate"}


def _add_column(view: SqlView, ctx, d: Dialect, col: _pg.NewColumn) -> list[tuple[str, dict]]:
    """ADD COLUMN, and what its inline constraints add: an index build, a check of every row, a
    foreign key that locks the referenced table as well."""
    old_default = col.default is not None and not ctx.at_least(11)      # before 11 any DEFAULT fills rows
    rewrites = "CONSTR_GENERATED" in col.kinds or old_default or bool(col.volatile(d.is_volatile_function))
    ops = [("add_column_rewrite" if rewrites else "add_column", {})]
    for con in col.constraints:
        kind = con.get("contype")
        if kind == "CONSTR_FOREIGN":
            ops.append(("add_column_foreign_key", {"referenced": _shown(con.get("pktable"))}))
        elif kind in _INLINE:
            ops.append((_INLINE[kind], {}))
    return ops


_INLINE = {"CONSTR_PRIMARY": "add_primary_key", "CONSTR_UNIQUE": "add_unique", "CONSTR_CHECK": "add_check"}


def _constraint(view: SqlView, ctx, con: dict) -> tuple[str, dict]:
    kind, not_valid = con.get("contype"), con.get("skip_validation")
    if kind in ("CONSTR_PRIMARY", "CONSTR_UNIQUE") and con.get("indexname"):
        nullable = ctx.maybe_null(view.table, con["indexname"]) if kind == "CONSTR_PRIMARY" else []
        if nullable is None or nullable:                # unknown columns may hold NULLs
            return "zd_primary_key_using_index_scan", {"columns": ", ".join(nullable or ()) or "its columns"}
        return "zd_unique_using_index", {}
    if kind == "CONSTR_FOREIGN":
        return ("zd_fk_not_valid" if not_valid else "add_foreign_key"), {}
    if kind == "CONSTR_CHECK":
        return ("zd_check_not_valid" if not_valid else "add_check"), {}
    return {"CONSTR_PRIMARY": "add_primary_key", "CONSTR_UNIQUE": "add_unique",
            "CONSTR_EXCLUSION": "add_exclusion"}.get(kind, "alter_table"), {}


def _type_change(view: SqlView, d: Dialect, schema: VirtualSchema, cmd: dict) -> str:
    """ALTER COLUMN ... TYPE against the column's type in `schema`: a binary-coercible widening
    stays in the catalog; anything else (or an unknown column) counts as the rewrite it may be."""
    name, mods = _pg.type_spec(_pg.column_def(cmd).get("typeName"))
    old = schema.column(view.table, cmd["name"].lower()) if view.table else None
    new = native_type(name + (f"({', '.join(map(str, mods))})" if mods else ""), d)
    if old is None or old.type is None or new is None:
        return "alter_column_type"
    if new == old.type:
        return "alter_table"
    return "alter_column_type_coercible" if d.type_change_in_catalog(old.type, new) else "alter_column_type"
