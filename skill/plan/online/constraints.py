"""Online constraints. PostgreSQL: add NOT VALID (brief lock), then VALIDATE in its own
transaction (SHARE UPDATE EXCLUSIVE: reads and writes go on); UNIQUE from a concurrent unique
index. MySQL: in place with LOCK=NONE; a foreign key in place once a guard found no orphans.
SQL Server and Oracle take the PostgreSQL shape with their own forms: WITH NOCHECK then WITH
CHECK CHECK CONSTRAINT (which holds Sch-M for its scan: the lock says so), ENABLE NOVALIDATE
then MODIFY CONSTRAINT ... VALIDATE (DML goes on); UNIQUE from an online unique index, which on
SQL Server is the constraint itself (no USING INDEX there)."""
from __future__ import annotations

from ...models import AddCheck, AddForeignKey, AddUnique
from ...schema import ConstraintDef, IndexDef, TableDef
from ..constraints import drop_constraint_sql, fk_parts, prepare_check, prepare_foreign_key, prepare_unique
from ..context import Context
from ..model import Guard, Step
from ..strategy import Strategy, strategy
from .common import guarded, impossible, lock_of, note, phase_check, step
from .indexes import build_index


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


def _partitioned_foreign_key(ctx: Context, table: TableDef, c: ConstraintDef) -> list[Step]:
    """PostgreSQL takes no NOT VALID foreign key on a partitioned table: each partition gets it NOT
    VALID and validated, then the table's own finds theirs validated and only attaches them (no
    scan). Dropping the table's drops the attached ones."""
    d, leaves = ctx.dialect, _leaves(ctx, table)
    key = lambda form, t: d.sql(form, table=ctx.q(t), name=ctx.q(c.name), columns=ctx.qlist(c.columns),  # noqa: E731
                                **fk_parts(ctx, c))
    drop = lambda t: d.sql("zd_drop_constraint_if_exists", table=ctx.q(t), name=ctx.q(c.name))  # noqa: E731
    note(ctx, PARTITIONED_KEY, table=table.name, name=c.name)
    steps = [step(ctx, f"add constraint {c.name} NOT VALID on each partition of {table.name}",
                  guarded(ctx, [key("zd_fk_not_valid", t) for t in leaves]), guarded(ctx, [drop(t) for t in leaves]),
                  lock_of(ctx, "zd_fk_not_valid"), table.name),
             step(ctx, f"validate constraint {c.name} on each partition (scans existing rows)",
                  [d.sql("zd_validate", table=ctx.q(t), name=ctx.q(c.name)) for t in leaves], [],
                  lock_of(ctx, "zd_validate"), table.name, transactional=False, work="scan")] if leaves else []
    return steps + [step(ctx, f"add constraint {c.name} to {table.name} (attaches the partitions' validated keys)",
                         guarded(ctx, [key("add_foreign_key", table.name)]), guarded(ctx, [drop(table.name)]),
                         lock_of(ctx, "zd_fk_not_valid"), table.name)]


def _leaves(ctx: Context, table: TableDef) -> list[str]:
    """The partitions that hold rows (those not partitioned in turn), by name."""
    return [n for p in ctx.schema.partitions(table) for n in (_leaves(ctx, p) if p.partition_by else [p.name])]


PARTITIONED_KEY = ("{table} is partitioned: PostgreSQL takes no NOT VALID foreign key on it, so {name} is added NOT "
                   "VALID to each partition the schema names, validated there, then added to {table}, which only "
                   "attaches them. A partition the schema does not name is scanned under the last step's lock.")


def _orphans(ctx: Context, ch: AddForeignKey) -> str:
    cols = [ctx.q(c) for c in ch.columns]
    join = " AND ".join(f"p.{ctx.q(r)} = c.{k}" for r, k in zip(ch.ref_columns, cols))
    present = " AND ".join(f"c.{k} IS NOT NULL" for k in cols)
    return (f"SELECT COUNT(*) FROM {ctx.q(ch.table)} c WHERE {present} AND NOT EXISTS "
            f"(SELECT 1 FROM {ctx.q(ch.ref_table)} p WHERE {join})")


def _duplicates(ctx: Context, ch: AddUnique) -> Guard:
    cols = ctx.qlist(ch.columns)
    return Guard(f"SELECT COUNT(*) FROM (SELECT {cols} FROM {ctx.q(ch.table)} GROUP BY {cols} HAVING COUNT(*) > 1) d",
                 f"duplicates of ({', '.join(ch.columns)}) in {ch.table}")


@strategy("not_valid_then_validate")
class NotValidThenValidate(Strategy):
    """A foreign key or CHECK added for new rows only (NOT VALID, WITH NOCHECK, ENABLE NOVALIDATE),
    then validated against the existing rows in a step of its own."""

    def plan(self, ch: AddForeignKey | AddCheck, ctx: Context, path: str) -> list[Step]:
        if ch.op == "add_foreign_key":
            return self._foreign_key(ch, ctx, path)
        c = prepare_check(ch, ctx, path)
        add = ctx.dialect.sql("zd_check_not_valid", table=ctx.q(ch.table), name=ctx.q(c.name), expression=c.expression)
        return not_valid_then_validate(ctx, ch.table, c.name, add, "zd_check_not_valid", "migrate")

    def _foreign_key(self, ch: AddForeignKey, ctx: Context, path: str) -> list[Step]:
        c = prepare_foreign_key(ch, ctx, path)
        phase_check(ctx, "migrate", f"no row of {ch.table} lacks its {ch.ref_table}", _orphans(ctx, ch), [[0]])
        table = ctx.schema.table(ch.table)
        if table is not None and table.partition_by:
            return _partitioned_foreign_key(ctx, table, c)
        add = ctx.dialect.sql("zd_fk_not_valid", table=ctx.q(ch.table), name=ctx.q(c.name),
                              columns=ctx.qlist(ch.columns), **fk_parts(ctx, c))
        return not_valid_then_validate(ctx, ch.table, c.name, add, "zd_fk_not_valid", "migrate")


@strategy("in_place_foreign_key")
class InPlaceForeignKey(Strategy):
    """MySQL: with foreign_key_checks=0 InnoDB adds the key in place (LOCK=NONE); a guard counts
    the orphans the server no longer checks."""

    def plan(self, ch: AddForeignKey, ctx: Context, path: str) -> list[Step]:
        c, d = prepare_foreign_key(ch, ctx, path), ctx.dialect
        forward = d.statements("online_add_foreign_key", table=ctx.q(ch.table), name=ctx.q(c.name),
                               columns=ctx.qlist(ch.columns), **fk_parts(ctx, c))
        ctx.warnings.append(f"{c.name} is added with foreign_key_checks=0 so InnoDB builds it in place: existing rows "
                            "are not checked by the server; the guard and the validation test count orphans.")
        phase_check(ctx, "migrate", f"no row of {ch.table} lacks its {ch.ref_table}", _orphans(ctx, ch), [[0]])
        return [step(ctx, f"add foreign key {c.name} in place", guarded(ctx, forward),
                     guarded(ctx, drop_constraint_sql(ctx, ch.table, c)), lock_of(ctx, "online_add_foreign_key"),
                     ch.table, work="index",
                     guards=[Guard(_orphans(ctx, ch), f"rows of {ch.table} without a matching {ch.ref_table}")])]


@strategy("shadow_table_tool")
class ShadowTableTool(Strategy):
    """No online form in the database itself (InnoDB checks existing rows only with
    ALGORITHM=COPY): the abort names the shadow-table tools that copy while replaying writes."""

    def plan(self, ch: AddCheck, ctx: Context, path: str) -> list[Step]:
        alter = f"ADD CHECK ({ch.expression})"
        raise impossible(ch.op, ctx, "InnoDB checks existing rows only with ALGORITHM=COPY, which blocks "
                         "writes for the whole copy",
                         f"allow downtime (a window of {ctx.estimate(ch.table, ctx.lock(ch.op))}); or run it "
                         f"with a shadow-table tool that copies while replaying writes: `pt-online-schema-change "
                         f"--alter \"{alter}\" D=<db>,t={ch.table} --execute` or `gh-ost --table={ch.table} "
                         f"--alter=\"{alter}\" --execute`")


@strategy("unique_from_online_index")
class UniqueFromOnlineIndex(Strategy):
    """UNIQUE from a unique index built online, then attached as the constraint (a catalog change);
    where no constraint can take over an index (SQL Server) the unique index is the constraint."""

    def plan(self, ch: AddUnique, ctx: Context, path: str) -> list[Step]:
        c, d = prepare_unique(ch, ctx, path), ctx.dialect
        if ctx.table(ch.table).partition_by:
            raise impossible(ch.op, ctx, f"{ch.table} is partitioned: PostgreSQL takes no UNIQUE USING INDEX "
                             "there, and ADD CONSTRAINT ... UNIQUE builds a new index on every partition under its "
                             "lock (it does not adopt one built before)",
                             "add a unique index instead (add_index with unique: true, built partition by partition "
                             "while writes go on), or allow downtime")
        if not d.unique_using_index:
            return [self._index_only(ctx, ch, c)]
        build = build_index(ctx, ch.table, IndexDef(c.name, list(ch.columns), unique=True))
        self._warn(ctx, ch, c)
        attach = d.sql("zd_unique_using_index", table=ctx.q(ch.table), name=ctx.q(c.name), columns=ctx.qlist(ch.columns))
        detach = ([d.sql("zd_detach_unique", table=ctx.q(ch.table), name=ctx.q(c.name))] if d.detach_keeps_index
                  else drop_constraint_sql(ctx, ch.table, c))
        return [build, step(ctx, f"attach {c.name} as UNIQUE constraint (catalog change)", guarded(ctx, [attach]),
                            guarded(ctx, detach), lock_of(ctx, "zd_unique_using_index"), ch.table)]

    @staticmethod
    def _warn(ctx: Context, ch: AddUnique, c: ConstraintDef) -> None:
        ctx.warnings.append(f"The unique index {c.name} fails if {ch.table} holds duplicates of "
                            f"({', '.join(ch.columns)}): check first.")

    def _index_only(self, ctx: Context, ch: AddUnique, c: ConstraintDef) -> Step:
        """SQL Server has no USING INDEX: a constraint cannot take over an existing index, and ADD
        CONSTRAINT ... UNIQUE builds its own (Learn's ALTER TABLE index_option page even says unique
        nonclustered ones cannot be built online). The online unique index enforces the same, so it
        is the constraint here -- recorded as what it is, an index, for the validation tests."""
        d, t = ctx.dialect, ctx.table(ch.table)
        del t.constraints[c.name.lower()]
        index = t.indexes[c.name.lower()] = IndexDef(c.name, list(ch.columns), unique=True)
        build = build_index(ctx, ch.table, index, description=f"create unique index {c.name} online (the UNIQUE "
                            "constraint)", guards=[_duplicates(ctx, ch)])
        self._warn(ctx, ch, c)
        note(ctx, d.unique_note, name=c.name, columns=", ".join(ch.columns))
        phase_check(ctx, "migrate", f"unique index {c.name} exists", d.check(
            "index", schema=d.current_schema, table=ctx.lit(ch.table), name=ctx.lit(c.name)), [[1]])
        return build


@strategy("in_place_unique")
class InPlaceUnique(Strategy):
    """MySQL: ADD UNIQUE in place with LOCK=NONE, behind a guard counting duplicates."""

    def plan(self, ch: AddUnique, ctx: Context, path: str) -> list[Step]:
        c = prepare_unique(ch, ctx, path)
        forward = ctx.dialect.sql("online_add_unique", table=ctx.q(ch.table), name=ctx.q(c.name),
                                  columns=ctx.qlist(ch.columns))
        return [step(ctx, f"add unique {c.name} in place", guarded(ctx, [forward]),
                     guarded(ctx, drop_constraint_sql(ctx, ch.table, c)), lock_of(ctx, "online_add_unique"),
                     ch.table, work="index", guards=[_duplicates(ctx, ch)])]
