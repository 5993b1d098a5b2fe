"""What every zero-downtime (T3) strategy shares: lock timeouts, step building, batched
backfills, phase checks and the abort.

A T3 step never queues behind a long transaction while holding its place in the lock queue:
every statement that takes a strong lock is preceded by a short lock timeout (PostgreSQL
`lock_timeout`, MySQL `lock_wait_timeout`, SQL Server `LOCK_TIMEOUT`, Oracle
`ddl_lock_timeout`), so a blocked migration fails fast and is retried,
instead of freezing every app query that queues behind it.
"""
from __future__ import annotations

from dataclasses import replace

from ...dialects.facts import Lock
from ...errors import ZeroDowntimeImpossible
from ..context import Context
from ..data import integer_key, pending_loop
from ..model import Check, Step

LOCK_TIMEOUT = 2     # seconds a zero-downtime step waits for its lock
BATCH = 1000


def session(ctx: Context) -> list[str]:
    return [ctx.dialect.lock_timeout(LOCK_TIMEOUT)]


def guarded(ctx: Context, statements: list[str] | None) -> list[str] | None:
    """Statements that take a strong lock, behind the lock timeout (and the retry note)."""
    if statements is None:
        return None
    # the dialect says how its lock timeout error reads and where to find the blocker
    retry = ctx.dialect.retry_note
    if retry not in ctx.warnings:
        ctx.warnings.append(retry)
    return session(ctx) + statements if statements else statements


def step(ctx: Context, description: str, forward: list[str], reverse: list[str] | None, lock: Lock,
         table: str | None, phase: str = "migrate", transactional: bool = True,
         work: str | None = None, **extra) -> Step:
    """A T3 step; `work` (scan/index/update/rewrite) gives the duration estimate."""
    estimate = ctx.estimate(table, lock, work) if work else "< 1 s (catalog change, after the lock is granted)"
    return Step(description, forward, reverse, lock, table, transactional=transactional,
                estimate=estimate, phase=phase, **extra)


def behind_timeout(ctx: Context, steps: list[Step], phase: str = "migrate") -> list[Step]:
    """Steps of the direct plan that are already online (catalog changes): the same statements,
    each behind the lock timeout, in `phase`."""
    return [replace(s, forward=guarded(ctx, s.forward), reverse=guarded(ctx, s.reverse), phase=phase)
            for s in steps]


def impossible(op: str, ctx: Context, why: str, options: str) -> ZeroDowntimeImpossible:
    return ZeroDowntimeImpossible(
        f"Zero-downtime not possible for operation {op} on {ctx.dialect.name}"
        f"{' ' + ctx.request.database_version if ctx.request.database_version else ''}: {why}",
        field="downtime_allowed", suggestion=options)


def phase_check(ctx: Context, phase: str, description: str, query: str, expected: list) -> None:
    ctx.phase_checks.append(Check(f"after {phase}: {description}", query, expected, phase))


def count(ctx: Context, table: str, where: str) -> str:
    return f"SELECT COUNT(*) FROM {ctx.q(table)} WHERE {where}"


def distinct(ctx: Context, a: str, b: str) -> str:
    return ctx.dialect.sql("zd_distinct", a=a, b=b)


# --- batched backfill --------------------------------------------------------------------------

def backfill(ctx: Context, table: str, assignments: str, pending: str, phase: str,
             what: str) -> Step:
    """Fill rows in batches of BATCH, one commit each; `pending` selects rows still to do, so a
    re-run resumes. Keyset on a one-column integer primary key (T2's loop, without its backup:
    the rollback drops what this fills); else by `pending` alone."""
    d, key = ctx.dialect, integer_key(ctx.table(table))
    parts = dict(table=ctx.q(table), assignments=assignments, pending=pending, batch=str(BATCH))
    if key is not None:
        forward = pending_loop(ctx, table, key, assignments, pending, BATCH, what)
    elif d.keyless_batches == "loop":
        forward = d.keyless_backfill(**parts)
    elif d.keyless_batches == "once":
        # No anonymous block to loop in without a key to walk: one batch; repeating it resumes.
        forward = d.keyless_backfill(**parts)
        ctx.warnings.append(f"{what}: {table} has no integer primary key to walk, so on {d.name} the "
                            f"script runs one batch of {BATCH} rows; repeat its UPDATE until it reports "
                            f"0 rows ({count(ctx, table, pending)} returns 0) before the next phase.")
    else:
        raise impossible(what, ctx, f"{table} has no single-column integer primary key to walk in "
                         "batches", "allow downtime (one UPDATE), or add an integer key first")
    lock = ctx.lock("batch_fill", batch=BATCH)
    return step(ctx, f"{what} in batches of {BATCH}", forward, [], lock, table, phase,
                transactional=False, work="update")


# --- dialect variants, locks and notes (SQL Server / Oracle strategies) ---------------------------

def lock_of(ctx: Context, form: str) -> Lock:
    """The lock of an online form (`form@N` variants share their form's)."""
    return ctx.lock(form.split("@", 1)[0])


def note(ctx: Context, text: str, **parts: str) -> None:
    """A dialect's fact for the caller (edition needed, recovery after an interruption), once."""
    if text:
        text = text.format(**parts)
        if text not in ctx.warnings:
            ctx.warnings.append(text)
