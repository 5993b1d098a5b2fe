"""What every zero-downtime (T3) strategy shares: lock timeouts, step building, batched
backfills, phase checks and the abort.

A T3 step never queues behind a long transaction while holding its place in the lock queue:
every statement that takes a strong lock is preceded by a short lock timeout (PostgreSQL
`lock_timeout`, MySQL `lock_wait_timeout`), so a blocked migration fails fast and is retried,
instead of freezing every app query that queues behind it.
"""
from __future__ import annotations

from ...dialects.base import Lock
from ...errors import ZeroDowntimeImpossible
from ..context import Context
from ..model import Check, Step

LOCK_TIMEOUT = ("2s", "2")          # PostgreSQL text, MySQL seconds
BATCH = 1000
ONLINE = "nothing (reads and writes go on)"
RETRY = ("A step that fails with a lock timeout ('canceling statement due to lock timeout' / "
         "'Lock wait timeout exceeded') changed nothing: wait for the long transaction holding the "
         "table (pg_stat_activity / SHOW PROCESSLIST) to end and run the same phase again.")


def session(ctx: Context) -> list[str]:
    d = ctx.dialect
    return [d.sql("lock_timeout", timeout=LOCK_TIMEOUT[0], timeout_s=LOCK_TIMEOUT[1])] if d.has("lock_timeout") else []


def guarded(ctx: Context, statements: list[str] | None) -> list[str] | None:
    """Statements that take a strong lock, behind the lock timeout (and the retry note)."""
    if statements is None:
        return None
    if session(ctx) and RETRY not in ctx.warnings:
        ctx.warnings.append(RETRY)
    return session(ctx) + statements if statements else statements


def step(ctx: Context, description: str, forward: list[str], reverse: list[str] | None, lock: Lock,
         table: str | None, phase: str = "migrate", transactional: bool = True,
         work: str | None = None, **extra) -> Step:
    """A T3 step; `work` (scan/index/update/rewrite) gives the duration estimate."""
    estimate = ctx.estimate(table, lock, work) if work else "< 1 s (catalog change, after the lock is granted)"
    return Step(description, forward, reverse, lock, table, transactional=transactional,
                estimate=estimate, phase=phase, **extra)


def rephase(steps: list[Step], ctx: Context, phase: str = "migrate") -> list[Step]:
    """T1 steps that are already online: same SQL behind the lock timeout, in `phase`."""
    for s in steps:
        s.forward, s.reverse, s.phase = guarded(ctx, s.forward), guarded(ctx, s.reverse), phase
    return steps


def online_lock(level: str, blocks: str = ONLINE) -> Lock:
    return Lock(level, blocks)


def impossible(op: str, ctx: Context, why: str, options: str) -> ZeroDowntimeImpossible:
    return ZeroDowntimeImpossible(
        f"Zero-downtime not possible for operation {op} on {ctx.dialect.name}"
        f"{' ' + ctx.request.database_version if ctx.request.database_version else ''}: {why}",
        field="downtime_allowed", suggestion=options)


def phase_check(ctx: Context, phase: str, description: str, query: str, expected: list) -> None:
    ctx.phase_checks.append(Check(f"after {phase}: {description}", query, expected))


def count(ctx: Context, table: str, where: str) -> str:
    return f"SELECT COUNT(*) FROM {ctx.q(table)} WHERE {where}"


def distinct(ctx: Context, a: str, b: str) -> str:
    return ctx.dialect.sql("zd_distinct", a=a, b=b)


# --- batched backfill --------------------------------------------------------------------------

def backfill(ctx: Context, table: str, assignments: str, pending: str, phase: str,
             what: str) -> Step:
    """Fill rows in batches of BATCH, one commit each; `pending` selects rows still to do, so a
    re-run resumes. Keyset on a one-column primary key; else by `pending` alone."""
    d, t = ctx.dialect, ctx.table(table)
    key = t.primary_key[0] if len(t.primary_key) == 1 else None
    key_col = t.columns.get(key.lower()) if key else None
    parts = dict(table=ctx.q(table), assignments=assignments, pending=pending, batch=str(BATCH))
    if key_col is not None and key_col.type is not None and d.has("zd_batch_keyset"):
        forward = d.statements("zd_batch_keyset", key=ctx.q(key), key_type=d.native_type(key_col.type), **parts)
    else:
        forward = d.statements("zd_batch_pending", **parts)
    lock = Lock("row locks, one batch at a time", f"writers of the {BATCH} rows of the current batch")
    if not d.has("zd_batch_keyset"):
        # MySQL has no anonymous block: the file runs one batch; repeating it resumes.
        ctx.warnings.append(f"{what}: on {d.name} the script runs one batch of {BATCH} rows; repeat "
                            f"its UPDATE until it reports 0 rows ({count(ctx, table, pending)} returns 0) "
                            "before the next phase.")
    return step(ctx, f"{what} in batches of {BATCH}", forward, [], lock, table, phase,
                transactional=False, work="update")
