"""Alembic revisions, read with `ast` only (user code is never imported or run): revision ids,
upgrade() and downgrade(), SQL they execute as written, and every `op.*` call as the `ToolOp`
it stands for, turned into the statement Alembic sends by the one translator (translate.py)."""
from __future__ import annotations

import ast
import functools
import re

from ..dialects.common import SQLALCHEMY_GENERIC
from .model import AlembicInfo, Problem, SourceFile, Statement
from .sqltext import new_tx, sql_statements
from .translate import ToolColumn, ToolOp, names, statements


def literal(node: ast.AST) -> object:
    """The value of a literal AST node, or raise ValueError for anything computed."""
    return ast.literal_eval(node)


@functools.lru_cache(maxsize=16)
def module_tree(content: str) -> ast.Module:
    """`ast.parse(content)`, kept per text (bounded; errors are not kept): the result gate
    compiles the revisions dbmig writes and lint reads the same ones. Shared: read only."""
    return ast.parse(content)


def read_revision(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    try:
        tree = module_tree(src.content)
    except SyntaxError as err:
        src.problems.append(Problem(err.lineno or 1, (err.offset or 1), f"Python syntax error: {err.msg}"))
        return
    except (MemoryError, RecursionError):     # CPython's parser gives up on deep nesting this way
        src.problems.append(Problem(1, 1, "Python code nested too deeply to read"))
        return
    info = src.alembic = AlembicInfo()
    for node in tree.body:
        _alembic_module_node(src, info, node, dialect, database)


def _alembic_module_node(src: SourceFile, info: AlembicInfo, node: ast.stmt, dialect: str, database: str) -> None:
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for name in (t.id for t in targets if isinstance(t, ast.Name)):
            _alembic_assignment(info, name, node)
    elif isinstance(node, ast.FunctionDef) and node.name == "upgrade":
        info.has_upgrade = True
        AlembicReader(src, dialect, database, "up").body(node.body, new_tx())
    elif isinstance(node, ast.FunctionDef) and node.name == "downgrade":
        info.downgrade_line, info.downgrade_empty = node.lineno, _empty_body(node.body)
        AlembicReader(src, dialect, database, "down").body(node.body, new_tx())


def _alembic_assignment(info: AlembicInfo, name: str, node) -> None:
    try:
        value = literal(node.value) if node.value is not None else None
    except ValueError:
        value = "<computed>"
    if name == "revision":
        info.revision, info.revision_line = (str(value) if value is not None else None), node.lineno
    elif name == "down_revision":
        info.has_down_revision, info.down_revision = True, value


def _empty_body(body: list[ast.stmt]) -> bool:
    """Only `pass`, `...` or a docstring: the revision cannot be rolled back."""
    for node in body:
        if isinstance(node, ast.Pass):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        return False
    return True


# Nodes that hold no call: a walk does not step into them.
_LEAVES = (ast.Constant, ast.Name, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def calls_in(node: ast.AST) -> list[ast.Call]:
    """Every call in `node`, in source order; of two starting at one place (`op.get_bind().execute(...)`)
    the outer first. A walk past names, constants and load contexts (ast.walk visits them all:
    a fifth of reading a revision)."""
    found, stack = [], [(node, 0)]
    while stack:
        n, depth = stack.pop()
        if isinstance(n, ast.Call):
            found.append((n.lineno, n.col_offset, depth, n))
        for name in n._fields:
            value = getattr(n, name, None)
            if isinstance(value, list):
                stack += [(v, depth + 1) for v in value if isinstance(v, ast.AST) and not isinstance(v, _LEAVES)]
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
                stack.append((value, depth + 1))
    found.sort(key=lambda f: f[:3])
    return [f[3] for f in found]


def _call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _lit(node: ast.AST | None, default: object = None) -> object:
    if node is None:
        return default
    try:
        return literal(node)
    except ValueError:
        return default


class AlembicReader:
    """Walks upgrade()/downgrade() and turns `op.*` calls and executed SQL into statements."""

    def __init__(self, src: SourceFile, dialect: str, database: str, direction: str):
        self.src, self.dialect, self.database, self.direction = src, dialect, database, direction
        self.batch: dict[str, str] = {}    # `with op.batch_alter_table("t") as b` -> {"b": "t"}

    def body(self, nodes: list[ast.stmt], tx: int | None) -> None:
        for node in nodes:
            self.statement(node, tx)

    def statement(self, node: ast.stmt, tx: int | None) -> None:
        if isinstance(node, (ast.With, ast.AsyncWith)):
            self.with_block(node, tx)
        elif isinstance(node, (ast.If, ast.For, ast.While, ast.Try)):
            for part in ("body", "orelse", "finalbody"):
                self.body(getattr(node, part, []) or [], tx)
            for handler in getattr(node, "handlers", []):
                self.body(handler.body, tx)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for call in calls_in(node):
                self.call(call, tx)

    def with_block(self, node: ast.With, tx: int | None) -> None:
        for item in node.items:
            name = _call_name(item.context_expr)
            if name == "autocommit_block":
                tx = None      # Alembic commits, runs the body outside a transaction, then reopens one
            elif name == "batch_alter_table" and isinstance(item.optional_vars, ast.Name):
                self.batch[item.optional_vars.id] = str(_lit(item.context_expr.args[0], "?"))
        self.body(node.body, tx)

    def call(self, call: ast.Call, tx: int | None) -> None:
        if not isinstance(call.func, ast.Attribute):
            return
        owner = call.func.value.id if isinstance(call.func.value, ast.Name) else None
        name = call.func.attr
        if name == "execute" and call.args:
            self.execute(call.args[0], tx)
        elif owner == "op" or owner in self.batch:
            build = OPS.get(name)
            for op in (build(self, call, self.batch.get(owner)) if build else []):
                for sql in statements(op, self.database):
                    self.src.statements.append(Statement(self.src.filename, sql, call.lineno, call.col_offset + 1,
                                                         tx, self.direction, True, f"op.{name}"))

    def execute(self, arg: ast.AST, tx: int | None) -> None:
        if isinstance(arg, ast.Call) and _call_name(arg) == "text" and arg.args:
            arg = arg.args[0]
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            if self.src.alembic is not None and self.direction == "up":
                self.src.alembic.dynamic_sql.append((arg.lineno, arg.col_offset + 1))
            return
        base = self.literal_start(arg)
        self.src.statements += sql_statements(self.src.filename, arg.value, self.dialect, tx, base=base,
                                              direction=self.direction, origin="execute")

    def literal_start(self, node: ast.Constant) -> tuple[int, int]:
        """File position of the first character inside a string literal's quotes."""
        line = self.src.content.splitlines()[node.lineno - 1]
        m = re.compile(r"[rRbBuU]*('''|\"\"\"|'|\")").match(line, node.col_offset)
        return node.lineno, (m.end() if m else node.col_offset) + 1

    # -- helpers used by the op translators
    def arg(self, call: ast.Call, index: int, keyword: str, default: object = None) -> object:
        node = self.arg_node(call, index, keyword)
        return _lit(node, default)

    @staticmethod
    def arg_node(call: ast.Call, index: int, keyword: str) -> ast.AST | None:
        for kw in call.keywords:
            if kw.arg == keyword:
                return kw.value
        return call.args[index] if index < len(call.args) else None

    def column(self, node: ast.AST) -> ToolColumn:
        """`sa.Column("name", sa.Integer(), nullable=False, server_default=...)` as a tool column."""
        if not isinstance(node, ast.Call):
            return ToolColumn("?", "TEXT")
        name = _lit(node.args[0], "?") if node.args else "?"
        kw = {k.arg: k.value for k in node.keywords}
        default = _sa_default(kw["server_default"]) if "server_default" in kw else None
        constraints = [_sa_column_arg(a) for a in node.args[2:]]
        if "primary_key" in kw and _lit(kw["primary_key"]):
            constraints.append("PRIMARY KEY")
        elif "nullable" in kw and _lit(kw["nullable"], True) is False:
            constraints.append("NOT NULL")
        if "unique" in kw and _lit(kw["unique"]):
            constraints.append("UNIQUE")
        return ToolColumn(name, sa_type(node.args[1] if len(node.args) > 1 else None), default, constraints)


def sa_type(node: ast.AST | None) -> str:
    if node is None:
        return "TEXT"
    name = _call_name(node)
    sql = SQLALCHEMY_GENERIC.get(name, name.upper() or "TEXT")
    if isinstance(node, ast.Call):
        args = [str(_lit(a)) for a in node.args if isinstance(_lit(a), (int, float))]
        if args:
            sql += f"({', '.join(args)})"
        if name == "DateTime" and any(k.arg == "timezone" and _lit(k.value) for k in node.keywords):
            sql = "TIMESTAMPTZ"
    return sql


def _sa_default(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return "'" + node.value.replace("'", "''") + "'"      # Alembic renders a str as a literal
    if isinstance(node, ast.Call) and _call_name(node) == "text" and node.args:
        return str(_lit(node.args[0], "NULL"))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return f"{node.func.attr}()"                          # sa.func.now() -> now()
    return str(_lit(node, "NULL"))


def _sa_column_arg(node: ast.AST) -> str:
    name = _call_name(node)
    if name == "ForeignKey" and isinstance(node, ast.Call) and node.args:
        target = str(_lit(node.args[0], "?.?"))
        table, _, col = target.rpartition(".")
        return f"REFERENCES {table} ({col})"
    if name == "Computed" and isinstance(node, ast.Call) and node.args:
        stored = any(k.arg == "persisted" and _lit(k.value) is not False for k in node.keywords)
        return f"GENERATED ALWAYS AS ({_lit(node.args[0], '?')})" + (" STORED" if stored else "")
    if name == "Identity":
        return "GENERATED BY DEFAULT AS IDENTITY"
    return ""


def _table(r: AlembicReader, call: ast.Call, batch: str | None) -> object:
    """The op's table: the batch's, or its `table_name` argument."""
    return batch or r.arg(call, 0, "table_name")


def _op_add_column(r: AlembicReader, call: ast.Call, batch: str | None) -> list[ToolOp]:
    col = r.arg_node(call, 0 if batch else 1, "column")
    return [ToolOp("add_column", dict(table=_table(r, call, batch), column=r.column(col)))]


def _op_create_table(r: AlembicReader, call: ast.Call, batch: str | None) -> list[ToolOp]:
    cols = [r.column(a) for a in call.args[1:] if _call_name(a) == "Column"]
    return [ToolOp("create_table", dict(table=r.arg(call, 0, "table_name"), columns=cols))]


def _concurrently(r: AlembicReader, call: ast.Call) -> bool:
    return bool(r.arg(call, 99, "postgresql_concurrently", False))


def _op_create_index(r: AlembicReader, call: ast.Call, batch: str | None) -> list[ToolOp]:
    return [ToolOp("create_index", dict(
        table=batch or r.arg(call, 1, "table_name"), name=r.arg(call, 0, "index_name"),
        columns=r.arg(call, 1 if batch else 2, "columns", ["?"]), unique=bool(r.arg(call, 99, "unique", False)),
        concurrently=_concurrently(r, call)))]


def _op_drop_index(r: AlembicReader, call: ast.Call, batch: str | None) -> list[ToolOp]:
    return [ToolOp("drop_index", dict(name=r.arg(call, 0, "index_name"), concurrently=_concurrently(r, call)))]


def _op_alter_column(r: AlembicReader, call: ast.Call, batch: str | None) -> list[ToolOp]:
    """One op per thing `alter_column` changes: type, NOT NULL, default, name."""
    table, column = _table(r, call, batch), r.arg(call, 0 if batch else 1, "column_name")
    kw, out = {k.arg: k.value for k in call.keywords}, []
    if "type_" in kw:
        out.append(ToolOp("modify_type", dict(table=table, column=column, type=sa_type(kw["type_"]))))
    if "nullable" in kw and _lit(kw["nullable"], True) is False:
        out.append(ToolOp("set_not_null", dict(table=table, column=column, type=sa_type(kw.get("existing_type")))))
    if "server_default" in kw and _lit(kw["server_default"], "x") is not None:
        out.append(ToolOp("set_default", dict(table=table, column=column, default=_sa_default(kw["server_default"]))))
    if "new_column_name" in kw:
        out.append(ToolOp("rename_column", dict(table=table, column=column, new_name=_lit(kw["new_column_name"]))))
    return out


def _op_constraint(kind: str, cols_index: int):
    def build(r: AlembicReader, call: ast.Call, batch: str | None) -> list[ToolOp]:
        cols = r.arg(call, cols_index - (1 if batch else 0), "columns", ["?"])
        return [ToolOp("add_constraint", dict(table=batch or r.arg(call, 1, "table_name"),
                                              name=r.arg(call, 0, "constraint_name") or "?",
                                              definition=f"{kind} ({names(cols)})"))]
    return build


def _not_valid(r: AlembicReader, call: ast.Call) -> bool:
    return bool(r.arg(call, 99, "postgresql_not_valid", False))


def _op_create_fk(r: AlembicReader, call: ast.Call, batch: str | None) -> list[ToolOp]:
    shift = 1 if batch else 0
    referent = r.arg(call, 2 - shift, "referent_table")
    local, remote = r.arg(call, 3 - shift, "local_cols", ["?"]), r.arg(call, 4 - shift, "remote_cols", ["?"])
    return [ToolOp("add_constraint", dict(
        table=batch or r.arg(call, 1, "source_table"), name=r.arg(call, 0, "constraint_name") or "?",
        definition=f"FOREIGN KEY ({names(local)}) REFERENCES {names(referent)} ({names(remote)})",
        not_valid=_not_valid(r, call)))]


def _op_create_check(r: AlembicReader, call: ast.Call, batch: str | None) -> list[ToolOp]:
    shift = 1 if batch else 0
    cond = r.arg_node(call, 2 - shift, "condition")
    text = _lit(cond) if isinstance(cond, ast.Constant) else (_lit(cond.args[0]) if isinstance(cond, ast.Call)
                                                              and cond.args else "?")
    return [ToolOp("add_constraint", dict(table=batch or r.arg(call, 1, "table_name"),
                                          name=r.arg(call, 0, "constraint_name") or "?",
                                          definition=f"CHECK ({text})", not_valid=_not_valid(r, call)))]


OPS = {
    "add_column": _op_add_column,
    "create_table": _op_create_table,
    "create_index": _op_create_index,
    "drop_index": _op_drop_index,
    "alter_column": _op_alter_column,
    "drop_column": lambda r, c, b: [ToolOp("drop_column", dict(table=_table(r, c, b),
                                                               column=r.arg(c, 0 if b else 1, "column_name")))],
    "drop_table": lambda r, c, b: [ToolOp("drop_table", dict(table=r.arg(c, 0, "table_name")))],
    "rename_table": lambda r, c, b: [ToolOp("rename_table", dict(table=r.arg(c, 0, "old_table_name"),
                                                                 new_name=r.arg(c, 1, "new_table_name")))],
    "create_unique_constraint": _op_constraint("UNIQUE", 2),
    "create_primary_key": _op_constraint("PRIMARY KEY", 2),
    "create_foreign_key": _op_create_fk,
    "create_check_constraint": _op_create_check,
}
