"""The deployment guide and the validation tests, from the plan (never from a renderer's files)."""
from __future__ import annotations

from ..models import DeploymentGuide, LockEstimate, MigrationRequest, ValidationTest
from ..plan.model import Plan

APPLY = {
    "flyway": "flyway -locations=filesystem:<dir> migrate",
    "liquibase": "liquibase --changelog-file=<changelog> update",
    "alembic": "alembic upgrade head",
}
ROLLBACK = {
    "flyway": "flyway undo (Teams), or run the U file(s) with your SQL client, newest first",
    "liquibase": "liquibase --changelog-file=<changelog> rollback-count --count={n}",
    "alembic": "alembic downgrade -1",
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
    return [ValidationTest(description=c.description, query=c.query, expected_result=c.expected,
                           compare="unchanged" if not c.expected else "equals") for c in unique.values()]


def _step_lines(steps, section: str) -> list[str]:
    """Lines a step adds to a guide section (data steps: EXPLAIN, progress, pause/resume)."""
    return list(dict.fromkeys(line for s in steps for line in s.guide.get(section, [])))


def deployment_guide(plan: Plan, request: MigrationRequest, changesets: int) -> DeploymentGuide:
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
    manual = [m for s in steps for m in s.manual_steps]
    return DeploymentGuide(
        pre_migration_steps=pre + _step_lines(steps, "pre"),
        execution_steps=[f"Apply: {APPLY[tool]}."] + _step_lines(steps, "execution"),
        post_migration_steps=["Run the validation tests; every result must equal expected_result."]
        + _cleanup(steps) + _step_lines(steps, "post"),
        rollback_procedure=[f"Roll back: {ROLLBACK[tool].format(n=changesets)}.",
                            "Run the validation tests marked 'unchanged' again: results must match."]
        + manual + _step_lines(steps, "rollback"),
        estimated_duration=_total(steps),
        lock_estimates=locks)


def _cleanup(steps) -> list[str]:
    return [f"Once the migration is final, drop the backup kept for the rollback ({s.description})."
            for s in steps if s.description.startswith("back up")]


def _total(steps) -> str:
    slow = [s.estimate for s in steps if not s.estimate.startswith("< 1 s")]
    return "; ".join(slow) if slow else "< 1 s per step (catalog changes; each waits for running transactions on its table)"
