"""An Alembic project: `alembic.ini` (script_location, version_locations, file_template), the
revision graph read with `ast` (user code is never imported), the history in the order
`alembic upgrade heads` applies it, and the head the next revision chains onto.

`dbmig.sources` turns `op.*` calls into SQL for the linter; the replay needs a few more facts
than the linter does, added here as SQL beside what sources emits: the constraints that
`op.create_table` takes as arguments (`sa.PrimaryKeyConstraint(...)`), `op.drop_constraint`,
`alter_column(nullable=True / server_default=None)`, and `op.f("name")` names.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path, PurePosixPath

from ..sources import Statement
from ..sources.alembic import sa_type
from .config import Config, literal_url_in_env
from .model import Fact, Migration, Next, ProjectError
from .paths import list_files, read_text

DEFAULT_TEMPLATE = "%(rev)s_%(slug)s"


def _ini_path(value: str) -> str:
    """`%(here)s/alembic` -> `alembic` (paths in alembic.ini are relative to the ini)."""
    return value.replace("%(here)s", ".").replace("\\", "/").removeprefix("./").rstrip("/") or "."


def script_location(config: Config) -> str:
    fact = config.get("script_location")
    if fact is None:
        raise ProjectError("alembic.ini has no script_location in [alembic]", file=config.file)
    return _ini_path(fact.value)


def version_folders(root: Path, config: Config, scripts: str) -> list[str]:
    fact = config.get("version_locations")
    if fact is None:
        return [f"{scripts}/versions" if scripts != "." else "versions"]
    sep = {"space": " ", "newline": "\n", "os": ":", ":": ":", ";": ";"}.get(
        (config.get("path_separator", "version_path_separator") or Fact("space", "")).value, " ")
    return [_ini_path(p) for p in re.split(r"[,\s]+" if sep == " " else re.escape(sep), fact.value) if p.strip()]


def env_url(root: Path, scripts: str) -> Fact | None:
    env = _env_py(scripts)
    return literal_url_in_env(root, env) if (root / env).is_file() else None


def version_table(root: Path, scripts: str) -> Fact | None:
    """`context.configure(..., version_table="...")` in env.py, where it names its own table
    for the applied revision (read with ast, as a literal; never imported)."""
    env = _env_py(scripts)
    if not (root / env).is_file():
        return None
    try:
        tree = ast.parse(read_text(root, env))
    except SyntaxError as e:
        raise ProjectError(f"Python syntax error: {e.msg}", file=env, line=e.lineno) from None
    for node in ast.walk(tree):
        for kw in node.keywords if isinstance(node, ast.Call) else []:
            if kw.arg == "version_table" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                return Fact(kw.value.value, f"{env}:{kw.value.lineno}")
    return None


def _env_py(scripts: str) -> str:
    return f"{scripts}/env.py" if scripts != "." else "env.py"


# --- revisions -------------------------------------------------------------------------------------

def history(root: Path, folders: list[str], origin: str | None) -> list[Migration]:
    revisions = []
    for folder in folders:
        for path in list_files(root, folder, origin=origin):
            if path.endswith(".py") and not PurePosixPath(path).name.startswith("__"):
                revisions.append(_revision(path, read_text(root, path)))
    return _apply_order(revisions)


def _revision(path: str, content: str) -> Migration:
    try:
        tree = ast.parse(content)
    except SyntaxError as e:
        raise ProjectError(f"Python syntax error: {e.msg}", file=path, line=e.lineno) from None
    ids: dict[str, object] = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else \
            getattr(node, "target", None) if isinstance(node, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision", "branch_labels"):
            try:
                ids[target.id] = ast.literal_eval(node.value)
            except ValueError:
                raise ProjectError(f"{target.id} is computed; dbmig reads only literal values",
                                   file=path, line=node.lineno) from None
    if not isinstance(ids.get("revision"), str):
        raise ProjectError("no literal `revision = '...'`: not an Alembic revision file", file=path, line=1)
    doc = ast.get_docstring(tree) or ""
    return Migration(path, content, "revision", ids["revision"], doc.splitlines()[0] if doc else "",
                     _tuple(ids.get("down_revision")), _tuple(ids.get("branch_labels")))


def _tuple(value: object) -> tuple[str, ...]:
    return () if value is None else (value,) if isinstance(value, str) else tuple(value)


def _apply_order(revisions: list[Migration]) -> list[Migration]:
    """Parents before children (Kahn); ties by revision id, so the order is stable."""
    by_id: dict[str, Migration] = {}
    for m in revisions:
        if m.version in by_id:
            raise ProjectError(f"revision {m.version} is also declared in {by_id[m.version].path}", file=m.path)
        by_id[m.version] = m
    for m in revisions:
        for parent in m.parents:
            if parent not in by_id:
                raise ProjectError(f"down_revision {parent!r} names no revision in the project", file=m.path,
                                   line=_line(m.content, "down_revision"))
    done: list[Migration] = []
    placed: set[str] = set()
    while len(done) < len(by_id):
        ready = sorted(r for r, m in by_id.items() if r not in placed and set(m.parents) <= placed)
        if not ready:
            cycle = sorted(set(by_id) - placed)
            raise ProjectError(f"the revisions {', '.join(cycle)} form a cycle", file=by_id[cycle[0]].path)
        for r in ready:
            done.append(by_id[r])
            placed.add(r)
    return done


def _line(content: str, name: str) -> int:
    return next((n for n, ln in enumerate(content.splitlines(), 1) if ln.startswith(name)), 1)


def heads(migrations: list[Migration]) -> list[str]:
    parents = {p for m in migrations for p in m.parents}
    return sorted(m.version for m in migrations if m.version not in parents)


def next_step(root: Path, config: Config, folders: list[str], migrations: list[Migration]) -> Next:
    tips = heads(migrations)
    head = next((m for m in migrations if m.version == tips[0]), None) if len(tips) == 1 else None
    folder = str(PurePosixPath(head.path).parent) if head else folders[0]
    template = config.get("file_template")
    dates = [d for m in migrations for d in re.findall(r"^Create Date: (\S+ \S+)", m.content, re.M)]
    return Next(down_revision=tips[0] if len(tips) == 1 else None, heads=tips, location=folder,
                file_template=template.value.replace("%%", "%") if template else DEFAULT_TEMPLATE,
                create_date=max(dates) if dates else None,
                names=[PurePosixPath(p).name for p in list_files(root, folder)] if (root / folder).is_dir() else [])


def file_name(template: str, revision: str, description: str, create_date: str | None,
              truncate: int = 40) -> str:
    """The file name `alembic revision` would give, dates from the history (not the clock)."""
    words = re.sub(r"\W", " ", description).split()
    slug = "_".join(words).lower()
    if len(slug) > truncate:
        slug = slug[:truncate].rsplit("_", 1)[0] or slug[:truncate]
    date = re.match(r"(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)", create_date or "1970-01-01 00:00:00")
    year, month, day, hour, minute, second = (int(x) for x in date.groups())
    values = dict(rev=revision, slug=slug, year=year, month=month, day=day, hour=hour, minute=minute,
                  second=second, epoch=0)
    try:
        return template % values + ".py"
    except (KeyError, ValueError, TypeError):
        raise ProjectError(f"file_template {template!r} uses a token dbmig does not know",
                           allowed=sorted(values)) from None


# --- what sources leaves out ------------------------------------------------------------------------

def normalized(content: str, database: str) -> str:
    """The revision as sources reads it best, same lines: `op.f("ix_x")` -> `"ix_x"`,
    `sa.String(length=255)` / `sa.Numeric(precision=10, scale=2)` with positional arguments
    (how autogenerate writes them; sources reads type arguments by position), and on MySQL
    `sa.DateTime()` as the DATETIME SQLAlchemy creates there (sources' generic TIMESTAMP is a
    time-zone-converting type on MySQL)."""
    try:
        tree = ast.parse(content)
    except SyntaxError:
        return content            # sources reports the error with its line
    edits = []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.lineno == n.end_lineno):
        if _is_op(call.func, "f") and len(call.args) == 1 and isinstance(call.args[0], ast.Constant):
            edits.append((call, ast.get_source_segment(content, call.args[0])))
        elif _TYPE_KEYWORDS & {k.arg for k in call.keywords} and _call_name(call) in _SIZED_TYPES:
            edits.append((call, _positional(call, content)))
        elif database == "mysql" and _call_name(call) == "DateTime":
            edits.append((call, ast.get_source_segment(content, call.func)[:-len("DateTime")] + "DATETIME()"))
    lines = content.splitlines(keepends=True)
    for call, text in sorted(edits, key=lambda e: (e[0].lineno, -e[0].col_offset)):
        raw = lines[call.lineno - 1].encode()
        lines[call.lineno - 1] = (raw[:call.col_offset] + text.encode() + raw[call.end_col_offset:]).decode()
    return "".join(lines)


_TYPE_KEYWORDS = {"length", "precision", "scale"}
_SIZED_TYPES = {"String", "Unicode", "VARCHAR", "CHAR", "NCHAR", "NVARCHAR", "Numeric", "NUMERIC", "DECIMAL",
                "Float", "LargeBinary", "Text"}


def _call_name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


def _positional(call: ast.Call, content: str) -> str:
    seg = lambda n: ast.get_source_segment(content, n)   # noqa: E731
    kw = {k.arg: k.value for k in call.keywords}
    args = [seg(a) for a in call.args]
    args += [seg(kw[k]) for k in ("length", "precision", "scale") if k in kw]
    args += [f"{k.arg}={seg(k.value)}" for k in call.keywords if k.arg not in _TYPE_KEYWORDS]
    return f"{seg(call.func)}({', '.join(args)})"


def _is_op(func: ast.AST, name: str) -> bool:
    return isinstance(func, ast.Attribute) and func.attr == name and isinstance(func.value, ast.Name) \
        and func.value.id == "op"


def supplements(path: str, content: str, covered: set[int], database: str) -> list[Statement]:
    """SQL for the facts sources does not emit, at the line of the op call. `covered`: lines
    where sources already emitted an `op.drop_constraint` (a future sources may)."""
    try:
        tree = ast.parse(content)
    except SyntaxError:
        return []
    upgrade = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "upgrade"), None)
    out = []
    batches = _batches(upgrade) if upgrade else {}
    for call in sorted((n for n in ast.walk(upgrade) if isinstance(n, ast.Call)) if upgrade else [],
                       key=lambda n: (n.lineno, n.col_offset)):
        owner = call.func.value.id if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) else None
        if owner != "op" and owner not in batches:
            continue
        build = _SUPPLEMENTS.get(call.func.attr)
        if build and not (call.func.attr == "drop_constraint" and call.lineno in covered):
            out += [Statement(path, sql, call.lineno, call.col_offset + 1, None, "up", True,
                              f"op.{call.func.attr}") for sql in build(call, batches.get(owner), database)]
    return out


# op.* calls that change no table definition, or whose effect the replay reads elsewhere.
_NO_SCHEMA_EFFECT = {"execute", "bulk_insert", "get_bind", "get_context", "f", "batch_alter_table", "inline_literal",
                     "run_async", "invoke", "alter_column", "create_table_comment", "drop_table_comment"}


def untranslated(content: str, done: set[int]) -> list[tuple[int, int, str]]:
    """(line, column, op) for op calls in upgrade() that became no statement."""
    try:
        upgrade = next((n for n in ast.parse(content).body if isinstance(n, ast.FunctionDef) and n.name == "upgrade"),
                       None)
    except SyntaxError:
        return []
    batches = _batches(upgrade) if upgrade else {}
    out = []
    for call in (n for n in ast.walk(upgrade) if isinstance(n, ast.Call)) if upgrade else []:
        owner = call.func.value.id if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) else None
        if (owner == "op" or owner in batches) and call.func.attr not in _NO_SCHEMA_EFFECT and call.lineno not in done:
            out.append((call.lineno, call.col_offset + 1, call.func.attr))
    return sorted(out)


def _batches(fn: ast.FunctionDef) -> dict[str, str]:
    out = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.With):
            for item in node.items:
                ctx = item.context_expr
                if isinstance(ctx, ast.Call) and _is_op(ctx.func, "batch_alter_table") and \
                        isinstance(item.optional_vars, ast.Name) and ctx.args:
                    out[item.optional_vars.id] = _lit(ctx.args[0])
    return out


def _lit(node: ast.AST | None, default: object = None) -> object:
    try:
        return ast.literal_eval(node) if node is not None else default
    except ValueError:
        return default


def _arg(call: ast.Call, index: int, keyword: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == keyword),
                call.args[index] if index < len(call.args) else None)


def _names(value: object) -> str:
    return ", ".join(str(v) for v in (value if isinstance(value, (list, tuple)) else [value]))


def _create_table(call: ast.Call, batch: str | None, database: str) -> list[str]:
    table = _lit(_arg(call, 0, "table_name"))
    return _table_constraints(call, table) + _autoincrement(call, table, database)


def _autoincrement(call: ast.Call, table: str, database: str) -> list[str]:
    """SQLAlchemy numbers a lone integer primary key (autoincrement="auto"): SERIAL on
    PostgreSQL, AUTO_INCREMENT on MySQL; said as the statement that makes it so."""
    columns = [a for a in call.args[1:] if isinstance(a, ast.Call) and _call_name(a) == "Column" and len(a.args) >= 2]
    pk = [_lit(a.args[0]) for a in columns if any(k.arg == "primary_key" and _lit(k.value) for k in a.keywords)]
    pk += [_lit(x) for a in call.args[1:] if isinstance(a, ast.Call) and _call_name(a) == "PrimaryKeyConstraint"
           for x in a.args]
    if len(pk) != 1:
        return []
    col = next((a for a in columns if _lit(a.args[0]) == pk[0]), None)
    integer = col is not None and isinstance(col.args[1], (ast.Call, ast.Attribute)) and \
        (_call_name(col.args[1]) if isinstance(col.args[1], ast.Call) else col.args[1].attr) in _INTEGER_TYPES
    auto = col is not None and all(_lit(k.value, True) not in (False, "ignore_fk") for k in col.keywords
                                   if k.arg == "autoincrement")
    foreign = col is not None and any(isinstance(a, ast.Call) and _call_name(a) == "ForeignKey" for a in col.args)
    if not (integer and auto and not foreign):
        return []
    if database == "postgresql":
        return [f"ALTER TABLE {table} ALTER COLUMN {pk[0]} SET DEFAULT nextval('{table}_{pk[0]}_seq'::regclass)"]
    if database == "mysql":
        return [f"ALTER TABLE {table} MODIFY COLUMN {pk[0]} {sa_type(col.args[1])} AUTO_INCREMENT NOT NULL"]
    return []


_INTEGER_TYPES = {"Integer", "BigInteger", "SmallInteger", "INTEGER", "BIGINT", "SMALLINT", "INT"}


def _table_constraints(call: ast.Call, table: str) -> list[str]:
    out = []
    for arg in call.args[1:]:
        if not isinstance(arg, ast.Call) or not isinstance(arg.func, ast.Attribute):
            continue
        kind, name = arg.func.attr, _lit(next((k.value for k in arg.keywords if k.arg == "name"), None))
        named = f"CONSTRAINT {name} " if name else ""
        cols = [_lit(a) for a in arg.args if isinstance(_lit(a), str)]
        if kind == "PrimaryKeyConstraint":
            out.append(f"ALTER TABLE {table} ADD {named}PRIMARY KEY ({_names(cols)})")
        elif kind == "UniqueConstraint":
            out.append(f"ALTER TABLE {table} ADD {named}UNIQUE ({_names(cols)})")
        elif kind == "CheckConstraint" and cols:
            out.append(f"ALTER TABLE {table} ADD {named}CHECK ({cols[0]})")
        elif kind == "ForeignKeyConstraint" and len(arg.args) >= 2:
            local, remote = _lit(arg.args[0], []), _lit(arg.args[1], [])
            ref_table = remote[0].rsplit(".", 1)[0] if remote else "?"
            on_delete = _lit(next((k.value for k in arg.keywords if k.arg == "ondelete"), None))
            out.append(f"ALTER TABLE {table} ADD {named}FOREIGN KEY ({_names(local)}) REFERENCES {ref_table} "
                       f"({_names([r.rsplit('.', 1)[-1] for r in remote])})"
                       + (f" ON DELETE {on_delete}" if on_delete else ""))
    return out


def _drop_constraint(call: ast.Call, batch: str | None, database: str) -> list[str]:
    name = _lit(_arg(call, 0, "constraint_name"))
    table = batch or _lit(_arg(call, 1, "table_name"))
    return [f"ALTER TABLE {table} DROP CONSTRAINT {name}"]


def _alter_column_extra(call: ast.Call, batch: str | None, database: str) -> list[str]:
    table = batch or _lit(_arg(call, 0, "table_name"))
    column = _lit(_arg(call, 0 if batch else 1, "column_name"))
    kw = {k.arg: k.value for k in call.keywords}
    out = []
    if "nullable" in kw and _lit(kw["nullable"]) is True:
        out.append(f"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL")
    if "server_default" in kw and isinstance(kw["server_default"], ast.Constant) and kw["server_default"].value is None:
        out.append(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")
    return out


_SUPPLEMENTS = {"create_table": _create_table, "drop_constraint": _drop_constraint,
                "alter_column": _alter_column_extra}
