"""`explain_migration` for structured `changes`: what the planner would do, told Step by Step.

No lock or duration fact lives here. The direct plan (downtime allowed) is what the naive change
does, and each of its Steps already carries its SQL, lock and estimate; the zero-downtime (T3)
plan of the same change is the safe alternative. Risks are the lint findings for the step's SQL
(the same rules `validate_migration` runs, so explain and validate agree) plus the planner's
warnings for that change.

Each mode is planned once for the whole list, since a change plans against the schema the
earlier ones leave behind; build_plan tags each Step, and each change's warnings, with the index
of the change that made them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from ..dialects import Dialect, get_dialect
from ..errors import DbmigError, ZeroDowntimeImpossible, invalid_from_pydantic
from ..lint import make_context, read_files, run_rules
from ..live import with_live_facts
from ..models import PlanRequest
from ..plan import build_plan
from ..plan.model import PHASE_ORDER, Plan, Step
from ..plan.online.common import session as online_session
from ..render.sqlfile import forward_blocks

ZERO_DOWNTIME = "Zero-downtime plan (generate_migration with downtime_allowed=false writes it): "


@dataclass
class ChangeFacts:
    """One change as the direct plan has it, and its zero-downtime counterpart."""

    warnings: list[str]
    steps: list[Step] = field(default_factory=list)
    online: list[Step] = field(default_factory=list)
    online_error: DbmigError | None = None
    online_session: list[str] = field(default_factory=list)


def explain_changes(database: str, changes: list, schema_sql: str | None, database_version: str | None,
                    table_rows: dict[str, int], dsn: str | None = None) -> dict:
    dialect = get_dialect(make_context(database, None, database_version).database)   # generate's names
    request = _request(changes, schema_sql, database_version, table_rows, dsn)
    request, live = with_live_facts(request, dialect, list(request.changes))
    plan, facts = _direct(request, dialect)
    _zero_downtime(request, dialect, facts)
    findings = dict(zip(map(id, plan.steps), _lint(plan.steps, dialect, request.database_version)))
    counted = _live_risks(live, plan, dialect, table_rows)
    statements = [_entry(i, k, step, *findings[id(step)], fact, counted.get(id(step), ([], "")))
                  for i, fact in enumerate(facts) for k, step in enumerate(fact.steps)]
    return {"statements": statements, **({"live": live.facts.summary()} if live else {})}


def _live_risks(live, plan: Plan, dialect: Dialect, given: dict[str, int]) -> dict[int, tuple[list[str], str]]:
    """Per step (by id): the live counts about it (its guards; its change's column facts on the
    change's first step) and the note its estimate gets when its table's rows were read live."""
    if live is None:
        return {}
    from ..live.guards import live_counts
    from . import live_notes
    notes = live_notes(live.facts, {k.lower(): v for k, v in given.items()})
    first = {}
    for step in plan.steps:
        first.setdefault(step.change, step)
    out = {id(s): ([], notes.get((s.table or "").lower(), "")) for s in plan.steps}
    for c in live_counts(live.dsn, dialect, plan.steps, plan.changes, live.facts.read_at):
        step = plan.steps[c.step] if c.step is not None else first.get(c.change)
        if step is not None:
            out[id(step)][0].append(c.text)
    return out


def _request(changes: list, schema_sql: str | None, version: str | None, table_rows: dict[str, int],
             dsn: str | None = None) -> PlanRequest:
    """The changes as the planner takes them, with generate's validation and field paths.
    `hybrid` admits schema and data changes alike."""
    optional = dict(schema=schema_sql, database_version=version, dsn=dsn)
    # a field left None stays unset, so a dsn fills it (with_live_facts reads the fields set)
    data = dict(migration_type="hybrid", downtime_allowed=True, changes=changes, table_rows=table_rows,
                **{k: v for k, v in optional.items() if v is not None})
    try:
        return PlanRequest.model_validate(data)
    except ValidationError as e:
        raise invalid_from_pydantic(e) from None


def _plan(request: PlanRequest, dialect: Dialect, changes: list, downtime_allowed: bool):
    """Explain writes no rollback, so data loss is accepted: a change without a safe rollback is
    still explained, its risk being the abort generate would give (`Context.losses`)."""
    req = request.model_copy(update=dict(changes=changes, downtime_allowed=downtime_allowed,
                                         confirm_data_loss=True))
    return build_plan(req, dialect, changes)


# --- the direct plan: what the change does -------------------------------------------------------

def _direct(request: PlanRequest, dialect: Dialect) -> tuple[Plan, list[ChangeFacts]]:
    plan, ctx = _plan(request, dialect, list(request.changes), True)
    facts = [ChangeFacts(list(warnings)) for warnings in ctx.change_warnings]
    for step in plan.steps:
        facts[step.change].steps.append(step)
    for loss, warning in ctx.losses:
        # the caller confirmed nothing: the risk is generate's abort, not the "(confirmed ...)" warning
        fact = facts[loss.change]
        fact.warnings = [f"{loss.code}: {loss.message}"] + [w for w in fact.warnings if w != warning]
    return plan, facts


# --- the zero-downtime plan: the safe alternative ---------------------------------------------------

def _zero_downtime(request: PlanRequest, dialect: Dialect, facts: list[ChangeFacts]) -> None:
    """Each change's Steps in the zero-downtime plan, or the error that says it has none.

    A change with no online form aborts the whole plan (generate stops there too), and build_plan
    tags the error with its index. That change is left out and the rest planned again, so the
    changes after it plan against the schema without it: one plan more per such change. An error
    no change is tagged with (raised after planning them) is every remaining change's."""
    left = list(range(len(facts)))
    while left:
        try:
            plan, ctx = _plan(request, dialect, [request.changes[i] for i in left], False)
        except DbmigError as exc:
            if exc.change is None:
                for i in left:
                    facts[i].online_error = exc
                return
            facts[left.pop(exc.change)].online_error = exc
            continue
        for step in plan.steps:   # phases reorder steps; each keeps its change's index in `left`
            facts[left[step.change]].online.append(step)
        for i in left:
            facts[i].online_session = online_session(ctx)
        return


def _safe_alternative(fact: ChangeFacts, lint: list) -> str | None:
    if fact.online_error is not None:
        e = fact.online_error
        why = e.message if isinstance(e, ZeroDowntimeImpossible) else f"No zero-downtime plan: {e.message}"
        return why.rstrip(".") + (f". Instead: {e.suggestion}" if e.suggestion else "")
    if _same(fact):
        # the change is already its own online form: only the linter may know a safer one
        serious = [f for f in lint if f.severity != "info"]
        return serious[0].safe_alternative if serious else None
    phases = []
    for name in PHASE_ORDER:
        steps = [s for s in fact.online if s.phase == name]
        if steps:
            phases.append(f"{name}: " + ", ".join(
                f"{s.description.removeprefix(name + ': ')} [{s.lock.level}; blocks {s.lock.blocks}]"
                for s in steps))
    return ZERO_DOWNTIME + "; ".join(phases)


def _same(fact: ChangeFacts) -> bool:
    """The online plan runs the same statements in one phase (behind its own lock timeout)."""
    online = [[x for x in s.forward if x not in fact.online_session] for s in fact.online]
    return {s.phase for s in fact.online} <= {"migrate"} and online == [s.forward for s in fact.steps]


# --- lint: the step's SQL as a script would carry it -------------------------------------------------

def _lint(steps: list[Step], dialect: Dialect, version: str | None) -> list[tuple[str, list]]:
    """Per step: its SQL (session settings and guards included, as in a plain SQL script) and the
    lint findings on it. One file for the whole plan: rules read what earlier statements did."""
    blocks = [b.statements for b in forward_blocks(steps, dialect)]
    texts, spans, line = [], [], 1
    for statements in blocks:
        text = "\n".join(statements)
        spans.append((line, line + text.count("\n")))
        texts.append(text)
        line += text.count("\n") + 2
    ctx = make_context(dialect.name, None, version)
    sources = read_files([{"filename": "changes.sql", "content": "\n\n".join(texts) + "\n"}], ctx)
    found: list[list] = [[] for _ in blocks]
    for _, f in run_rules(sources, ctx):
        for n, (first, last) in enumerate(spans):
            if first <= f.line <= last:
                found[n].append(f)
    return list(zip(texts, found))


def _entry(i: int, k: int, step: Step, sql: str, lint: list, fact: ChangeFacts,
           live: tuple[list[str], str] = ([], "")) -> dict:
    """`file` is the change's field path and `line` the step's number within it."""
    risks = [f"{f.rule_id}: {f.message}" for f in lint] + (fact.warnings if k == 0 else []) + live[0]
    return {"file": f"changes.{i}", "line": k + 1, "sql": sql,
            "what": step.description[:1].upper() + step.description[1:] + ".",
            "lock": step.lock.level, "blocks": step.lock.blocks, "rewrite": step.lock.rewrite,
            "scan": step.lock.scan, "estimated_duration": step.estimate + live[1], "risks": risks,
            "safe_alternative": _safe_alternative(fact, lint)}
