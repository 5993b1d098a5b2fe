"""What every zero-downtime (T3) strategy shares: lock timeouts, step building, batched
backfills, phase checks and the abort.

A T3 step never queues behind a long transaction while holding its place in the lock queue:
every statement that takes a strong lock is preceded by a short lock timeout (PostgreSQL
`lock_timeout`, MySQL `lock_wait_timeout`, SQL Server `LOCK_TIMEOUT`, Oracle
`ddl_lock_timeout`), so a blocked migration fails fast and is retried,
instead of freezing every app query that queues behind it.
"""
from __future__ import annotations

from ...dialects import parse_version
from ...dialects.base import Lock
from ...errors import ZeroDowntimeImpossible
from ..context import Context
from ..data import integer_key, pending_loop
from ..model import Check, Step

# One timeout in every unit a dialect's `lock_timeout` form may ask for: PostgreSQL text,
# MySQL lock_wait_timeout / Oracle ddl_lock_timeout seconds, SQL Server LOCK_TIMEOUT milliseconds.
LOCK_TIMEOUT = {"timeout": "2s", "timeout_s": "2", "timeout_ms": "2000"}
BATCH = 1000
ONLINE = "nothing (reads and writes go on)"
RETRY = ("A step that fails with a lock timeout ('canceling statement due to lock timeout' / "
         "'Lock wait timeout exceeded') changed nothing: wait for the long transaction holding the "
         "table (pg_stat_activity / SHOW PROCESSLIST) to end and run the same phase again.")


def session(ctx: Context) -> list[str]:
    d = ctx.dialect
    return [d.sql("lock_timeout", **LOCK_TIMEOUT)] if d.has("lock_timeout") else []


def guarded(ctx: Context, statements: list[str] | None) -> list[str] | None:
    """Statements that take a strong lock, behind the lock timeout (and the retry note)."""
    if statements is None:
        return None
    # the dialect may say how its lock timeout error reads and where to find the blocker
    retry = ctx.dialect.forms.get("zd_retry_note", RETRY)
    if session(ctx) and retry not in ctx.warnings:
        ctx.warnings.append(retry)
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
    elif d.has("zd_batch_pending"):
        forward = d.statements("zd_batch_pending", **parts)
    elif d.has("zd_batch_once"):
        # No anonymous block to loop in without a key to walk: one batch; repeating it resumes.
        forward = d.statements("zd_batch_once", **parts)
        ctx.warnings.append(f"{what}: {table} has no integer primary key to walk, so on {d.name} the "
                            f"script runs one batch of {BATCH} rows; repeat its UPDATE until it reports "
                            f"0 rows ({count(ctx, table, pending)} returns 0) before the next phase.")
    else:
        raise impossible(what, ctx, f"{table} has no single-column integer primary key to walk in "
                         "batches", "allow downtime (one UPDATE), or add an integer key first")
    lock = Lock("row locks, one batch at a time", f"writers of the {BATCH} rows of the current batch")
    return step(ctx, f"{what} in batches of {BATCH}", forward, [], lock, table, phase,
                transactional=False, work="update")


# --- dialect variants, locks and notes (SQL Server / Oracle strategies) ---------------------------

def versioned(ctx: Context, form: str) -> str | None:
    """The variant of `form` for the request's database version. A dialect keys a variant
    `form@N` when it needs version N (SQL Server 15 = 2019 for RESUMABLE); plain `form` has no
    floor. Without `database_version` the dialect's `zd_baseline_version` counts (the oldest
    version its strategies promise); below every floor: None (the planner says why it aborts)."""
    d = ctx.dialect
    version = ctx.version or parse_version(str(d.forms.get("zd_baseline_version", "")))
    variants = sorted((parse_version(k.split("@", 1)[1]), k) for k in d.forms if k.startswith(f"{form}@"))
    variants = ([((), form)] if form in d.forms else []) + variants
    fitting = [k for v, k in variants if v <= version]
    return fitting[-1] if fitting else None


def offers(ctx: Context, form: str) -> bool:
    """The dialect has `form` in some version (the planner then asks `versioned`)."""
    return any(k == form or k.startswith(f"{form}@") for k in ctx.dialect.forms)


def lock_of(ctx: Context, form: str, level: str, blocks: str = ONLINE) -> Lock:
    """The lock the dialect records for an online form; `level`/`blocks` where it records none
    (PostgreSQL and MySQL keep theirs in the planners that predate this table)."""
    return ctx.dialect.locks.get(form.split("@", 1)[0]) or Lock(level, blocks)


def note(ctx: Context, form: str, **parts: str) -> None:
    """A dialect's fact for the caller (edition needed, recovery after an interruption), once."""
    form = versioned(ctx, form)
    if form:
        text = ctx.dialect.sql(form, **parts)
        if text not in ctx.warnings:
            ctx.warnings.append(text)
