"""Zero-downtime (T3) data migrations: backfill, update_rows and split_column, and raw_sql for the
hybrid recipes (merge, move to a new table, lookup table).

The data step is T2's batched loop (plan/data.py), already what a team runs on a live table:
keyset batches of one transaction each, the rows of one batch locked at a time, a backup table
that makes a rerun resume and the rollback exact. What zero downtime adds is the order around it:

- expand: what the new app version needs to exist before it runs: the columns the step writes
  (split_column's parts are added here, online), and the tables and columns earlier changes of
  the request create (`app_first` moves them out of migrate);
- the gate before migrate: that app version is deployed and writes the new values itself for the
  rows it inserts and updates. The loop visits each key once, so a row the old version writes
  after its batch has passed would keep the old shape;
- migrate: the loop; then what depends on full columns (NOT NULL, foreign keys) and, behind the
  contract gate, the drops.

A T2 data step proves that the columns it does not write kept their count and hash; under live
traffic the app writes them meanwhile, so that proof would fail on a healthy run and is left out.
"""
from __future__ import annotations

from ...models import AddColumn, Backfill, Change, Column, RawSql, SplitColumn, UpdateRows
from .. import constraints as direct_constraints
from .. import data as direct_data
from ..context import Context
from ..model import Step
from ..registry import online, planner_for
from .common import guarded, impossible, rephase

# Ops whose steps, when they precede a data step behind the app gate, belong to expand: they make
# the tables and columns the new app version writes and reads.
ADDITIVE = ("create_table", "add_column", "raw_sql")
# Lint findings of these severities mean the raw SQL would block or lose something on a live table.
BLOCKING = ("warning", "error")


@online("backfill")
def backfill(ch: Backfill, ctx: Context, path: str) -> list[Step]:
    return [_behind_app(ctx, s, f"{ch.table}.{ch.column}") for s in direct_data.backfill(ch, ctx, path)]


@online("update_rows")
def update_rows(ch: UpdateRows, ctx: Context, path: str) -> list[Step]:
    written = ", ".join(f"{ch.table}.{c}" for c in sorted(ch.set))
    return [_behind_app(ctx, s, written) for s in direct_data.update_rows(ch, ctx, path)]


@online("split_column")
def split_column(ch: SplitColumn, ctx: Context, path: str) -> list[Step]:
    """The parts are added online in expand (the T2 planner then finds them and adds none)."""
    expand = _add_parts(ctx, ch, path)
    steps = direct_data.split_column(ch, ctx, path)
    return expand + [_behind_app(ctx, s, ", ".join(f"{ch.table}.{c}" for c in ch.into)) for s in steps]


@online("raw_sql")
def raw_sql(ch: RawSql, ctx: Context, path: str) -> list[Step]:
    """The caller's SQL as written, behind the lock timeout, if lint finds nothing in it that
    blocks a live table or loses data; else no online form."""
    steps = rephase(direct_constraints.raw_sql(ch, ctx, path), ctx)
    found = _blocking(ctx, steps[0].forward)
    if found:
        raise impossible("raw_sql", ctx, "lint finds statements that block a live table or lose data: "
                         + "; ".join(found), "express the change with dbmig's operations (each has an online "
                         "form or says why not), or allow downtime")
    ctx.warnings.append(
        f"{path} (raw_sql) runs once, as written, in its phase: dbmig cannot make it online. Lint finds nothing "
        "blocking in it, but a statement that reads a live table in one go (INSERT ... SELECT) keeps its snapshot, "
        "or its row locks where the engine takes them, until it ends: batch large copies.")
    return steps


# --- the order around the loop --------------------------------------------------------------------

def _behind_app(ctx: Context, step: Step, written: str) -> Step:
    """The T2 step in migrate, behind the gate that the app version writing `written` runs."""
    step.phase = "migrate"
    step.checks = [c for c in step.checks if c.expected]      # the count-and-hash proof: see the module doc
    step.guide.setdefault("gate", []).append(
        f"Deploy the app version that writes {written} itself, the new way, for every row it inserts or updates: "
        "the batches visit each row once, and a row the old version writes after its batch passed would keep "
        "the old value.")
    ctx.warn(f"{step.description}: online, one batch of rows locked at a time, once the app version that writes "
             f"{written} for new and updated rows runs (the gate before the step's phase).", step)
    return step


def _add_parts(ctx: Context, ch: SplitColumn, path: str) -> list[Step]:
    """split_column's missing target columns, nullable, with the source's type, each added by
    the database's online add_column, in expand."""
    source = ctx.schema.column(ch.table, ch.column)
    if source is None or source.type is None:
        return []                      # the T2 planner names the missing column
    add = planner_for("add_column", ctx.dialect.name, zero_downtime=True)
    steps = []
    for j, name in enumerate(ch.into):
        if ctx.schema.column(ch.table, name) is None:
            col = Column(name=name, type=str(source.type))
            steps += add(AddColumn(table=ch.table, column=col), ctx, f"{path}.into.{j}")
    for s in steps:
        s.phase = "expand"
    return steps


def app_first(steps: list[Step], changes: list[Change]) -> None:
    """Steps of earlier changes that create what the new app version needs (tables, columns,
    rows copied into a new table) move from migrate to expand, before the first data step's gate."""
    gated = next((i for i, s in enumerate(steps) if s.guide.get("gate")), 0)
    for s in steps[:gated]:
        if s.phase == "migrate" and s.change is not None and changes[s.change].op in ADDITIVE:
            s.phase = "expand"


def _blocking(ctx: Context, statements: list[str]) -> list[str]:
    from ...lint import validate_migration     # the gate's own rules; imported late like the gate does
    script = "".join(f"{sql};\n" for sql in statements)
    report = validate_migration([{"filename": "raw_sql.sql", "content": script}], ctx.dialect.name)
    return list(dict.fromkeys(f"{f['rule_id']}: {f['message']}" for f in report["findings"]
                              if f["severity"] in BLOCKING))
