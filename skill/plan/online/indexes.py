"""Online index builds: PostgreSQL CONCURRENTLY outside a transaction, MySQL INPLACE/LOCK=NONE,
SQL Server WITH (ONLINE = ON) (RESUMABLE from 2019, WAIT_AT_LOW_PRIORITY from 2022), Oracle
ONLINE. The statement and its lock come from the dialect; one planner serves all four."""
from __future__ import annotations

from ...models import AddIndex, DropIndex
from ...schema import IndexDef
from ..constraints import prepare_index
from ..context import Context
from ..model import Guard, Step
from ..strategy import Strategy, strategy
from .common import guarded, lock_of, note, step

# A failed CREATE INDEX CONCURRENTLY (deadlock, unique violation, cancel) leaves an INVALID
# index behind that still slows writes and blocks the retry under the same name.
RECOVERY = ("If CREATE INDEX CONCURRENTLY {name} fails it leaves an INVALID index: detect it with "
            "`{query}` (1 = invalid), drop it with `DROP INDEX CONCURRENTLY IF EXISTS {name}` and run "
            "the step again.")

BLOCKING = ("Index {name} is {kind}: no online build takes it, so writes to {table} wait while it is built "
            "(LOCK=SHARED). Run that step in a quiet period, or build it with gh-ost / pt-online-schema-change.")


def build_index(ctx: Context, table: str, idx: IndexDef, phase: str = "migrate", description: str = "",
                guards: list[Guard] = ()) -> Step:
    """One concurrent/in-place index build with its reverse, in its own non-transactional step."""
    d = ctx.dialect
    online = d.builds_online(idx)
    create = d.create_index(_form(ctx, "add") if online else "add_index_blocking", table, idx)
    # IF EXISTS: a later step may have turned the index into a constraint whose rollback drops
    # it, and a failed concurrent build may have left nothing (or an INVALID index) behind.
    drop = d.drop_index_if_exists(ctx.q(table), ctx.q(idx.name), ctx.version)
    query = d.invalid_index_check(ctx.lit(idx.name))
    if query:
        ctx.warnings.append(RECOVERY.format(name=idx.name, query=query))
    _online_notes(ctx, table, idx.name)
    if not online:
        ctx.warnings.append(BLOCKING.format(name=idx.name, kind=idx.using.upper(), table=table))
    # no NativeOp: a tool-native createIndex would drop CONCURRENTLY / ALGORITHM
    # PostgreSQL refuses CONCURRENTLY inside a transaction block
    return step(ctx, description or f"create index {idx.name} online", [create], [drop],
                lock_of(ctx, "add_index_online" if online else "add_index_blocking"), table, phase, transactional=not d.transactional_ddl, work="index",
                waits_for_transactions=True, guards=list(guards))


def _form(ctx: Context, what: str) -> str:
    """The online form for this version: SQL Server 2019 adds RESUMABLE, 2022 a low-priority wait."""
    return ctx.dialect.online_index_form(what, ctx.version)


def _online_notes(ctx: Context, table: str, name: str) -> None:
    """Edition needed for ONLINE, and how to recover an interrupted build (SQL Server 2019+: a
    resumable build pauses; Oracle: a killed online build may need cleaning)."""
    note(ctx, ctx.dialect.edition_note)
    note(ctx, ctx.dialect.index_interrupted_note(ctx.version), name=name, table=table)


def _drop(ctx: Context, table: str, name: str) -> str:
    return ctx.dialect.sql(_form(ctx, "drop"), name=ctx.q(name), table=ctx.q(table))


@strategy("online_index")
class OnlineIndex(Strategy):
    """The index built while writes go on: CONCURRENTLY, ALGORITHM=INPLACE LOCK=NONE, WITH (ONLINE = ON)
    or ONLINE, in its own step outside a transaction; its reverse drops it online."""

    def plan(self, ch: AddIndex, ctx: Context, path: str) -> list[Step]:
        return [build_index(ctx, ch.table, prepare_index(ch, ctx, path))]


@strategy("online_index_drop")
class OnlineIndexDrop(Strategy):
    """The index dropped without blocking where the database can; its reverse builds it online."""

    def plan(self, ch: DropIndex, ctx: Context, path: str) -> list[Step]:
        old = ctx.table(ch.table).indexes.pop(ch.name.lower(), None)
        lock = lock_of(ctx, "drop_index_online")
        # SQL Server drops a nonclustered index under a brief Sch-M: behind the T3 lock timeout
        forward = [_drop(ctx, ch.table, ch.name)]
        forward = guarded(ctx, forward) if lock.holds_app else forward
        if old is None:
            return [step(ctx, f"drop index {ch.name} online", forward, None, lock, ch.table,
                         transactional=not ctx.dialect.transactional_ddl, waits_for_transactions=True,
                         manual_steps=[f"Re-create index {ch.name} on {ch.table} (definition unknown: pass `schema`)."])]
        build = build_index(ctx, ch.table, old)
        return [step(ctx, f"drop index {ch.name} online", forward, build.forward, lock, ch.table,
                     transactional=build.transactional, waits_for_transactions=True)]
