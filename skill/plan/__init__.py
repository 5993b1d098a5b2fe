"""Planning: a request's changes -> a Plan of Phases of Steps, with checks and warnings."""
from __future__ import annotations

from ..dialects import Dialect
from ..errors import DbmigError
from ..limits import check_time
from ..models import Change, MigrationRequest, MigrationType, PlanRequest, Tier
from ..schema import parse_schema, resolve_names
from . import columns, constraints, data, online, tables  # noqa: F401  (registers the strategies)
from .checks import checks_for, drop_stale
from .online.common import session as online_session
from .context import Context
from .model import PHASE_GATES, PHASE_ORDER, Phase, Plan, Step
from .registry import planner_for
from .strategy import additions_phases

DATA_OPS = {"backfill", "update_rows", "split_column"}
IDENT_KEYS = ("table", "column", "name", "new_name", "ref_table", "columns", "ref_columns",
              "into", "primary_key")


def migration_type_of(changes: list[Change]) -> MigrationType:
    """The type a request left out, from what its changes do."""
    data = sum(c.op in DATA_OPS for c in changes)
    return MigrationType.schema if not data else MigrationType.data if data == len(changes) else MigrationType.hybrid


def choose_tier(request: PlanRequest, changes: list[Change]) -> Tier:
    if not request.downtime_allowed:
        return Tier.T3
    if request.migration_type.value != "schema" or any(c.op in DATA_OPS for c in changes):
        return Tier.T2
    return Tier.T1


def check_identifiers(changes: list[Change], dialect: Dialect, version: tuple[int, ...]) -> None:
    for i, ch in enumerate(changes):
        for path, name in _identifiers(ch.model_dump(), f"changes.{i}"):
            dialect.check_identifier(name, path, version)


def _identifiers(value, path: str):
    """(field path, identifier) for every identifier in a dumped change, at any depth."""
    if isinstance(value, list):
        for j, item in enumerate(value):
            yield from _identifiers(item, f"{path}.{j}")
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "set":                                   # update_rows: column -> value
                yield from ((f"{path}.set.{c}", c) for c in item)
            elif key in IDENT_KEYS and isinstance(item, str):
                yield f"{path}.{key}", item
            elif key in IDENT_KEYS and isinstance(item, list) and all(isinstance(x, str) for x in item):
                yield from ((f"{path}.{key}.{j}", x) for j, x in enumerate(item))
            else:
                yield from _identifiers(item, f"{path}.{key}")


def build_plan(request: PlanRequest | MigrationRequest, dialect: Dialect,
               changes: list[Change]) -> tuple[Plan, Context]:
    """The plan of `changes` on `dialect`. Planning reads only the PlanRequest part of a request:
    never the tool, which renderers deal with."""
    if isinstance(request, MigrationRequest):
        request = request.plan_request()
    ctx = Context(request, dialect, parse_schema(request.schema_sql, dialect.sqlglot))
    changes = resolve_names(changes, ctx.schema, dialect.sqlglot)
    check_identifiers(changes, dialect, ctx.version)
    created = {ch.table for ch in changes if ch.op == "create_table"}
    tier = choose_tier(request, changes)
    steps = []
    phases = additions_phases(changes, dialect) if tier == Tier.T3 else ["migrate"] * len(changes)
    for i, ch in enumerate(changes):
        ctx.additions_phase = phases[i]
        steps += plan_change(i, ch, ctx, tier == Tier.T3)
    guard_locks(steps, ctx, created)
    drop_stale(steps, ctx)
    plan = Plan(tier, phases_of(steps), ctx.phase_checks + checks_for(changes, ctx, created), ctx.warnings, changes)
    return plan, ctx


def plan_change(i: int, ch: Change, ctx: Context, zero_downtime: bool) -> list[Step]:
    """The Steps of change `i`. They, the warnings planning it adds, the error it raises and the
    one it would raise without confirm_data_loss carry `i`: a Plan keeps no other trace of which
    change made what (explain groups by it)."""
    check_time("planning")
    seen, lost = len(ctx.warnings), len(ctx.losses)
    try:
        steps = planner_for(ch.op, ctx.dialect, zero_downtime)(ch, ctx, f"changes.{i}")
        for extra in getattr(ch, "implied", list)():
            steps += planner_for(extra.op, ctx.dialect, zero_downtime)(extra, ctx, f"changes.{i}")
    except DbmigError as exc:
        exc.change = i
        raise
    for item in steps + [error for error, _ in ctx.losses[lost:]]:
        item.change = i
    ctx.change_warnings.append(ctx.warnings[seen:])
    return steps


LOCK_TIMEOUT = 5     # seconds a downtime-allowed step waits for its lock


def guard_locks(steps: list[Step], ctx: Context, created: set[str]) -> None:
    """Every step that locks an existing table first sets a lock timeout: a DDL waiting behind a
    long transaction otherwise queues every app query behind itself. Blocking steps are warned."""
    d, timed = ctx.dialect, None
    for step in steps:
        existing = step.table is not None and step.table not in created
        # a T3 step behind its own (shorter) timeout needs no session one
        own = bool(online_session(ctx)) and step.forward[:1] == online_session(ctx)
        if existing and not (step.session or own) and step.lock.level != ctx.lock("create_table").level:
            step.session = [d.lock_timeout(LOCK_TIMEOUT)]
            timed = timed or step
        if existing and step.lock.blocking and ctx.request.downtime_allowed:
            ctx.warn(
                f"{step.description}: takes {step.lock.level} on {step.table} and blocks {step.lock.blocks} "
                f"({step.estimate}); with downtime not allowed dbmig plans the online form.", step)
    if timed and ctx.request.downtime_allowed:
        ctx.warn(   # the change of the first step to set it is the one that brings it in
            f"Each step sets a {LOCK_TIMEOUT}s lock timeout: a step that cannot get its lock "
            "fails (retry it) instead of queueing the app behind it. No statement_timeout is set: "
            "downtime is allowed, so long steps run to completion.", timed)


def phases_of(steps: list[Step]) -> list[Phase]:
    """One phase for a plain plan; expand/migrate/contract, in that order, when steps say so."""
    names = {s.phase for s in steps}
    if names <= {"migrate"}:
        return [Phase("migrate", steps, _gate(steps, None))]
    return [Phase(name, members, _gate(members, PHASE_GATES.get(name) if i or name == "contract" else None))
            for i, name in enumerate(n for n in PHASE_ORDER if n in names)
            for members in [[s for s in steps if s.phase == name]]]


def _gate(steps: list[Step], gate: str | None) -> str | None:
    """The phase's gate, and what its steps need of the app first (`guide["gate"]`: a data step
    needs the app version that writes the new values)."""
    needs = list(dict.fromkeys(line for s in steps for line in s.guide.get("gate", [])))
    return " ".join(([gate] if gate else []) + needs) or None
