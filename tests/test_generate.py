"""Engine-level properties over the whole T1 matrix: determinism, budgets, gate, bad input."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dbmig.api import generate
from dbmig.errors import InvalidRequest, UnsafeRollback
from dbmig.tokens import BUDGET
from dbmig.server.fit import sent_tokens

from .roundtrip_cases import CASES, request

TOOLS = ["flyway", "liquibase", "alembic"]
DATABASES = ["postgresql", "mysql", "sqlserver", "oracle"]
MATRIX = [(c, t, d) for c in sorted(CASES) for t in TOOLS for d in DATABASES]


def _scripts(result) -> list[tuple[str, str]]:
    return [(f.filename, f.content) for f in result.files]


@pytest.mark.parametrize("case,tool,database", MATRIX)
def test_deterministic_and_within_budget(case, tool, database):
    a, b = generate(request(case, tool, database)), generate(request(case, tool, database))
    assert _scripts(a) == _scripts(b)
    assert a.model_dump(exclude={"timestamp"}) == b.model_dump(exclude={"timestamp"})
    assert a.tier.value == "T1"
    tokens = sent_tokens(a)
    assert tokens <= BUDGET["T1"], f"{tokens} tokens > T1 budget"
    assert a.validation_tests, "every T1 result carries validation tests"
    assert a.rollback_script.content.strip()


def test_timestamp_is_new_york_and_not_in_scripts():
    r = generate(request("add_index", "flyway", "postgresql"))
    assert r.timestamp[-6:] in ("-05:00", "-04:00")
    assert all(r.timestamp[:10] not in f.content for f in r.files)


BASE = dict(migration_tool="flyway", database="postgresql", migration_type="schema",
            downtime_allowed=True, migration_description="x",
            changes=[{"op": "add_column", "table": "users", "column": {"name": "a", "type": "integer"}}])


def _col(**kw):
    return [{"op": "add_column", "table": "users", "column": {"name": "a", "type": "integer"} | kw}]


BAD = [
    ("migration_tool", dict(migration_tool="dbmate")),
    ("database", dict(database="sqlite")),
    ("migration_type", dict(migration_type="both")),
    ("downtime_allowed", dict(downtime_allowed="yes")),
    ("migration_description", dict(migration_description="")),
    ("changes.0.op", dict(changes=[{"op": "explode", "table": "users"}])),
    ("changes.0.table", dict(changes=[{"op": "drop_table", "table": "x" * 64}])),
    ("changes.0.table", dict(changes=[{"op": "drop_table", "table": 'users"; DROP TABLE x; --'}])),
    ("changes.0.table", dict(changes=[{"op": "drop_table", "table": "us;ers"}])),
    ("changes.0.table", dict(changes=[{"op": "drop_table", "table": "us\x00ers"}])),
    ("changes.0.table", dict(changes=[{"op": "drop_table", "table": "us'ers"}])),
    ("changes.0.column.type", dict(changes=_col(type="varchar2000"))),
    ("changes.0.column.default", dict(changes=_col(default="0; DROP TABLE users"))),
    ("changes.0.column.default", dict(changes=_col(default="(SELECT max(id) FROM users)"))),
    ("changes.0.column.default", dict(changes=_col(nullable=False))),
    ("sql", dict(changes=None, sql="ALTER TABLE WHERE (((")),
    ("changes.0.bogus", dict(changes=[{"op": "drop_table", "table": "users", "bogus": 1}])),
]


@pytest.mark.parametrize("field,override", BAD, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD)])
def test_bad_input_names_the_field(field, override):
    with pytest.raises(InvalidRequest) as e:
        generate(BASE | override)
    assert e.value.field == field, e.value.to_dict()
    assert e.value.message


def test_oracle_identifier_limit_depends_on_version():
    long = "c" * 40
    req = BASE | dict(database="oracle", changes=_col(name=long))
    generate(req | dict(database_version="19"))
    with pytest.raises(InvalidRequest) as e:
        generate(req | dict(database_version="12.1"))
    assert e.value.field == "changes.0.column.name"


def test_drop_without_schema_aborts_unless_confirmed():
    req = BASE | dict(changes=[{"op": "drop_table", "table": "users"}])
    with pytest.raises(UnsafeRollback, match="Cannot generate safe rollback for DROP TABLE users"):
        generate(req)
    r = generate(req | dict(confirm_data_loss=True))
    assert any("DATA LOSS" in w for w in r.warnings)
    assert "DESTRUCTIVE" in r.migration_script.content
    assert r.rollback_script.manual_steps


def test_cli_bad_input_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "dbmig.cli", "generate", "--tool", "flyway", "--database",
                           "postgresql", "--type", "schema", "--downtime-allowed", "--description", "x",
                           "--changes", json.dumps(_col(type="nope")), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "changes.0.column.type" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() or not any(out.iterdir())


def test_cli_writes_files(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dbmig.cli", "generate", "--tool", "flyway", "--database",
                           "postgresql", "--type", "schema", "--downtime-allowed", "--description", "add a",
                           "--changes", json.dumps(_col()), "--out", str(tmp_path), "--json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    listed = [body["migration_script"], body["rollback_script"], *body["extra_files"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f["filename"] for f in listed)


def test_sql_intake_maps_statements_and_keeps_the_rest_raw():
    r = generate(BASE | dict(changes=None, sql="ALTER TABLE users ADD COLUMN email VARCHAR(255); "
                                               "CREATE INDEX ix_e ON users (email); GRANT SELECT ON users TO app"))
    assert [c.op for c in r.changes] == ["add_column", "add_index", "raw_sql"]
    assert any("raw SQL" in w for w in r.warnings)
    assert r.rollback_script.manual_steps


@pytest.mark.parametrize("database, sql, kept", [
    ("postgresql", "CREATE INDEX ix_o ON orders (user_id, created_at DESC)", "created_at DESC"),
    ("postgresql", "CREATE INDEX ix_o ON orders USING gin (tags)", "USING gin"),
    ("postgresql", "CREATE INDEX ix_o ON orders (user_id) INCLUDE (total)", "INCLUDE (total)"),
    ("postgresql", "CREATE INDEX ix_o ON orders (lower(note))", "LOWER(note)"),
    ("mysql", "CREATE INDEX ix_o ON orders (user_id, created_at DESC)", "created_at DESC")])
def test_sql_intake_keeps_an_index_add_index_cannot_carry_raw_with_its_drop(database, sql, kept):
    """A sort order, a method, INCLUDE or an expression were dropped from the index (it became a
    plain ascending btree): now the statement stays whole, and its DROP INDEX is the rollback."""
    r = generate(BASE | dict(database=database, changes=None, sql=sql))
    assert [c.op for c in r.changes] == ["raw_sql"]
    assert kept in r.changes[0].up and r.changes[0].down.startswith("DROP INDEX ix_o")
    assert kept in r.migration_script.content and not r.rollback_script.manual_steps


def test_sql_intake_maps_an_ascending_index_to_add_index():
    r = generate(BASE | dict(changes=None, sql="CREATE INDEX ix_o ON orders (user_id ASC, total)"))
    assert [c.op for c in r.changes] == ["add_index"] and [c.model_dump(exclude_defaults=True) for c in r.changes] == \
        [{"table": "orders", "columns": ["user_id", "total"], "name": "ix_o"}]


def test_sql_intake_tsql_drop_column_is_planned_not_raw():
    r = generate(BASE | dict(database="sqlserver", changes=None, sql="ALTER TABLE users DROP COLUMN legacy",
                             schema="CREATE TABLE users (id INT PRIMARY KEY, legacy NVARCHAR(MAX))"))
    assert [c.op for c in r.changes] == ["drop_column"]
    assert "dbmig_bak_users_legacy" in r.migration_script.content


def test_raw_sql_that_destroys_data_needs_down_or_confirmation():
    raw = [{"op": "raw_sql", "up": "DELETE FROM users WHERE id < 10"}]
    with pytest.raises(UnsafeRollback) as e:
        generate(BASE | dict(changes=raw))
    assert e.value.field == "changes.0.down"
    assert generate(BASE | dict(changes=raw, confirm_data_loss=True)).rollback_script.manual_steps


@pytest.mark.parametrize("fmt", ["xml", "yaml", "sql"])
def test_liquibase_author_with_a_space_in_every_format(fmt):
    r = generate(BASE | dict(migration_tool="liquibase", liquibase_format=fmt, author="Ann Lee"))
    assert "Ann Lee" in r.migration_script.content


NAMED_SCHEMA = ("CREATE TABLE users (id bigint, email varchar(200) NOT NULL, CONSTRAINT pk_users PRIMARY KEY (id), "
                "CONSTRAINT uq_users_email UNIQUE (email)); CREATE INDEX ix_users_email ON users (email);")


@pytest.mark.parametrize("op,name", [("drop_constraint", "uq_nope"), ("drop_index", "ix_nope")])
def test_dropping_what_the_given_schema_lacks_is_refused(op, name):
    """The DROP would fail on apply: the error names the field and what the table has."""
    change = {"op": op, "table": "users", "name": name}
    with pytest.raises(InvalidRequest) as err:
        generate(dict(migration_tool="flyway", database="postgresql", migration_type="schema",
                      downtime_allowed=True, migration_description="drop", schema=NAMED_SCHEMA, changes=[change]))
    assert err.value.field == "changes.0.name" and "uq_users_email" in err.value.allowed


@pytest.mark.parametrize("database", ["postgresql", "mysql", "sqlserver", "oracle"])
@pytest.mark.parametrize("op,says", [("set_not_null", "already NOT NULL"), ("drop_not_null", "primary key")])
@pytest.mark.parametrize("downtime", [True, False])
def test_nullability_a_primary_key_fixes_is_not_changed(database, op, says, downtime):
    """A table-level PRIMARY KEY makes its columns NOT NULL (the schema reader did not know it):
    DROP NOT NULL on one fails on every database, and SET NOT NULL's rollback (DROP NOT NULL) would."""
    schema = "CREATE TABLE users (id bigint, email varchar(200), PRIMARY KEY (id));"
    with pytest.raises(InvalidRequest) as err:
        generate(dict(migration_tool="flyway", database=database, migration_type="schema", downtime_allowed=downtime,
                      migration_description="id nullability", schema=schema,
                      changes=[{"op": op, "table": "users", "column": "id"}]))
    assert err.value.field == "changes.0.column" and says in str(err.value)


def test_an_unnamed_constraint_may_carry_the_name_the_database_gave_it():
    """`orders_user_id_fkey` is PostgreSQL's name for an inline REFERENCES: not refused."""
    schema = ("CREATE TABLE users (id bigint PRIMARY KEY); "
              "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));")
    result = generate(dict(migration_tool="flyway", database="postgresql", migration_type="schema",
                           downtime_allowed=True, migration_description="drop fk", schema=schema,
                           changes=[{"op": "drop_constraint", "table": "orders", "name": "orders_user_id_fkey"}]))
    assert "DROP CONSTRAINT orders_user_id_fkey" in result.migration_script.content
