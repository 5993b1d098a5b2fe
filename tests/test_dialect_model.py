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


@pytest.mark.engine
def test_postgresql_type_conversions_are_the_engines():
    """`converts` and `needs_cast` against PostgreSQL itself, every pair of portable types: a cast
    of NULL exists or not; a plain ALTER ... TYPE on an empty table works or asks for USING."""
    from dbmig.types import PORTABLE, parse_type
    from .conftest import live_server

    d = get_dialect("postgresql")
    sample = {"varchar": "varchar(10)", "char": "char(3)", "decimal": "decimal(10,2)"}
    types = {name: parse_type(sample.get(name, name), "type") for name in PORTABLE}
    wrong = []
    with live_server("postgresql").scratch("casts") as scratch:
        for old, new in ((o, n) for o in types for n in types if o != n):
            a, b = d.native_type(types[old]), d.native_type(types[new])
            try:
                scratch.execute([f"SELECT CAST(CAST(NULL AS {a}) AS {b})"])
                casts = True
            except Exception:       # noqa: BLE001 - no cast: the engine's own answer
                casts = False
            plain = False
            if casts:
                try:
                    scratch.execute(["DROP TABLE IF EXISTS probe", f"CREATE TABLE probe (c {a})",
                                     f"ALTER TABLE probe ALTER COLUMN c TYPE {b}"])
                    plain = True
                except Exception:   # noqa: BLE001 - "cannot be cast automatically"
                    pass
            if (d.converts(types[old], types[new]), casts and d.needs_cast(types[old], types[new])) != \
                    (casts, casts and not plain):
                wrong.append((old, new, casts, plain))
    assert not wrong


@pytest.mark.engine
def test_a_text_to_integer_change_applies_and_rolls_back_on_postgresql():
    """varchar -> integer needs USING on PostgreSQL: the plain ALTER always failed. Applied with
    the Flyway runner on rows of digits, then undone: the text comes back."""
    from dbmig.runners import flyway
    from .conftest import live_server

    result = generate(dict(
        migration_tool="flyway", database="postgresql", migration_type="schema", downtime_allowed=True,
        migration_description="codes to integers", schema="CREATE TABLE codes (id bigint PRIMARY KEY, code varchar(10));",
        changes=[{"op": "alter_column_type", "table": "codes", "column": "code", "type": "integer"}]))
    files = {f.filename: f.content for f in result.files}
    with live_server("postgresql").scratch("txtint") as scratch:
        scratch.execute(["CREATE TABLE codes (id bigint PRIMARY KEY, code varchar(10))",
                         "INSERT INTO codes VALUES (1, '7'), (2, '42'), (3, NULL)"])
        flyway.upgrade(scratch, files)
        assert scratch.query("SELECT code, pg_typeof(code)::text FROM codes ORDER BY id") == \
            [[7, "integer"], [42, "integer"], [None, "integer"]]
        flyway.downgrade(scratch, files)
        assert scratch.query("SELECT code FROM codes ORDER BY id") == [["7"], ["42"], [None]]


@pytest.mark.parametrize("old,new,what", [("bigint", "uuid", "the change"), ("timestamp", "integer", "the change"),
                                          ("json", "integer", "its rollback")])
def test_a_type_change_postgresql_cannot_make_or_undo_is_refused(old, new, what):
    """No cast bigint -> uuid or timestamp -> integer; jsonb -> integer has one, but integer ->
    jsonb (the rollback) has none. The refusal names the field and what would fail."""
    from dbmig.errors import InvalidRequest
    with pytest.raises(InvalidRequest) as err:
        generate(dict(migration_tool="flyway", database="postgresql", migration_type="schema", downtime_allowed=True,
                      migration_description="retype", schema=f"CREATE TABLE t (id bigint PRIMARY KEY, c {old});",
                      changes=[{"op": "alter_column_type", "table": "t", "column": "c", "type": new}]))
    assert err.value.field == "changes.0.type" and what in err.value.message


def _retype(schema: str, changes: list[dict]) -> dict:
    return dict(migration_tool="flyway", database="postgresql", migration_type="schema", downtime_allowed=True,
                migration_description="retype", schema=schema, changes=changes)


@pytest.mark.parametrize("downtime", [True, False])
def test_a_type_change_whose_default_does_not_convert_is_refused(downtime):
    """PostgreSQL converts a DEFAULT with its column only by a cast it applies by itself:
    varchar DEFAULT '5' -> integer fails on the engine ("default for column cannot be cast
    automatically"), directly and in the zero-downtime swap alike. Refused, naming the field
    and the way through (drop_default first)."""
    from dbmig.errors import InvalidRequest
    request = _retype("CREATE TABLE t (id bigint PRIMARY KEY, s varchar(10) DEFAULT '5');",
                      [{"op": "alter_column_type", "table": "t", "column": "s", "type": "integer"}])
    with pytest.raises(InvalidRequest) as err:
        generate({**request, "downtime_allowed": downtime})
    assert err.value.field == "changes.0.type" and "DEFAULT '5'" in err.value.message
    assert "drop_default" in err.value.suggestion


def test_a_default_that_converts_with_its_column_is_not_refused():
    """integer DEFAULT 0 -> varchar: PostgreSQL converts the default itself, both ways."""
    generate(_retype("CREATE TABLE t (id bigint PRIMARY KEY, n integer DEFAULT 0);",
                     [{"op": "alter_column_type", "table": "t", "column": "n", "type": "varchar(20)"}]))


@pytest.mark.engine
def test_drop_default_then_type_change_then_default_applies_and_rolls_back_on_postgresql():
    """The way the refusal names: drop the default, change the type, set a default of the new
    type. Applied on rows and undone: values, type and the old default come back."""
    from dbmig.runners import flyway
    from .conftest import live_server

    table = "CREATE TABLE codes (id bigint PRIMARY KEY, code varchar(10) DEFAULT '5')"
    result = generate(_retype(table + ";", [
        {"op": "drop_default", "table": "codes", "column": "code"},
        {"op": "alter_column_type", "table": "codes", "column": "code", "type": "integer"},
        {"op": "set_default", "table": "codes", "column": "code", "default": "5"}]))
    files = {f.filename: f.content for f in result.files}
    default = ("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
               "ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = 'codes'::regclass")
    with live_server("postgresql").scratch("retypedef") as scratch:
        scratch.execute([table, "INSERT INTO codes VALUES (1, '7'), (2, DEFAULT)"])
        flyway.upgrade(scratch, files)
        scratch.execute(["INSERT INTO codes (id) VALUES (3)"])
        assert scratch.query("SELECT code, pg_typeof(code)::text FROM codes ORDER BY id") == \
            [[7, "integer"], [5, "integer"], [5, "integer"]]
        scratch.execute(["DELETE FROM codes WHERE id = 3"])
        flyway.downgrade(scratch, files)
        assert scratch.query("SELECT code FROM codes ORDER BY id") == [["7"], ["5"]]
        assert scratch.query(default) == [["'5'::character varying"]]


@pytest.mark.engine
@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
def test_an_expression_index_given_as_sql_runs_outside_a_transaction_and_rolls_back(tool, tmp_path):
    """CREATE INDEX CONCURRENTLY on lower(email) is not in the change model: kept as raw SQL, it
    now gets a step without a transaction (the gate used to stop it: FW004, an internal error)
    and its DROP INDEX CONCURRENTLY as the rollback. Applied and undone by each tool."""
    from dbmig.runners import runner
    from .conftest import liquibase_bin, live_server

    if tool == "liquibase":
        liquibase_bin()
    table = "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200))"
    result = generate(dict(
        migration_tool=tool, database="postgresql", downtime_allowed=False, migration_description="email lookups",
        schema=table + ";", sql="CREATE INDEX CONCURRENTLY ix_users_email_lower ON users (lower(email));"))
    files = {f.filename: f.content for f in result.files}
    index = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_users_email_lower'"
    with live_server("postgresql").scratch("exprindex") as scratch:
        scratch.execute([table, "INSERT INTO users VALUES (1, 'A@x.org')"])
        runner(tool).upgrade(scratch, files, tmp_path)
        assert "lower((email)::text)" in scratch.query(index)[0][0]
        runner(tool).downgrade(scratch, files, tmp_path)
        assert scratch.query(index) == []
