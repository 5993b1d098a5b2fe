"""Alembic: one revision file `<revision>_<slug>.py` per phase, with upgrade() and downgrade().

The planner's SQL (Step.forward / Step.reverse) is the tested truth. A step becomes an `op.*`
call only where Alembic emits exactly that SQL on the target database: the op's fields are all
in `Step.native`, every identifier and type maps to something SQLAlchemy renders the same way,
and the op is not one the dialect lists in `alembic_sql_only`. Everything else runs as `op.execute(sa.text(...))`.
tests/test_alembic.py checks the claim: Alembic's offline SQL equals the planner's SQL.

A downgrade that cannot be done raises (Alembic's own advice for irreversible migrations),
before it changes anything, and names the manual steps.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ..dialects.base import Dialect
from ..models import ScriptFile
from ..plan.model import NativeOp, Phase, Plan, Step
from .common import one_line, render, request_id, slug, resumable_units
from .sqlfile import _with_session, reverse_blocks
from .types import Rendered, ToolContext

CONSTRAINT_TYPES = {"foreign_key": "foreignkey", "unique": "unique", "check": "check",
                    "primary_key": "primary"}
# sa.text()'s own patterns (sqlalchemy/sql/elements.py, compiler.py): a bind parameter, and
# the escaped colon it turns back into ":".
_BIND = re.compile(r"(?<![:\w\x5c]):(\w+)(?!:)")
_BIND_ESC = re.compile(r"\x5c(:[\w\$]*)(?![:\w\$])")
WIDTH = 96


@dataclass
class Block:
    """One step in upgrade() or downgrade(): comments, then code lines."""

    title: str
    lines: list[str]
    comments: list[str] = field(default_factory=list)
    transactional: bool = True


class NoOp(Exception):
    """The op would not reproduce the planner's SQL: the step runs as SQL."""


# --- Python source pieces -------------------------------------------------------------------

def statement(sql: str) -> str:
    """A statement for op.execute: `sa.text(...)`, or `sa.DDL(...)` for the few texts sa.text()
    cannot carry unchanged (`\\:` inside a literal, `:a:` runs); DDL sends its string as is,
    only `%` is special there."""
    try:
        return sa_text(sql)
    except NoOp:
        return _literal("sa.DDL", sql.replace("%", "%%"))


def sa_text(sql: str) -> str:
    """`sa.text(...)` with colons escaped so that `:name` is not taken for a bind parameter;
    multi-line SQL as one literal per line (implicit concatenation keeps it readable)."""
    escaped = _BIND.sub(r"\\\g<0>", sql)
    if _BIND_ESC.sub(r"\1", escaped) != sql or _BIND.search(escaped):
        raise NoOp("sa.text() cannot carry this text unchanged")
    return _literal("sa.text", escaped)


def _literal(fn: str, text: str) -> str:
    pieces = text.splitlines(keepends=True)
    if len(pieces) == 1:
        return f"{fn}({pieces[0]!r})"
    return f"{fn}(\n" + "\n".join(f"    {p!r}" for p in pieces) + "\n)"


def call(fn: str, *args: str, **kwargs: str | None) -> str:
    """A call as source; arguments are source already. One line when short, else one per line."""
    parts = list(args) + [f"{k}={v}" for k, v in kwargs.items() if v is not None]
    flat = f"{fn}({', '.join(parts)})"
    if len(flat) <= WIDTH and "\n" not in flat:
        return flat
    body = ",\n".join("    " + p.replace("\n", "\n    ") for p in parts)
    return f"{fn}(\n{body},\n)"


def execute(sql: str) -> str:
    return call("op.execute", statement(sql))


# --- mapping native fields to SQLAlchemy -------------------------------------------------------

def name(value: str, dialect: Dialect) -> str:
    """An identifier as SQLAlchemy must get it to quote it as the planner does. SQLAlchemy takes
    lower case as case-insensitive; where the database folds to upper case (Oracle) only names
    the planner leaves unquoted map to one SQLAlchemy name."""
    if dialect.fold == "upper":
        # SQLAlchemy also quotes a leading "_" or "$" (Oracle wants a letter first)
        if dialect.q(value).startswith(dialect.quote[0]) or not value[:1].isalpha():
            raise NoOp(value)
        return repr(value.lower())
    return repr(value)


def names(values: list[str], dialect: Dialect) -> str:
    return "[" + ", ".join(name(v, dialect) for v in values) + "]"


def sa_type(native: str | None, dialect: Dialect) -> str:
    """The SQLAlchemy type that renders to `native` (`Dialect.sqlalchemy_types`); a type
    missing there makes its step run as SQL."""
    if not native:
        raise NoOp("type unknown")
    head, _, inside = native.strip().upper().partition("(")
    args = re.findall(r"\d+", inside)
    counter = iter(range(len(args)))
    inside = re.sub(r"\d+", lambda m: "{%d}" % next(counter), re.sub(r"\s*,\s*", ",", inside))
    key = f"{head}({inside}" if inside else head
    template = dialect.sqlalchemy_types.get(key)
    if template is None:
        raise NoOp(native)
    return template.format(*args)


def server_default(default: str | None, dialect: Dialect) -> str | None:
    """`server_default=` source; a database that names default constraints (SQL Server) gets
    names SQLAlchemy cannot give, so the step runs as SQL."""
    if default is None:
        return None
    if dialect.named_defaults:
        raise NoOp("named default")
    return sa_text(default)


# --- one function per NativeOp kind (Alembic's dispatch-by-op, as in autogenerate/render.py) --

def _column(col, tc: ToolContext) -> str:
    d = tc.dialect
    return call("sa.Column", name(col.name, d), sa_type(col.type, d),
                nullable=repr(col.nullable), server_default=server_default(col.default, d),
                autoincrement="False" if col.primary_key else None)


def _create_table(f: dict, tc: ToolContext) -> str:
    d = tc.dialect
    parts = [name(f["table"], d)] + [_column(c, tc) for c in f["columns"]]
    if f["primary_key"]:
        parts.append(call("sa.PrimaryKeyConstraint", *(name(c, d) for c in f["primary_key"]),
                          name=name(f["pk_name"], d)))
    parts += [call("sa.UniqueConstraint", *(name(c, d) for c in u.columns), name=name(u.name, d))
              for u in f["unique"]]
    return call("op.create_table", *parts)


def _drop_table(f: dict, tc: ToolContext) -> str:
    return call("op.drop_table", name(f["table"], tc.dialect))


def _rename_table(f: dict, tc: ToolContext) -> str:
    return call("op.rename_table", name(f["table"], tc.dialect), name(f["new_name"], tc.dialect))


def _add_column(f: dict, tc: ToolContext) -> str:
    d = tc.dialect
    column = call("sa.Column", name(f["column"], d), sa_type(f.get("type"), d),
                  nullable=repr(f.get("nullable", True)), server_default=server_default(f.get("default"), d))
    return call("op.add_column", name(f["table"], d), column)


def _drop_column(f: dict, tc: ToolContext) -> str:
    return call("op.drop_column", name(f["table"], tc.dialect), name(f["column"], tc.dialect))


def _existing(f: dict, tc: ToolContext, restated: str) -> dict[str, str | None]:
    """existing_* arguments: databases that restate the column (MySQL MODIFY, SQL Server ALTER
    COLUMN) need them all, or Alembic would drop the nullability or the default."""
    d = tc.dialect
    if "type" not in f:
        if restated in d.restates_column:
            raise NoOp("column definition unknown")
        return {}
    return dict(existing_type=sa_type(f["type"], d), existing_nullable=repr(f["nullable"]),
                existing_server_default=server_default(f["default"], d) or "None")


def _alter(f: dict, tc: ToolContext, restated: str | None, **change: str) -> str:
    """op.alter_column; `restated` names the planner form when the database restates the
    column for it (None: a default change, which Alembic emits as ALTER COLUMN ... DEFAULT
    without existing_*; MySQL would switch to CHANGE for a datetime given existing_type)."""
    existing = _existing(f, tc, restated) if restated else {}
    for key in change:                       # the changed attribute is not an existing_* one
        existing.pop(f"existing_{key.removesuffix('_')}", None)
    return call("op.alter_column", name(f["table"], tc.dialect), name(f["column"], tc.dialect),
                **change, **existing)


def _rename_column(f: dict, tc: ToolContext) -> str:
    return call("op.alter_column", name(f["table"], tc.dialect), name(f["column"], tc.dialect),
                new_column_name=name(f["new_name"], tc.dialect))


def _modify_type(f: dict, tc: ToolContext) -> str:
    return _alter(f, tc, "alter_column_type", type_=sa_type(f["type"], tc.dialect))


def _set_not_null(f: dict, tc: ToolContext) -> str:
    return _alter(f, tc, "set_not_null", nullable="False")


def _drop_not_null(f: dict, tc: ToolContext) -> str:
    return _alter(f, tc, "drop_not_null", nullable="True")


def _set_default(f: dict, tc: ToolContext) -> str:
    return _alter(f, tc, None, server_default=server_default(f["default"], tc.dialect))


def _drop_default(f: dict, tc: ToolContext) -> str:
    return _alter(f, tc, None, server_default="None")


def _create_index(f: dict, tc: ToolContext) -> str:
    d = tc.dialect
    where = {}
    if f.get("where"):
        if not d.partial_indexes:
            raise NoOp("partial index")
        where[f"{d.sqlalchemy}_where"] = sa_text(f["where"])
    return call("op.create_index", name(f["name"], d), name(f["table"], d), names(f["columns"], d),
                unique=repr(bool(f.get("unique"))), **where)


def _drop_index(f: dict, tc: ToolContext) -> str:
    return call("op.drop_index", name(f["name"], tc.dialect), table_name=name(f["table"], tc.dialect))


def _add_foreign_key(f: dict, tc: ToolContext) -> str:
    d = tc.dialect
    clause = d.on_delete.get(f.get("on_delete") or "", "")
    return call("op.create_foreign_key", name(f["name"], d), name(f["table"], d), name(f["ref_table"], d),
                names(f["columns"], d), names(f["ref_columns"], d),
                ondelete=repr(clause.removeprefix(" ON DELETE ")) if clause else None)


def _add_unique(f: dict, tc: ToolContext) -> str:
    d = tc.dialect
    return call("op.create_unique_constraint", name(f["name"], d), name(f["table"], d),
                names(f["columns"], d))


def _drop_constraint(f: dict, tc: ToolContext) -> str:
    if f"drop_constraint:{f.get('kind')}" in tc.dialect.alembic_sql_only:
        raise NoOp("constraint kind")
    kind = CONSTRAINT_TYPES.get(f.get("kind"))
    return call("op.drop_constraint", name(f["name"], tc.dialect), name(f["table"], tc.dialect),
                type_=repr(kind) if kind else None)


OPS = {
    "create_table": _create_table, "drop_table": _drop_table, "rename_table": _rename_table,
    "add_column": _add_column, "drop_column": _drop_column, "rename_column": _rename_column,
    "modify_type": _modify_type, "set_not_null": _set_not_null, "drop_not_null": _drop_not_null,
    "set_default": _set_default, "drop_default": _drop_default, "create_index": _create_index,
    "drop_index": _drop_index, "add_foreign_key": _add_foreign_key, "add_unique": _add_unique,
    "drop_constraint": _drop_constraint,
}


def op_call(native: NativeOp | None, statements: list[str], tc: ToolContext) -> str | None:
    """The `op.*` call saying exactly `statements`, or None. An op emits one statement; where
    the planner needs more (SQL Server's default constraint, MySQL's FK index) or adds a clause
    no native field carries (PostgreSQL `USING`), the step runs as SQL."""
    if native is None or native.kind not in OPS or len(statements) != 1:
        return None
    # Alembic's SQL for it differs on this database (`Dialect.alembic_sql_only`; both work, ours is tested)
    if native.kind in tc.dialect.alembic_sql_only or re.search(r"\bUSING\b", statements[0]):
        return None
    try:
        return OPS[native.kind](native.fields, tc)
    except NoOp:
        return None


def code_for(native: NativeOp | None, statements: list[str], tc: ToolContext) -> list[str]:
    op = op_call(native, statements, tc)
    return [op] if op else [execute(s) for s in statements]


# --- blocks and files ------------------------------------------------------------------------

def _session_lead(pairs, statements_of) -> list[tuple[Step, list[str]]]:
    """Each step with the session settings (lock_timeout) to run before it: the SQL files'
    rule, so that the revision runs what the review file shows."""
    return [(s, combined[:len(combined) - len(statements_of(s) or [])])
            for s, combined in pairs]


def upgrade_blocks(steps: list[Step], tc: ToolContext) -> list[Block]:
    blocks = []
    for s, lead in _session_lead(_with_session(steps, lambda s: s.forward), lambda s: s.forward):
        comments = [f"lock: {s.lock.level}; blocks {s.lock.blocks}; {s.estimate}"]
        if s.destructive:
            comments.append("CONFIRMED DESTRUCTIVE: this step removes data (see warnings)")
        guards = [call("_guard", statement(g.query), repr(g.message)) for g in s.guards]
        code = [execute(x) for x in lead] + guards + code_for(s.native, s.forward, tc)
        blocks.append(Block(one_line(s.description), code, comments, s.transactional))
    return blocks


def downgrade_blocks(steps: list[Step], tc: ToolContext) -> list[Block]:
    pairs = _with_session(list(reversed(steps)), lambda s: s.reverse)
    return [Block(f"undo: {one_line(s.description)}",
                  [execute(x) for x in lead] + code_for(s.reverse_native, s.reverse, tc),
                  transactional=s.transactional)
            for s, lead in _session_lead(pairs, lambda s: s.reverse) if s.reverse]


def manual_downgrade(steps: list[Step], target: str) -> list[str]:
    """The NotImplementedError message of a downgrade that needs manual steps, in pieces (one
    string literal each); empty when every step reverses by itself."""
    manual = [m for s in steps if s.reverse is None for m in (s.manual_steps or [f"Undo: {s.description}."])]
    if not manual:
        return []
    return (["This migration cannot be reversed automatically. By hand:"] + [f" {m}" for m in manual]
            + [f" Then mark it undone with `alembic stamp {target}`."])


def revisions(plan: Plan, tc: ToolContext) -> list[tuple[str, str | None]]:
    """(revision, down_revision) per unit (a phase's run of steps sharing a transaction mode,
    see `resumable_units`), chained. Ids fit alembic_version.version_num (VARCHAR(32)) and
    derive from the request, never from the clock."""
    base = tc.request.revision or request_id(tc.request)
    down = tc.request.down_revision
    labels = [name if n == 1 else f"{name}{i + 1}" for name, n in
              ((p.name, len(resumable_units(p.steps, tc.step_units))) for p in plan.phases) for i in range(n)]
    if len(labels) == 1:
        return [(base, down)]
    out = []
    for label in labels:
        rev = base[:32 - len(label) - 1] + f"_{label}" if tc.request.revision else _derived(base, label)
        out.append((rev, down))
        down = rev
    return out


def _derived(base: str, phase: str) -> str:
    return hashlib.sha256(f"{base}:{phase}".encode()).hexdigest()[:12]


def docstring(text: str) -> str:
    """Text safe inside a triple-quoted docstring."""
    return one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def render_phase(phase: Phase, tc: ToolContext, ids: list[tuple[str, str | None]]) -> Rendered:
    """One revision per unit of the phase, and one rollback script for the whole phase."""
    request, dialect = tc.request, tc.dialect
    units = resumable_units(phase.steps, tc.step_units)
    scripts = [_revision(phase, steps, tc, rev, down) for steps, (rev, down) in zip(units, ids)]
    revision, target = ids[0][0], ids[0][1] or "base"
    rollback = ScriptFile(filename=f"{revision}_{slug(request.migration_description, 40)}_rollback.sql",
                          content=render(
        "alembic/rollback.sql.j2", blocks=reverse_blocks(phase.steps, dialect), target=target,
        description=one_line(request.migration_description), author=request.author, revision=ids[-1][0],
        tier=tc.tier, database=dialect.name, notes=tc.notes))
    return Rendered(scripts + [rollback], scripts[0], rollback, [rev for rev, _ in ids])


def _revision(phase: Phase, steps: list[Step], tc: ToolContext, revision: str, down: str | None) -> ScriptFile:
    request, dialect = tc.request, tc.dialect
    manual = manual_downgrade(steps, down or "base")
    upgrade, downgrade = upgrade_blocks(steps, tc), [] if manual else downgrade_blocks(steps, tc)
    code = "\n".join(line for b in upgrade + downgrade for line in b.lines)
    sa_dialect = dialect.sqlalchemy                 # imported only where a type of it is used
    data = dict(description=docstring(request.migration_description), author=docstring(request.author),
                revision=revision, down_revision=down, tier=tc.tier, database=dialect.name,
                phase=phase.name, notes=[docstring(n) for n in tc.notes],
                sa_dialect=sa_dialect if sa_dialect and f"{sa_dialect}." in code else None,
                upgrade=upgrade, downgrade=downgrade, manual=manual, guards=any(s.guards for s in steps))
    stem = f"{revision}_{slug(request.migration_description, 40)}"
    return ScriptFile(filename=f"{stem}.py", content=render("alembic/revision.py.j2", **data))


def render_plan(plan: Plan, tc: ToolContext) -> list[Rendered]:
    ids, out = iter(revisions(plan, tc)), []
    for phase in plan.phases:
        out.append(render_phase(phase, tc, [next(ids) for _ in resumable_units(phase.steps, tc.step_units)]))
    return out
