"""Zero-downtime (T3) data migrations: backfill, update_rows and split_column, and raw_sql for the
hybrid recipes (merge, move to a new table, lookup table).

The data step is T2's batched loop (plan/data.py), already what a team runs on a live table:
keyset batches of one transaction each, the rows of one batch locked at a time, a backup table
that makes a rerun resume and the rollback exact. What zero downtime adds is the order around it:

- expand: what the new app version needs to exist before it runs: the columns the step writes
  (split_column's parts are added here, online), and the tables and columns earlier changes of
  the request create (these strategies `wait_for_app`, so build_plan gives those changes
  `additions_phase` "expand");
- the gate before migrate: that app version is deployed and writes the new values itself for the
  rows it inserts and updates. The loop visits each key once, so a row the old version writes
  after its batch has passed would keep the old shape;
- migrate: the loop; then what depends on full columns (NOT NULL, foreign keys) and, behind the
  contract gate, the drops.

A T2 data step proves that the columns it does not write kept their count and hash; under live
traffic the app writes them meanwhile, so that proof would fail on a healthy run and is left out
(`data_step(..., app_writes=...)`).
"""
from __future__ import annotations

from ...models import AddColumn, Backfill, Column, RawSql, SplitColumn, UpdateRows
from .. import data as direct_data
from ..context import Context
from ..model import Step
from ..registry import direct_planner
from ..strategy import Strategy, strategy, strategy_for
from .common import behind_timeout, impossible

# Lint findings of these severities mean the raw SQL would block or lose something on a live table.
BLOCKING = ("warning", "error")


@strategy("batched_behind_app")
class BatchedBehindApp(Strategy):
    """backfill and update_rows: T2's batched loop in migrate, behind the gate that the app
    version writing the new values runs."""

    waits_for_app = True

    def plan(self, ch: Backfill | UpdateRows, ctx: Context, path: str) -> list[Step]:
        if isinstance(ch, Backfill):
            return [direct_data.data_step(ctx, direct_data.backfill_job(ch, ctx, path), f"{ch.table}.{ch.column}")]
        written = ", ".join(f"{ch.table}.{c}" for c in sorted(ch.set))
        return [direct_data.data_step(ctx, direct_data.update_job(ch, ctx, path), written)]


@strategy("split_behind_app")
class SplitBehindApp(Strategy):
    """split_column: the parts are added online in expand (the T2 job then finds them and adds
    none), then the loop behind the app gate."""

    waits_for_app = True

    def plan(self, ch: SplitColumn, ctx: Context, path: str) -> list[Step]:
        expand = _add_parts(ctx, ch, path)
        parts, job = direct_data.split_job(ch, ctx, path)
        written = ", ".join(f"{ch.table}.{c}" for c in ch.into)
        return expand + parts + [direct_data.data_step(ctx, job, written)]


def _add_parts(ctx: Context, ch: SplitColumn, path: str) -> list[Step]:
    """split_column's missing target columns, nullable, with the source's type, each added by
    the database's online add_column, in expand."""
    source = ctx.schema.column(ch.table, ch.column)
    if source is None or source.type is None:
        return []                      # the T2 job names the missing column
    add, steps = strategy_for("add_column", ctx.dialect), []
    with ctx.additions_in("expand"):
        for j, name in enumerate(ch.into):
            if ctx.schema.column(ch.table, name) is None:
                col = Column(name=name, type=source.type.portable)
                steps += add.plan(AddColumn(table=ch.table, column=col), ctx, f"{path}.into.{j}")
    return steps


@strategy("raw_sql_if_lint_clean")
class RawSqlIfLintClean(Strategy):
    """The caller's SQL as written, behind the lock timeout, if lint finds nothing in it that
    blocks a live table or loses data; else no online form."""

    def plan(self, ch: RawSql, ctx: Context, path: str) -> list[Step]:
        steps = behind_timeout(ctx, direct_planner("raw_sql", ctx.dialect)(ch, ctx, path), ctx.additions_phase)
        found = _blocking(ctx, steps[0].forward)
        if found:
            raise impossible("raw_sql", ctx, "lint finds statements that block a live table or lose data: "
                             + "; ".join(found), "express the change with dbmig's operations (each has an online "
                             "form or says why not), or allow downtime")
        ctx.warnings.append(
            f"{path} (raw_sql) runs once, as written, in its phase: dbmig cannot make it online. Lint finds nothing "
            "blocking in it, but a statement that reads a live table in one go (INSERT ... SELECT) keeps its "
            "snapshot, or its row locks where the engine takes them, until it ends: batch large copies.")
        return steps


def _blocking(ctx: Context, statements: list[str]) -> list[str]:
    from ...lint import validate_migration     # the gate's own rules; imported late like the gate does
    script = "".join(f"{sql};\n" for sql in statements)
    report = validate_migration([{"filename": "raw_sql.sql", "content": script}], ctx.dialect.name)
    return list(dict.fromkeys(f"{f['rule_id']}: {f['message']}" for f in report["findings"]
                              if f["severity"] in BLOCKING))
