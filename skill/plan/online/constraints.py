"""Online constraints. PostgreSQL: add NOT VALID (brief lock), then VALIDATE in its own
transaction (SHARE UPDATE EXCLUSIVE: reads and writes go on); UNIQUE from a concurrent unique
index. MySQL: in place with LOCK=NONE; a foreign key in place once a guard found no orphans."""
from __future__ import annotations

from ...models import AddCheck, AddForeignKey, AddUnique
from ...schema import IndexDef
from ..constraints import add_check as direct_check, add_foreign_key as direct_fk, add_unique as direct_unique
from ..constraints import drop_constraint_sql
from ..context import Context
from ..model import Guard, Step
from ..registry import online
from .common import guarded, impossible, online_lock, phase_check, step
from .indexes import build_index

BRIEF = "reads and writes, brief (waits at most the lock timeout)"


def _planned(direct, ch, ctx: Context, path: str):
    """Run the T1 planner for its checks, names and virtual-schema update; keep its constraint."""
    n = len(ctx.warnings)
    (s,) = direct(ch, ctx, path)
    del ctx.warnings[n:]                     # they describe the blocking form
    c = next(c for c in ctx.table(ch.table).constraints.values() if s.description.endswith(f"{c.name} on {ch.table}"))
    return s, c


def not_valid_then_validate(ctx: Context, table: str, name: str, add: str, level: str, phase: str) -> list[Step]:
    d, parts = ctx.dialect, dict(table=ctx.q(table), name=ctx.q(name))
    drop = [d.sql("zd_drop_constraint_if_exists", **parts)]
    return [step(ctx, f"add constraint {name} NOT VALID (new rows checked from now on)", guarded(ctx, [add]),
                 guarded(ctx, drop), online_lock(level, BRIEF), table, phase),
            step(ctx, f"validate constraint {name} (scans existing rows)", [d.sql("zd_validate", **parts)], [],
                 online_lock("SHARE UPDATE EXCLUSIVE"), table, phase, transactional=False, work="scan")]


def _orphans(ctx: Context, ch: AddForeignKey) -> str:
    cols = [ctx.q(c) for c in ch.columns]
    join = " AND ".join(f"p.{ctx.q(r)} = c.{k}" for r, k in zip(ch.ref_columns, cols))
    present = " AND ".join(f"c.{k} IS NOT NULL" for k in cols)
    return (f"SELECT COUNT(*) FROM {ctx.q(ch.table)} c WHERE {present} AND NOT EXISTS "
            f"(SELECT 1 FROM {ctx.q(ch.ref_table)} p WHERE {join})")


@online("add_foreign_key", database="postgresql")
def add_foreign_key_pg(ch: AddForeignKey, ctx: Context, path: str) -> list[Step]:
    s, c = _planned(direct_fk, ch, ctx, path)
    add = ctx.dialect.sql("zd_fk_not_valid", table=ctx.q(ch.table), name=ctx.q(c.name), columns=ctx.qlist(ch.columns),
                          ref_table=ctx.q(ch.ref_table), ref_columns=ctx.qlist(ch.ref_columns),
                          on_delete=ctx.dialect.on_delete.get(ch.on_delete or "", ""))
    phase_check(ctx, "migrate", f"no row of {ch.table} lacks its {ch.ref_table}", _orphans(ctx, ch), [[0]])
    return not_valid_then_validate(ctx, ch.table, c.name, add, "SHARE ROW EXCLUSIVE (both tables)", "migrate")


@online("add_foreign_key", database="mysql")
def add_foreign_key_mysql(ch: AddForeignKey, ctx: Context, path: str) -> list[Step]:
    s, c = _planned(direct_fk, ch, ctx, path)
    d = ctx.dialect
    forward = d.statements("online_add_foreign_key", table=ctx.q(ch.table), name=ctx.q(c.name),
                           columns=ctx.qlist(ch.columns), ref_table=ctx.q(ch.ref_table),
                           ref_columns=ctx.qlist(ch.ref_columns), on_delete=d.on_delete.get(ch.on_delete or "", ""))
    ctx.warnings.append(f"{c.name} is added with foreign_key_checks=0 so InnoDB builds it in place: existing rows "
                        "are not checked by the server; the guard and the validation test count orphans.")
    phase_check(ctx, "migrate", f"no row of {ch.table} lacks its {ch.ref_table}", _orphans(ctx, ch), [[0]])
    return [step(ctx, f"add foreign key {c.name} in place", guarded(ctx, forward), guarded(ctx, s.reverse),
                 online_lock("metadata lock (INPLACE, LOCK=NONE)"), ch.table, work="index",
                 guards=[Guard(_orphans(ctx, ch), f"rows of {ch.table} without a matching {ch.ref_table}")])]


@online("add_check", database="postgresql")
def add_check_pg(ch: AddCheck, ctx: Context, path: str) -> list[Step]:
    s, c = _planned(direct_check, ch, ctx, path)
    add = ctx.dialect.sql("zd_check_not_valid", table=ctx.q(ch.table), name=ctx.q(c.name), expression=c.expression)
    return not_valid_then_validate(ctx, ch.table, c.name, add, "ACCESS EXCLUSIVE", "migrate")


@online("add_check", database="mysql")
def add_check_mysql(ch: AddCheck, ctx: Context, path: str) -> list[Step]:
    raise impossible("add_check", ctx, "InnoDB checks existing rows only with ALGORITHM=COPY, which blocks "
                     "writes for the whole copy", _shadow_options(ctx, ch.table, f"ADD CHECK ({ch.expression})"))


def _shadow_options(ctx: Context, table: str, alter: str) -> str:
    return (f"allow downtime (a window of {ctx.estimate(table, ctx.dialect.locks['add_check'])}); or run it "
            f"with a shadow-table tool that copies while replaying writes: `pt-online-schema-change "
            f"--alter \"{alter}\" D=<db>,t={table} --execute` or `gh-ost --table={table} "
            f"--alter=\"{alter}\" --execute`")


@online("add_unique", database="postgresql")
def add_unique_pg(ch: AddUnique, ctx: Context, path: str) -> list[Step]:
    s, c = _planned(direct_unique, ch, ctx, path)
    build = build_index(ctx, ch.table, IndexDef(c.name, list(ch.columns), unique=True))
    attach = ctx.dialect.sql("zd_unique_using_index", table=ctx.q(ch.table), name=ctx.q(c.name))
    ctx.warnings.append(f"The unique index {c.name} fails if {ch.table} holds duplicates of "
                        f"({', '.join(ch.columns)}): check first.")
    return [build, step(ctx, f"attach {c.name} as UNIQUE constraint (catalog change)", guarded(ctx, [attach]),
                        guarded(ctx, drop_constraint_sql(ctx, ch.table, c)), online_lock("ACCESS EXCLUSIVE", BRIEF),
                        ch.table)]


@online("add_unique", database="mysql")
def add_unique_mysql(ch: AddUnique, ctx: Context, path: str) -> list[Step]:
    s, c = _planned(direct_unique, ch, ctx, path)
    forward = ctx.dialect.sql("online_add_unique", table=ctx.q(ch.table), name=ctx.q(c.name),
                              columns=ctx.qlist(ch.columns))
    cols = ctx.qlist(ch.columns)
    dup = f"SELECT COUNT(*) FROM (SELECT {cols} FROM {ctx.q(ch.table)} GROUP BY {cols} HAVING COUNT(*) > 1) d"
    return [step(ctx, f"add unique {c.name} in place", guarded(ctx, [forward]), guarded(ctx, s.reverse),
                 online_lock("metadata lock (INPLACE, LOCK=NONE)"), ch.table, work="index",
                 guards=[Guard(dup, f"duplicates of ({', '.join(ch.columns)}) in {ch.table}")])]
