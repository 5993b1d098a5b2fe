"""One knowledge model per database: what plan/, render/ and intake/ know of a database they ask
its Dialect; lock and cost facts are one table per database; PostgreSQL's volatility is one list;
statements are built by the dialect."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import dbmig.explain
from dbmig.api import generate
from dbmig.dialects import DATABASES, get_dialect
from dbmig.explain import explain_migration
from dbmig.lint import validate_migration

from .roundtrip_cases import CASES, START

SKILL = Path(__file__).resolve().parents[1] / "skill"
# The check, as a test: no layer outside dialects/ compares database names.
NAME_CHECK = re.compile(r'\.name ==|database ==|== "(postgresql|mysql|sqlserver|oracle)"')
PROBE = re.compile(r'\.has\("|forms\.get\(')


def _sources(*folders: str):
    for folder in folders:
        yield from sorted((SKILL / folder).rglob("*.py"))


def test_no_layer_compares_database_names():
    found = [f"{p.relative_to(SKILL)}:{n}: {line.strip()}" for p in _sources("plan", "render", "intake")
             for n, line in enumerate(p.read_text().splitlines(), 1) if NAME_CHECK.search(line)]
    assert not found, "\n".join(found)


def test_planners_and_renderers_ask_the_dialect_instead_of_probing_its_forms():
    found = [f"{p.relative_to(SKILL)}:{n}: {line.strip()}" for p in _sources("plan", "render")
             for n, line in enumerate(p.read_text().splitlines(), 1) if PROBE.search(line)]
    assert not found, "\n".join(found)


def test_explain_holds_no_fact_tables():
    assert not any(hasattr(dbmig.explain, name) for name in ("FACTS", "OVERRIDES", "RATES"))


PLANNED = ("create_table", "drop_table", "rename_table", "add_column", "add_column_rewrite", "drop_column",
           "rename_column", "alter_column_type", "set_not_null", "drop_not_null", "set_default", "drop_default",
           "add_index", "add_index_online", "drop_index", "drop_index_online", "add_foreign_key", "add_unique",
           "add_check", "drop_constraint", "update", "copy_table", "batch_update", "batch_fill", "raw_sql",
           "zd_allow_null", "zd_sync_trigger")


@pytest.mark.parametrize("database", DATABASES)
def test_every_planned_operation_has_its_facts(database):
    d = get_dialect(database)
    for op in PLANNED:
        lock = d.lock(op)
        assert lock.level and lock.blocks and lock.cost, op
    assert set(d.facts.rates) >= {"rewrite", "scan", "index", "update", "batched_update"}


# --- PostgreSQL volatility: one list for the planner, the lint rule and explain -------------------------

@pytest.mark.parametrize("default, rewrites", [
    ("uuidv7()", True), ("gen_random_uuid()", True), ("clock_timestamp()", True), ("random()", True),
    ("now()", False), ("txid_current()", False), ("'x'", False), ("lower('X')", False),
])
def test_volatile_default_is_judged_once(default, rewrites):
    change = {"op": "add_column", "table": "customers", "column": {"name": "c", "type": "text", "default": default}}
    result = generate(dict(migration_tool="flyway", database="postgresql", migration_type="schema",
                           downtime_allowed=True, migration_description="volatility", changes=[change],
                           schema=START["postgresql"], database_version="15"))
    (estimate,) = result.deployment_guide.lock_estimates
    sql = f"ALTER TABLE customers ADD COLUMN c text DEFAULT {default};"
    linted = validate_migration([{"filename": "V1__c.sql", "content": sql}], "postgresql", database_version="15")
    (explained,) = explain_migration("postgresql", sql=sql, database_version="15")["statements"]
    flagged = any(f["rule_id"].startswith("PG006") for f in linted["findings"])
    assert (estimate.rewrite, flagged, explained["rewrite"]) == (rewrites, rewrites, rewrites)


# --- statements built by the dialect -------------------------------------------------------------------

@pytest.mark.parametrize("database, backup", [
    ("postgresql", "CREATE TABLE dbmig_bak_customers_email AS SELECT id FROM customers WHERE email IS NULL"),
    ("mysql", "CREATE TABLE dbmig_bak_customers_email AS SELECT id FROM customers WHERE email IS NULL"),
    ("sqlserver", "SELECT id INTO dbmig_bak_customers_email FROM customers WHERE email IS NULL"),
    ("oracle", "CREATE TABLE DBMIG_BAK_CUSTOMERS_EMAIL AS SELECT ID FROM CUSTOMERS WHERE EMAIL IS NULL"),
])
def test_backfill_keeps_its_keys_in_the_database_own_form(database, backup):
    """SQL Server has no CREATE TABLE ... AS SELECT: its backup is SELECT ... INTO (the gate
    parses every statement of the result before generate returns it)."""
    result = generate(dict(migration_tool="flyway", database=database, migration_type="schema",
                           downtime_allowed=True, migration_description="backfill",
                           changes=CASES["set_not_null_backfill"], schema=START[database]))
    script = result.migration_script.content
    assert backup in script
    assert database != "sqlserver" or "AS SELECT" not in script
