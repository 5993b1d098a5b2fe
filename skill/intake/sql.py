"""`sql` intake: DDL/DML text parsed by sqlglot in the database's dialect into changes.

Statements that map onto the vocabulary become typed changes (so they get planned, reversed
and validated like structured ones); anything else becomes `raw_sql` without `down`, with a
warning: its rollback is a manual step.
"""
from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from .. import models as m
from ..dialects import Dialect
from ..errors import InvalidRequest
from ..sqlcheck import split_statements
from ..schema import TableDef, read_column, read_constraint
from ..types import from_sqlglot

FIELD = "sql"


def changes_from_sql(text: str, dialect: Dialect) -> tuple[list[m.Change], list[str]]:
    try:
        statements = [s for s in sqlglot.parse(text, read=dialect.sqlglot) if s is not None]
    except (ParseError, TokenError) as e:
        raise InvalidRequest(f"sql does not parse as {dialect.name}: {str(e).splitlines()[0][:200]}",
                             field=FIELD) from None
    if not statements:
        raise InvalidRequest("sql holds no statement", field=FIELD)
    changes, warnings = [], []
    for st in statements:
        mapped = _map(st, dialect.sqlglot)
        if mapped is None:
            (sql,) = split_statements(st.sql(dialect.sqlglot), dialect, FIELD)  # refuses opaque Commands
            warnings.append(f"Not in dbmig's vocabulary, kept as raw SQL with a manual rollback: {sql[:80]}")
            mapped = [m.RawSql(up=sql)]
        changes += mapped
    return changes, warnings


def _map(st: exp.Expression, d: str) -> list[m.Change] | None:
    try:
        if isinstance(st, exp.Create):
            return _create(st, d)
        if isinstance(st, exp.Drop) and st.kind == "TABLE":
            return [m.DropTable(table=st.this.name)]
        if isinstance(st, exp.Alter) and st.kind == "TABLE":
            table = st.this.name
            out = [_action(table, a, d) for a in st.args.get("actions") or []]
            return None if not out or any(c is None for c in out) else out
        if isinstance(st, exp.Update) and not st.args.get("from") and not st.args.get("joins"):
            return [_update(st, d)]
    except (ValueError, KeyError, AttributeError):
        return None           # a shape we do not model: keep it raw rather than guess
    return None


def _create(st: exp.Create, d: str) -> list[m.Change] | None:
    if st.kind == "TABLE" and isinstance(st.this, exp.Schema):
        table = TableDef(st.this.this.name)
        for item in st.this.expressions:
            if isinstance(item, exp.ColumnDef):
                read_column(table, item, d)
        pk = table.primary_key
        columns = [m.Column(name=c.name, type=str(c.type), nullable=c.nullable and c.name not in pk,
                            default=c.default) for c in table.columns.values()]
        return [m.CreateTable(table=table.name, columns=columns, primary_key=pk or None)]
    if st.kind == "INDEX":
        index = st.this
        params = index.args["params"]
        where = params.args.get("where")
        return [m.AddIndex(table=index.args["table"].name, name=index.name or None,
                           columns=[(o.this if isinstance(o, exp.Ordered) else o).name
                                    for o in params.args["columns"]],
                           unique=bool(st.args.get("unique")), where=where.this.sql(d) if where else None)]
    return None


def _action(table: str, a: exp.Expression, d: str) -> m.Change | None:
    if isinstance(a, exp.ColumnDef):
        t = TableDef(table)
        read_column(t, a, d)
        c = next(iter(t.columns.values()))
        return m.AddColumn(table=table, column=m.Column(name=c.name, type=str(c.type),
                                                        nullable=c.nullable, default=c.default))
    if isinstance(a, exp.Drop) and a.kind in ("COLUMN", "CONSTRAINT"):
        (target,) = [a.this] if a.this is not None else a.args["tables"]
        if a.kind == "COLUMN":
            return m.DropColumn(table=table, column=target.name)
        return m.DropConstraint(table=table, name=target.name)
    if isinstance(a, exp.RenameColumn):
        return m.RenameColumn(table=table, column=a.this.name, new_name=a.args["to"].name)
    if isinstance(a, exp.AlterRename):
        return m.RenameTable(table=table, new_name=a.this.name)
    if isinstance(a, exp.AlterColumn):
        return _alter_column(table, a, d)
    if isinstance(a, exp.AddConstraint):
        return _add_constraint(table, a, d)
    return None


def _alter_column(table: str, a: exp.AlterColumn, d: str) -> m.Change | None:
    column = a.this.name
    if a.args.get("dtype"):
        using = a.args.get("using")
        return m.AlterColumnType(table=table, column=column, type=str(from_sqlglot(a.args["dtype"], FIELD)),
                                 using=using.sql(d) if using else None)
    if a.args.get("allow_null") is not None:
        cls = m.DropNotNull if a.args.get("drop") else m.SetNotNull
        return cls(table=table, column=column)
    if a.args.get("default") is not None:
        return m.SetDefault(table=table, column=column, default=a.args["default"].sql(d))
    if a.args.get("drop"):
        return m.DropDefault(table=table, column=column)
    return None


def _add_constraint(table: str, a: exp.AddConstraint, d: str) -> m.Change | None:
    (constraint,) = a.expressions
    t = TableDef(table)
    for kind in constraint.expressions:
        read_constraint(t, constraint.name, kind, d)
    (c,) = t.constraints.values()
    if c.kind == "foreign_key":
        return m.AddForeignKey(table=table, name=c.name, columns=c.columns, ref_table=c.ref_table,
                               ref_columns=c.ref_columns, on_delete=c.on_delete)
    if c.kind == "unique":
        return m.AddUnique(table=table, name=c.name, columns=c.columns)
    if c.kind == "check":
        return m.AddCheck(table=table, name=c.name, expression=c.expression)
    return None


def _update(st: exp.Update, d: str) -> m.Change:
    where = st.args.get("where")
    assignments = {eq.this.name: eq.expression.sql(d) for eq in st.expressions}
    return m.UpdateRows(table=st.this.name, set=assignments, where=where.this.sql(d) if where else None)
