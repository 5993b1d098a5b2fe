"""What a PostgreSQL statement tells the statements after it, read from its parse tree."""
from __future__ import annotations

from . import _pg
from ._base import Column, Context, SqlView

_TIMEOUTS = {"lock_timeout": "lock_timeout", "statement_timeout": "statement_timeout"}
_OPEN = {"TRANS_STMT_BEGIN", "TRANS_STMT_START"}
_CLOSE = {"TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_PREPARE", "TRANS_STMT_COMMIT_PREPARED",
          "TRANS_STMT_ROLLBACK_PREPARED"}


def observe_pg(view: SqlView, ctx: Context) -> None:
    kind, node = view.kind, view.pg.node
    if kind == "VariableSetStmt" and node.get("name") in _TIMEOUTS:
        setattr(ctx, _TIMEOUTS[node["name"]], _timeout_set(node))
    elif kind == "TransactionStmt":
        if node.get("kind") in _OPEN and ctx.open_tx is None:
            ctx.open_tx = view.stmt
        elif node.get("kind") in _CLOSE:
            ctx.open_tx = None
    elif kind in ("CreateStmt", "CreateTableAsStmt") and view.table:
        ctx.created_tables.add(view.table)
        _created_columns(view.table, node, ctx)
        if node.get("partspec"):
            ctx.partitioned.add(view.table)
    elif kind == "IndexStmt" and node.get("idxname"):
        cols = tuple(e["IndexElem"]["name"].lower() for e in node.get("indexParams", ()) if e["IndexElem"].get("name"))
        ctx.indexes[node["idxname"].lower()] = (view.table, cols)
    elif kind == "AlterTableStmt":
        for cmd in _pg.alter_cmds(view.pg):     # positions are not needed here
            if cmd.get("subtype") in _OBSERVED:
                _observe_cmd(view, ctx, cmd)


def _timeout_set(node: dict) -> bool:
    """SET x = 0, SET x TO DEFAULT and RESET x all leave the wait unbounded."""
    if node.get("kind") != "VAR_SET_VALUE" or not node.get("args"):
        return False
    value = _pg.const(node["args"][0])
    return str(value).strip().lower() not in ("0", "0s", "0ms", "")


def _created_columns(table: str, node: dict, ctx: Context) -> None:
    for elt in node.get("tableElts") or ():
        if "ColumnDef" in elt:
            _record_column(table, elt["ColumnDef"], ctx)
        elif elt.get("Constraint", {}).get("contype") == "CONSTR_PRIMARY":
            for key in _pg.svals(elt["Constraint"].get("keys")):
                ctx.columns.setdefault((table, key.lower()), Column()).not_null = True


def _record_column(table: str, coldef: dict, ctx: Context) -> None:
    name, mods = _pg.type_spec(coldef.get("typeName"))
    kinds = {c.get("contype") for c in _pg.column_constraints(coldef)}
    not_null = bool(kinds & {"CONSTR_NOTNULL", "CONSTR_PRIMARY"}) or bool(coldef.get("is_not_null"))
    ctx.columns[(table, coldef["colname"].lower())] = Column(name, tuple(mods), not_null)


_OBSERVED = {"AT_AddColumn", "AT_AlterColumnType", "AT_SetNotNull", "AT_ValidateConstraint", "AT_AddConstraint"}


def _observe_cmd(view: SqlView, ctx: Context, cmd: dict) -> None:
    table, subtype = view.table, cmd.get("subtype")
    if subtype == "AT_AddColumn":
        _record_column(table, _pg.column_def(cmd), ctx)
    elif subtype == "AT_AlterColumnType":
        name, mods = _pg.type_spec(_pg.column_def(cmd).get("typeName"))
        col = ctx.columns.setdefault((table, cmd["name"].lower()), Column())
        col.type, col.mods = name, tuple(mods)
    elif subtype == "AT_SetNotNull":
        ctx.columns.setdefault((table, cmd["name"].lower()), Column()).not_null = True
    elif subtype == "AT_ValidateConstraint":
        name = cmd["name"].lower()
        ctx.validated.add(name)
        if name in ctx.not_null_checks:
            ctx.validated_not_null.add(ctx.not_null_checks[name])
    elif subtype == "AT_AddConstraint":
        _observe_constraint(view, ctx, _pg.constraint(cmd))


def _observe_constraint(view: SqlView, ctx: Context, con: dict) -> None:
    name = (con.get("conname") or "").lower()
    if con.get("skip_validation") and name:
        ctx.not_valid[name] = view.stmt.tx
    column = _is_not_null_check(con)
    if column and name:
        ctx.not_null_checks[name] = (view.table, column)
        if not con.get("skip_validation"):
            ctx.validated_not_null.add((view.table, column))


def _is_not_null_check(con: dict) -> str | None:
    """The column of a `CHECK (col IS NOT NULL)`, else None."""
    if con.get("contype") != "CONSTR_CHECK":
        return None
    test = con.get("raw_expr", {}).get("NullTest", {})
    fields = test.get("arg", {}).get("ColumnRef", {}).get("fields")
    if test.get("nulltesttype") != "IS_NOT_NULL" or not fields:
        return None
    return _pg.svals(fields)[-1].lower()
