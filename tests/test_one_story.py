"""Every path tells the same story. For each operation on each database, the change's direct plan
as explain_migration(changes=...) shows it, explain_migration(sql=...) on the SQL that plan runs,
and generate's deployment guide give each step the same lock, the same rewrite/scan flags and the
same duration class: all three read the database's one table of lock and cost facts
(skill/dialects/data/<database>.toml)."""
from __future__ import annotations

import re

import pytest

from dbmig.api import generate
from dbmig.dialects import DATABASES, get_dialect
from dbmig.explain import explain_migration
from dbmig.models import MigrationRequest
from dbmig.plan import build_plan
from dbmig.render.sqlfile import guard_statements

from .roundtrip_cases import CASES, START

ROWS = {"customers": 5_000_000, "orders": 2_000_000, "people": 200_000}
# What a duration follows, cheapest first (an estimate names it in parentheses).
CLASSES = ["instant", "catalog", "scan", "update", "batched", "index", "rewrite"]


def duration_class(estimate: str) -> str:
    """catalog / scan / index / rewrite / update / batched (a batched data loop) / instant."""
    if "batch" in estimate and "batches of 1000 rows it takes" not in estimate:
        return "batched"
    m = re.search(r"\((rewrite|scan|index|update)\)", estimate)
    if m:
        return m.group(1)
    return "instant" if estimate == "instant" else "catalog"


TYPES = {"postgresql": ("INTEGER", "VARCHAR"), "mysql": ("INT", "VARCHAR"), "sqlserver": ("INT", "NVARCHAR"),
         "oracle": ("NUMBER(10)", "VARCHAR2")}


def _people(database: str) -> str:
    i, v = TYPES[database]
    return (f"CREATE TABLE people (id {i} PRIMARY KEY, full_name {v}(200), email {v}(200) NOT NULL, "
            f"score {i} NOT NULL, region {v}(20))")


DATA = {
    "backfill": [{"op": "backfill", "table": "people", "column": "region", "value": "'eu'"}],
    "update_rows": [{"op": "update_rows", "table": "people", "set": {"score": "score + 1"}, "where": "score < 500"}],
    "split_column": [{"op": "split_column", "table": "people", "column": "full_name",
                      "into": ["first_name", "last_name"], "separator": " "}],
}


def cases(database: str) -> dict[str, tuple[list[dict], str]]:
    """Every operation of the vocabulary but raw_sql (whose lock is unknown by definition):
    the round-trip cases on START, the data operations on a table of people."""
    out = {case: (changes, START[database]) for case, changes in CASES.items()}
    out["set_not_null"] = ([{"op": "set_not_null", "table": "customers", "column": "email"}], START[database])
    return out | {case: (changes, _people(database)) for case, changes in DATA.items()}


MATRIX = [(case, db) for db in DATABASES for case in cases(db)]


def _request(database: str, changes: list[dict], schema: str) -> dict:
    return dict(migration_tool="flyway", database=database, migration_type="hybrid", downtime_allowed=True,
                migration_description="one story", changes=changes, schema=schema, table_rows=ROWS)


def _facts(lock: str, rewrite: bool, scan: bool, estimate: str) -> tuple:
    return lock, rewrite, scan, duration_class(estimate)


def _sql_path(database: str, step, schema: str) -> tuple:
    """explain(sql=...) on the step's statements as a script carries them; the costliest one is
    the step (a backup table created before a batched loop is not what takes the time)."""
    d = get_dialect(database)
    script = "\n".join(d.terminate(x) for x in guard_statements(step, d) + step.forward) + "\n"
    entries = explain_migration(database, sql=script, schema=schema, table_rows=ROWS)["statements"]
    costliest = max(reversed(entries), key=lambda e: CLASSES.index(duration_class(e["estimated_duration"])))
    return _facts(costliest["lock"], costliest["rewrite"], costliest["scan"], costliest["estimated_duration"])


@pytest.mark.parametrize("case,database", MATRIX)
def test_changes_sql_and_guide_agree(case, database):
    changes, schema = cases(database)[case]
    request = _request(database, changes, schema)
    parsed = MigrationRequest.model_validate(request)
    plan, _ = build_plan(parsed, get_dialect(database), list(parsed.changes))
    guide = generate(request).deployment_guide.lock_estimates
    explained = explain_migration(database, changes=changes, schema=schema, table_rows=ROWS)["statements"]
    assert len(plan.steps) == len(guide) == len(explained)
    for step, est, by_changes in zip(plan.steps, guide, explained):
        planned = _facts(step.lock.level, step.lock.rewrite, step.lock.scan, step.estimate)
        assert _facts(est.lock, est.rewrite, est.scan, est.estimate) == planned, step.description
        assert _facts(by_changes["lock"], by_changes["rewrite"], by_changes["scan"],
                      by_changes["estimated_duration"]) == planned, step.description
        assert _sql_path(database, step, schema) == planned, f"{step.description}: {step.forward}"


def test_the_same_type_change_has_the_same_estimate_everywhere():
    """The issue's example: ALTER ... TYPE on 5M rows, through sql, changes and the guide."""
    change = CASES["alter_column_type_int_to_bigint"]
    sql = explain_migration("postgresql", sql="ALTER TABLE customers ALTER COLUMN age TYPE BIGINT;",
                            table_rows=ROWS)["statements"][0]
    by_changes = explain_migration("postgresql", changes=change, schema=START["postgresql"],
                                   table_rows=ROWS)["statements"][0]
    guide = generate(_request("postgresql", change, START["postgresql"])).deployment_guide.lock_estimates[0]
    assert sql["estimated_duration"] == by_changes["estimated_duration"] == guide.estimate == \
        "~12 s for 5,000,000 rows (rewrite)"
    assert sql["rewrite"] and by_changes["rewrite"] and guide.rewrite
