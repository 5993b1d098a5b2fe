"""Online index builds: PostgreSQL CONCURRENTLY outside a transaction, MySQL INPLACE/LOCK=NONE,
SQL Server WITH (ONLINE = ON) (RESUMABLE from 2019, WAIT_AT_LOW_PRIORITY from 2022), Oracle
ONLINE. The statement and its lock come from the dialect; one planner serves all four."""
from __future__ import annotations

from dataclasses import replace

from ...models import AddIndex, DropIndex
from ...schema import IndexDef, TableDef
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
    known = ctx.schema.table(table)
    if known is not None and known.partition_by:
        return _build_partitioned(ctx, known, idx, phase, description, guards)
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
    lock = lock_of(ctx, "add_index_online" if online else "add_index_blocking")
    return step(ctx, description or f"create index {idx.name} online", [create], [drop], lock, table, phase,
                transactional=not d.transactional_ddl, work="index", waits_for_transactions=True, guards=list(guards))


def _build_partitioned(ctx: Context, table: TableDef, idx: IndexDef, phase: str, description: str,
                       guards: list[Guard]) -> Step:
    """PostgreSQL: the partitioned table's own index ON ONLY it (behind the lock timeout: it waits for
    writers of the table), each partition's CONCURRENTLY, then attached. The reverse drops the
    table's index (and with it the attached ones), then any partition index left unattached."""
    d = ctx.dialect
    only, concurrent, attach = _partition_indexes(ctx, table, idx)
    drop = guarded(ctx, [d.sql("drop_partitioned_index", name=ctx.q(idx.name))]) + \
        [d.drop_index_if_exists(ctx.q(part), ctx.q(name), ctx.version) for part, name in concurrent]
    build = [d.create_index(_form(ctx, "add"), part, replace(idx, name=name)) for part, name in concurrent]
    note(ctx, PARTITIONED, table=table.name, name=idx.name)
    return step(ctx, description or f"create index {idx.name} online, partition by partition",
                guarded(ctx, only + build + attach), drop, lock_of(ctx, "add_index_online"), table.name, phase,
                transactional=False, work="index", waits_for_transactions=True, guards=list(guards))


def _partition_indexes(ctx: Context, table: TableDef,
                       idx: IndexDef) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """The ON ONLY indexes of `table` and its partitioned partitions, the (partition, index name)
    of each leaf partition's concurrent build, and the attaches, children before parents."""
    d = ctx.dialect
    only, concurrent, attach = [d.create_index("add_index_only", table.name, idx)], [], []
    for part in ctx.schema.partitions(table):
        child = replace(idx, name=_partition_index_name(ctx, part, idx))
        if part.partition_by:
            o, c, a = _partition_indexes(ctx, part, child)
            only, concurrent, attach = only + o, concurrent + c, attach + a
        else:
            concurrent.append((part.name, child.name))
        attach.append(d.sql("attach_index", name=ctx.q(idx.name), partition_index=ctx.q(child.name)))
    return only, concurrent, attach


def _partition_index_name(ctx: Context, part: TableDef, idx: IndexDef) -> str:
    """The name the partition's index had (one of the same shape, in the schema), else the one
    PostgreSQL gives it when it builds one for the partitioned table's: <partition>_<columns>_idx,
    cut to fit as makeObjectName cuts it (the longer part first)."""
    same = [i.name for i in part.indexes.values() if replace(i, name=idx.name) == idx]
    if same:
        return same[0]
    if idx.keys is not None:
        return ctx.name(idx.name, part.name, [])
    table, columns, room = part.name, "_".join(idx.columns), ctx.dialect.max_identifier - len("_idx") - 1
    while len(table) + len(columns) > room:
        table, columns = (table[:-1], columns) if len(table) > len(columns) else (table, columns[:-1])
    return f"{table}_{columns}_idx"


PARTITIONED = ("{table} is partitioned: PostgreSQL builds no index CONCURRENTLY on it, so {name} is made on the "
               "table alone (ON ONLY: invalid until every partition's index is attached), each partition's is "
               "built CONCURRENTLY and attached. Only the partitions the schema names get one: attach a "
               "partition added since with its own index first.")


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
        if ctx.table(ch.table).partition_by:        # no DROP INDEX CONCURRENTLY there: brief, behind the timeout
            lock = ctx.lock("drop_index")
            forward = guarded(ctx, [ctx.dialect.sql("drop_partitioned_index", name=ctx.q(ch.name))])
        if old is None:
            return [step(ctx, f"drop index {ch.name} online", forward, None, lock, ch.table,
                         transactional=not ctx.dialect.transactional_ddl, waits_for_transactions=True,
                         manual_steps=[f"Re-create index {ch.name} on {ch.table} (definition unknown: pass `schema`)."])]
        build = build_index(ctx, ch.table, old)
        return [step(ctx, f"drop index {ch.name} online", forward, build.forward, lock, ch.table,
                     transactional=build.transactional, waits_for_transactions=True)]
