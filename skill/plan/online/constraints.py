"""Online constraints. PostgreSQL: add NOT VALID (brief lock), then VALIDATE in its own
transaction (SHARE UPDATE EXCLUSIVE: reads and writes go on); UNIQUE from a concurrent unique
index. MySQL: in place with LOCK=NONE; a foreign key in place once a guard found no orphans.
SQL Server and Oracle take the PostgreSQL shape with their own forms: WITH NOCHECK then WITH
CHECK CHECK CONSTRAINT (which holds Sch-M for its scan: the lock says so), ENABLE NOVALIDATE
then MODIFY CONSTRAINT ... VALIDATE (DML goes on); UNIQUE from an online unique index, which on
SQL Server is the constraint itself (no USING INDEX there)."""
from __future__ import annotations

from ...models import AddCheck, AddForeignKey, AddUnique
from ...schema import IndexDef
from ..constraints import add_check as direct_check, add_foreign_key as direct_fk, add_unique as direct_unique
from ..constraints import drop_constraint_sql
from ..context import Context
from ..model import Guard, Step
from ..registry import online
from .common import guarded, impossible, lock_of, note, phase_check, step
from .indexes import build_index

BRIEF = "reads and writes, brief (waits at most the lock timeout)"


def _planned(direct, ch, ctx: Context, path: str):
    """Run the T1 planner for its checks, names and virtual-schema update; keep its constraint."""
    n = len(ctx.warnings)
    (s,) = direct(ch, ctx, path)
    del ctx.warnings[n:]                     # they describe the blocking form
    c = next(c for c in ctx.table(ch.table).constraints.values() if s.description.endswith(f"{c.name} on {ch.table}"))
    return s, c


def not_valid_then_validate(ctx: Context, table: str, name: str, add: str, form: str, phase: str) -> list[Step]:
    """`add` (the statement of `form`) checks new rows only; the validation reads the existing
    ones in its own step."""
    d, parts = ctx.dialect, dict(table=ctx.q(table), name=ctx.q(name))
    drop = [d.sql("zd_drop_constraint_if_exists", **parts)]
    validate = lock_of(ctx, "zd_validate")
    if validate.blocking:                    # SQL Server: trusting blocks the table for the scan
        note(ctx, d.trust_note, name=name, table=table, estimate=ctx.estimate(table, validate, "scan"))
    check = [d.sql("zd_validate", **parts)]
    return [step(ctx, f"add constraint {name} {d.unchecked_words} (new rows checked from now on)",
                 guarded(ctx, [add]), guarded(ctx, drop), lock_of(ctx, form), table, phase),
            # non-transactional: in the add's transaction the scan would hold the add's lock; a
            # validation that blocks (SQL Server's Sch-M) waits at most the lock timeout for it
            step(ctx, f"validate constraint {name} (scans existing rows)", guarded(ctx, check) if validate.blocking
                 else check, [], validate, table, phase, transactional=False, work="scan")]


def _orphans(ctx: Context, ch: AddForeignKey) -> str:
    cols = [ctx.q(c) for c in ch.columns]
    join = " AND ".join(f"p.{ctx.q(r)} = c.{k}" for r, k in zip(ch.ref_columns, cols))
    present = " AND ".join(f"c.{k} IS NOT NULL" for k in cols)
    return (f"SELECT COUNT(*) FROM {ctx.q(ch.table)} c WHERE {present} AND NOT EXISTS "
            f"(SELECT 1 FROM {ctx.q(ch.ref_table)} p WHERE {join})")


@online("add_foreign_key", database="postgresql")
@online("add_foreign_key", database="sqlserver")
@online("add_foreign_key", database="oracle")
def add_foreign_key_pg(ch: AddForeignKey, ctx: Context, path: str) -> list[Step]:
    s, c = _planned(direct_fk, ch, ctx, path)
    add = ctx.dialect.sql("zd_fk_not_valid", table=ctx.q(ch.table), name=ctx.q(c.name), columns=ctx.qlist(ch.columns),
                          ref_table=ctx.q(ch.ref_table), ref_columns=ctx.qlist(ch.ref_columns),
                          on_delete=ctx.dialect.on_delete.get(ch.on_delete or "", ""))
    phase_check(ctx, "migrate", f"no row of {ch.table} lacks its {ch.ref_table}", _orphans(ctx, ch), [[0]])
    return not_valid_then_validate(ctx, ch.table, c.name, add, "zd_fk_not_valid", "migrate")


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
                 lock_of(ctx, "online_add_foreign_key"), ch.table, work="index",
                 guards=[Guard(_orphans(ctx, ch), f"rows of {ch.table} without a matching {ch.ref_table}")])]


@online("add_check", database="postgresql")
@online("add_check", database="sqlserver")
@online("add_check", database="oracle")
def add_check_pg(ch: AddCheck, ctx: Context, path: str) -> list[Step]:
    s, c = _planned(direct_check, ch, ctx, path)
    add = ctx.dialect.sql("zd_check_not_valid", table=ctx.q(ch.table), name=ctx.q(c.name), expression=c.expression)
    return not_valid_then_validate(ctx, ch.table, c.name, add, "zd_check_not_valid", "migrate")


@online("add_check", database="mysql")
def add_check_mysql(ch: AddCheck, ctx: Context, path: str) -> list[Step]:
    raise impossible("add_check", ctx, "InnoDB checks existing rows only with ALGORITHM=COPY, which blocks "
                     "writes for the whole copy", _shadow_options(ctx, ch.table, f"ADD CHECK ({ch.expression})"))


def _shadow_options(ctx: Context, table: str, alter: str) -> str:
    return (f"allow downtime (a window of {ctx.estimate(table, ctx.lock('add_check'))}); or run it "
            f"with a shadow-table tool that copies while replaying writes: `pt-online-schema-change "
            f"--alter \"{alter}\" D=<db>,t={table} --execute` or `gh-ost --table={table} "
            f"--alter=\"{alter}\" --execute`")


@online("add_unique", database="postgresql")
@online("add_unique", database="sqlserver")
@online("add_unique", database="oracle")
def add_unique_pg(ch: AddUnique, ctx: Context, path: str) -> list[Step]:
    s, c = _planned(direct_unique, ch, ctx, path)
    build = build_index(ctx, ch.table, IndexDef(c.name, list(ch.columns), unique=True))
    ctx.warnings.append(f"The unique index {c.name} fails if {ch.table} holds duplicates of "
                        f"({', '.join(ch.columns)}): check first.")
    d = ctx.dialect
    if not d.unique_using_index:
        return [_unique_index_only(ctx, ch, c, build)]
    attach = d.sql("zd_unique_using_index", table=ctx.q(ch.table), name=ctx.q(c.name), columns=ctx.qlist(ch.columns))
    detach = ([d.sql("zd_detach_unique", table=ctx.q(ch.table), name=ctx.q(c.name))] if d.detach_keeps_index
              else drop_constraint_sql(ctx, ch.table, c))
    return [build, step(ctx, f"attach {c.name} as UNIQUE constraint (catalog change)", guarded(ctx, [attach]),
                        guarded(ctx, detach), lock_of(ctx, "zd_unique_using_index"), ch.table)]


def _unique_index_only(ctx: Context, ch: AddUnique, c, build: Step) -> Step:
    """SQL Server has no USING INDEX: a constraint cannot take over an existing index, and ADD
    CONSTRAINT ... UNIQUE builds its own (Learn's ALTER TABLE index_option page even says unique
    nonclustered ones cannot be built online). The online unique index enforces the same, so it
    is the constraint here -- recorded as what it is, an index, for the validation tests."""
    t = ctx.table(ch.table)
    del t.constraints[c.name.lower()]
    t.indexes[c.name.lower()] = IndexDef(c.name, list(ch.columns), unique=True)
    d = ctx.dialect
    note(ctx, d.unique_note, name=c.name, columns=", ".join(ch.columns))
    phase_check(ctx, "migrate", f"unique index {c.name} exists", d.check(
        "index", schema=d.current_schema, table=ctx.lit(ch.table), name=ctx.lit(c.name)), [[1]])
    cols = ctx.qlist(ch.columns)
    build.description = f"create unique index {c.name} online (the UNIQUE constraint)"
    build.guards.append(Guard(f"SELECT COUNT(*) FROM (SELECT {cols} FROM {ctx.q(ch.table)} GROUP BY {cols} "
                              "HAVING COUNT(*) > 1) d", f"duplicates of ({', '.join(ch.columns)}) in {ch.table}"))
    return build


@online("add_unique", database="mysql")
def add_unique_mysql(ch: AddUnique, ctx: Context, path: str) -> list[Step]:
    s, c = _planned(direct_unique, ch, ctx, path)
    forward = ctx.dialect.sql("online_add_unique", table=ctx.q(ch.table), name=ctx.q(c.name),
                              columns=ctx.qlist(ch.columns))
    cols = ctx.qlist(ch.columns)
    dup = f"SELECT COUNT(*) FROM (SELECT {cols} FROM {ctx.q(ch.table)} GROUP BY {cols} HAVING COUNT(*) > 1) d"
    return [step(ctx, f"add unique {c.name} in place", guarded(ctx, [forward]), guarded(ctx, s.reverse),
                 lock_of(ctx, "online_add_unique"), ch.table, work="index",
                 guards=[Guard(dup, f"duplicates of ({', '.join(ch.columns)}) in {ch.table}")])]
