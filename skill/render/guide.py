"""The deployment guide and the validation tests, from the plan (never from a renderer's files)."""
from __future__ import annotations

from ..models import DeploymentGuide, LockEstimate, MigrationRequest, ValidationTest, expected_text
from ..plan.model import Plan
from .types import Rendered

APPLY = {
    "flyway": "flyway -locations=filesystem:<dir> migrate",
    "liquibase": "liquibase --changelog-file=<changelog> update",
    "alembic": "alembic upgrade head",
}
APPLY_PHASE = {
    "flyway": "flyway migrate -target={target}",
    "liquibase": "liquibase --changelog-file={file} update",
    "alembic": "alembic upgrade {target}",
}
ROLLBACK = {
    "flyway": "flyway undo (Teams) {n} time(s), or run {undo} with your SQL client, in that order",
    "liquibase": "liquibase --changelog-file={file} rollback-count --count={n}",
    "alembic": "alembic downgrade -{n}",
}
PREVIEW = {
    "flyway": "flyway info (shows the pending versions)",
    "liquibase": "liquibase --changelog-file=<changelog> update-sql (review the SQL)",
    "alembic": "alembic upgrade head --sql (review the SQL)",
}


def validation_tests(plan: Plan) -> list[ValidationTest]:
    checks = plan.checks + [c for s in plan.steps for c in s.checks]
    unique: dict[str, object] = {}
    for c in checks:                    # the first check of each query wins, in order
        unique.setdefault(c.query, c)
    # A check without expected rows holds when the query returns what it did before the migration.
    return [ValidationTest(description=c.description, query=c.query, phase=c.phase,
                           expected_result=expected_text(c.expected or None), expected_rows=c.expected or None,
                           compare="equals" if c.expected else "unchanged")
            for c in unique.values()]


def _step_lines(steps, section: str) -> list[str]:
    """Lines a step adds to a guide section (data steps: EXPLAIN, progress, pause/resume)."""
    return list(dict.fromkeys(line for s in steps for line in s.guide.get(section, [])))


def deployment_guide(plan: Plan, request: MigrationRequest, rendered: list[Rendered]) -> DeploymentGuide:
    tool = request.migration_tool.value
    steps = plan.steps
    locks = [LockEstimate(statement=s.description, lock=s.lock.level, blocks=s.lock.blocks,
                          rewrite=s.lock.rewrite, scan=s.lock.scan, estimate=s.estimate) for s in steps]
    blocking = [s for s in steps if s.lock.rewrite or s.lock.scan]
    pre = ["Take a backup (or confirm point-in-time recovery) of the database.",
           f"Preview: {PREVIEW[tool]}.",
           "Run the validation tests marked 'unchanged' now and keep their results."]
    if blocking:
        pre.append("Schedule a window: " + "; ".join(f"{s.description}: {s.estimate}" for s in blocking) + ".")
    if len(plan.phases) == 1 and plan.phases[0].gate_before:      # a multi-phase plan says it per phase
        pre.append(f"Before applying: {plan.phases[0].gate_before}")
    manual = [m for s in steps for m in s.manual_steps]
    return DeploymentGuide(
        pre_migration_steps=pre + _step_lines(steps, "pre"),
        execution_steps=_apply(plan, tool, rendered) + _step_lines(steps, "execution"),
        post_migration_steps=["Run the validation tests; every result must equal expected_result."]
        + _cleanup(steps) + _step_lines(steps, "post"),
        rollback_procedure=_roll_back(plan, tool, rendered)
        + ["Run the validation tests marked 'unchanged' again: results must match."]
        + manual + _step_lines(steps, "rollback"),
        estimated_duration=_total(steps),
        lock_estimates=locks)


def _apply(plan: Plan, tool: str, rendered: list[Rendered]) -> list[str]:
    if len(plan.phases) == 1:
        return [f"Apply: {APPLY[tool]}."]
    out = []
    for i, (phase, r) in enumerate(zip(plan.phases, rendered), 1):
        if phase.gate_before:
            out.append(f"GATE before phase {i} ({phase.name}): {phase.gate_before}")
        out.append(f"Phase {i} ({phase.name}): {APPLY_PHASE[tool].format(target=r.units[-1], file=r.migration.filename)}, "
                   f"then run the validation tests whose phase is '{phase.name}'.")
    return out


def _roll_back(plan: Plan, tool: str, rendered: list[Rendered]) -> list[str]:
    pairs = list(zip(plan.phases, rendered))
    if len(pairs) == 1:
        return [f"Roll back: {_rollback(tool, rendered[0], '<changelog>')}."]
    return [f"Roll back phase {i} ({p.name}), newest phase first: {_rollback(tool, r, r.migration.filename)}."
            for i, (p, r) in reversed(list(enumerate(pairs, 1)))]


def _rollback(tool: str, r: Rendered, changelog: str) -> str:
    undo = ", ".join(f"U{u}" for u in reversed(r.units))
    return ROLLBACK[tool].format(n=len(r.units), file=changelog, undo=undo)


def _cleanup(steps) -> list[str]:
    return [f"Once the migration is final, drop the backup kept for the rollback ({s.description})."
            for s in steps if s.description.startswith("back up")]


def _total(steps) -> str:
    slow = [s.estimate for s in steps if not s.estimate.startswith("< 1 s")]
    return "; ".join(slow) if slow else "< 1 s per step (catalog changes; each waits for running transactions on its table)"
