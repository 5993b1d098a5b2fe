"""Online index builds: PostgreSQL CONCURRENTLY outside a transaction, MySQL INPLACE/LOCK=NONE,
SQL Server WITH (ONLINE = ON) (RESUMABLE from 2019, WAIT_AT_LOW_PRIORITY from 2022), Oracle
ONLINE. The statement and its lock come from the dialect; one planner serves all four."""
from __future__ import annotations

from ...models import AddIndex, DropIndex
from ...schema import IndexDef
from ..context import Context
from ..model import Step
from ..registry import online
from ..constraints import add_index as direct_add_index
from ..tables import index_sql
from .common import guarded, lock_of, note, step, versioned

# A failed CREATE INDEX CONCURRENTLY (deadlock, unique violation, cancel) leaves an INVALID
# index behind that still slows writes and blocks the retry under the same name.
RECOVERY = ("If CREATE INDEX CONCURRENTLY {name} fails it leaves an INVALID index: detect it with "
            "`{query}` (1 = invalid), drop it with `DROP INDEX CONCURRENTLY IF EXISTS {name}` and run "
            "the step again.")
FLYWAY_LOCK = ("Flyway >= 9.1.2 on PostgreSQL holds a transactional advisory lock for the whole "
               "`migrate`, so CREATE/DROP INDEX CONCURRENTLY waits for it forever: set "
               "`postgresql.transactional.lock=false` (flyway.conf / FLYWAY_POSTGRESQL_TRANSACTIONAL_LOCK) "
               "for these migrations.")


def build_index(ctx: Context, table: str, idx: IndexDef, phase: str = "migrate") -> Step:
    """One concurrent/in-place index build with its reverse, in its own non-transactional step."""
    d = ctx.dialect
    create = index_sql(ctx, table, idx.name, idx.columns, idx.unique, idx.where, form=_form(ctx, "add"))
    # IF EXISTS: a later step may have turned the index into a constraint whose rollback drops
    # it, and a failed concurrent build may have left nothing (or an INVALID index) behind.
    drop = (d.sql("zd_drop_index_if_exists", name=ctx.q(idx.name), table=ctx.q(table))
            if d.has("zd_drop_index_if_exists") else _drop(ctx, table, idx.name))
    if d.name == "postgresql":
        query = d.sql("zd_invalid_index", name=ctx.lit(idx.name))
        ctx.warnings.append(RECOVERY.format(name=idx.name, query=query))
        _flyway_note(ctx)
    _online_notes(ctx, table, idx.name)
    lock = _lock(ctx, "add")
    # no NativeOp: a tool-native createIndex would drop CONCURRENTLY / ALGORITHM
    # PostgreSQL refuses CONCURRENTLY inside a transaction block
    return step(ctx, f"create index {idx.name} online", [create], [drop], lock, table, phase,
                transactional=not d.transactional_ddl, work="index")


def _form(ctx: Context, what: str) -> str:
    """The online form for this version: SQL Server 2019 adds RESUMABLE, 2022 a low-priority wait."""
    return versioned(ctx, f"{what}_index_online") or f"online_{what}_index"


def _lock(ctx: Context, what: str):
    level = "SHARE UPDATE EXCLUSIVE" if ctx.dialect.name == "postgresql" else "metadata lock (INPLACE, LOCK=NONE)"
    return lock_of(ctx, f"{what}_index_online", level, "nothing; waits for running transactions on the table to end")


def _online_notes(ctx: Context, table: str, name: str) -> None:
    """Edition needed for ONLINE, and how to recover an interrupted build (SQL Server 2019+: a
    resumable build pauses; Oracle: a killed online build may need cleaning)."""
    note(ctx, "zd_edition_note")
    note(ctx, "zd_index_interrupted_note", name=name, table=table)


def _drop(ctx: Context, table: str, name: str) -> str:
    return ctx.dialect.sql(_form(ctx, "drop"), name=ctx.q(name), table=ctx.q(table))


def _flyway_note(ctx: Context) -> None:
    if ctx.request.migration_tool.value == "flyway" and FLYWAY_LOCK not in ctx.warnings:
        ctx.warnings.append(FLYWAY_LOCK)


@online("add_index", database="postgresql")
@online("add_index", database="mysql")
@online("add_index", database="sqlserver")
@online("add_index", database="oracle")
def add_index(ch: AddIndex, ctx: Context, path: str) -> list[Step]:
    n = len(ctx.warnings)
    direct_add_index(ch, ctx, path)          # validates, names, records it in the virtual schema
    del ctx.warnings[n:]                     # they describe the blocking form
    name = ch.name or ctx.name("ux" if ch.unique else "ix", ch.table, ch.columns)
    return [build_index(ctx, ch.table, ctx.table(ch.table).indexes[name.lower()])]


@online("drop_index", database="postgresql")
@online("drop_index", database="mysql")
@online("drop_index", database="sqlserver")
@online("drop_index", database="oracle")
def drop_index(ch: DropIndex, ctx: Context, path: str) -> list[Step]:
    old = ctx.table(ch.table).indexes.pop(ch.name.lower(), None)
    lock = _lock(ctx, "drop")
    if ctx.dialect.name == "postgresql":
        _flyway_note(ctx)
    # SQL Server drops a nonclustered index under a brief Sch-M: behind the T3 lock timeout
    forward = [_drop(ctx, ch.table, ch.name)]
    forward = guarded(ctx, forward) if lock.blocks.startswith("reads and writes") else forward
    if old is None:
        return [step(ctx, f"drop index {ch.name} online", forward, None, lock, ch.table,
                     transactional=not ctx.dialect.transactional_ddl,
                     manual_steps=[f"Re-create index {ch.name} on {ch.table} (definition unknown: pass `schema`)."])]
    build = build_index(ctx, ch.table, old)
    return [step(ctx, f"drop index {ch.name} online", forward, build.forward, lock, ch.table,
                 transactional=build.transactional)]
