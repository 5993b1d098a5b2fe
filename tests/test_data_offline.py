"""T2 data migrations on SQL Server and Oracle, which have no server here: the WHILE batch and
the PL/SQL block are judged by an outside parser (sqlfluff's T-SQL and Oracle grammars), every
statement inside them by sqlglot (the gate), and the real Liquibase and Alembic produce them
offline, forward and rollback; deterministic and within the T2 budget."""
from __future__ import annotations

import re

import pytest
from sqlfluff.core import Linter

from dbmig.api import generate
from dbmig.tokens import BUDGET
from dbmig.server.fit import sent_tokens
from dbmig.runners import liquibase as lb
from dbmig.runners.alembic import offline_sql

from .conftest import liquibase_bin
from .test_alembic import plan_for, planned
from .test_liquibase import HEAD

DATABASES = ["sqlserver", "oracle"]
TOOLS = ["flyway", "liquibase", "alembic"]
SQLFLUFF = {"sqlserver": "tsql", "oracle": "oracle"}
SCHEMA = {
    "sqlserver": "CREATE TABLE people (id INT PRIMARY KEY, full_name NVARCHAR(200), email NVARCHAR(200) NOT NULL, "
                 "score INT NOT NULL, note NVARCHAR(50))",
    "oracle": "CREATE TABLE people (id NUMBER(10) PRIMARY KEY, full_name VARCHAR2(200), email VARCHAR2(200) NOT NULL, "
              "score NUMBER(10) NOT NULL, note VARCHAR2(50))",
}
SUBSTRING = {"sqlserver": "SUBSTRING", "oracle": "SUBSTR"}


def cases(database: str) -> dict[str, list[dict]]:
    add = {"op": "add_column", "table": "people", "column": {"name": "region", "type": "varchar(20)"}}
    fill = {"op": "backfill", "table": "people", "column": "region", "pause_ms": 250,
            "value": f"UPPER({SUBSTRING[database]}(email, 1, 2))"}
    split = {"op": "split_column", "table": "people", "column": "full_name", "into": ["first_name", "last_name"],
             "separator": " ", "batch_size": 2000}
    return {
        "hybrid_backfill": [add, fill, {"op": "set_not_null", "table": "people", "column": "region"}],
        "update_rows": [{"op": "update_rows", "table": "people", "set": {"score": "score + 1", "note": "'bumped'"},
                         "where": "score < 500", "batch_size": 2500}],
        "split_column": [dict(split, on_unsplittable="abort")],      # the guard
        "split_keep_in_first": [split],                                 # the default
    }


def request(case: str, tool: str, database: str, fmt: str = "xml") -> dict:
    return dict(migration_tool=tool, database=database, migration_type="hybrid", downtime_allowed=True,
                migration_description=f"t2 {case.replace('_', ' ')}", author="dbmig-tests",
                schema=SCHEMA[database], table_rows={"people": 100_000}, changes=cases(database)[case],
                **({"liquibase_format": fmt} if tool == "liquibase" else {}))


ALL = [(c, t, d) for d in DATABASES for t in TOOLS for c in sorted(cases(d))]


@pytest.mark.parametrize("case,tool,database", ALL)
def test_deterministic_and_within_t2_budget(case, tool, database):
    a, b = generate(request(case, tool, database)), generate(request(case, tool, database))
    assert [(f.filename, f.content) for f in a.files] == [(f.filename, f.content) for f in b.files]
    assert a.tier.value == "T2"
    assert sent_tokens(a) <= BUDGET["T2"]


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("case", sorted(cases("oracle")))
def test_flyway_scripts_parse_as_tsql_and_plsql(case, database):
    """Whole V and U scripts, GO and '/' included, parse with sqlfluff; the loop is there."""
    files = {f.filename: f.content for f in generate(request(case, "flyway", database)).files}
    scripts = {n: c for n, c in files.items() if n.endswith(".sql")}
    for name, content in scripts.items():
        violations = Linter(dialect=SQLFLUFF[database]).parse_string(content).violations
        assert not violations, f"{name}: {violations[0].desc()[:300]}"
    loop = "WHILE 1 = 1" if database == "sqlserver" else "  LOOP\n"
    assert any(loop in c for c in scripts.values())
    # each batch commits on its own: the script must not run inside Flyway's transaction
    looped = [n for n, c in scripts.items() if loop in c]
    assert all(files.get(f"{n}.conf") == "executeInTransaction=false\n" for n in looped), looped


def test_sqlfluff_catches_a_broken_block():
    """The judge can fail: the same loop with one keyword wrong does not parse."""
    for database, broken in (("sqlserver", ("WHILE 1 = 1\nBEGIN", "WHILE 1 = 1\n")),
                             ("oracle", ("dbmig_lo := dbmig_hi", "dbmig_lo = dbmig_hi"))):
        files = generate(request("update_rows", "flyway", database)).files
        content = next(f.content for f in files if broken[0] in f.content)
        assert Linter(dialect=SQLFLUFF[database]).parse_string(content.replace(*broken)).violations


@pytest.mark.parametrize("database", DATABASES)
def test_loop_shape(database):
    """Keyset batches (never OFFSET), a commit per batch, the rows locked, the pause, the guard;
    a backup only where the rollback needs one (not for the column the request adds)."""
    content = "\n".join(f.content for f in generate(request("hybrid_backfill", "flyway", database)).files)
    assert "dbmig_bak" not in content.lower()
    for case in ("split_column", "update_rows"):
        content += "\n".join(f.content for f in generate(request(case, "flyway", database)).files)
    assert "OFFSET" not in content.upper()
    if database == "sqlserver":
        assert "TOP (1000)" in content and "WITH (UPDLOCK, ROWLOCK)" in content
        assert "WAITFOR DELAY '00:00:00.250'" in content and "THROW 50000" in content
        assert "IF OBJECT_ID('dbmig_bak_people_note_score', N'U') IS NULL CREATE TABLE" in content
    else:
        assert "FETCH FIRST 1000 ROWS ONLY" in content and "FOR UPDATE) LOOP NULL; END LOOP" in content
        assert "DBMS_SESSION.SLEEP(0.25)" in content and "RAISE_APPLICATION_ERROR(-20001" in content
        assert "IF SQLCODE != -955 THEN RAISE;" in content
    assert content.count("COMMIT;") >= 2


# --- the real Liquibase and Alembic, offline ---------------------------------------------------

def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.liquibase
@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("fmt", ["xml", "yaml", "sql"])
def test_liquibase_offline_update_and_rollback(fmt, database, tmp_path):
    liquibase_bin()
    files, includes = {}, []
    for case in sorted(cases(database)):
        for f in generate(request(case, "liquibase", database, fmt)).files:
            files[f"cases/{case}/{f.filename}"] = f.content
            if not f.filename.endswith(".rollback.sql"):
                includes.append(f'<include file="cases/{case}/{f.filename}"/>')
    files["changelog.xml"] = f'<databaseChangeLog {HEAD}>{"".join(includes)}</databaseChangeLog>'
    lb.validate(files, tmp_path, database)
    forward, rollback = (_flat(lb.offline_update_sql(files, tmp_path, database)),
                         _flat(lb.offline_rollback_sql(files, tmp_path, database)))
    for case in cases(database):
        steps = plan_for(request(case, "liquibase", database, fmt)).steps
        # the data steps' SQL verbatim (schema steps may become native changes)
        for sql in planned(steps, lambda s: s.forward):
            assert "dbmig_" not in sql or _flat(sql) in forward, f"{case}: Liquibase does not run {sql[:200]}"
        for sql in planned(list(reversed(steps)), lambda s: s.reverse):
            assert "dbmig_" not in sql or _flat(sql) in rollback, f"{case}: no rollback with {sql[:200]}"


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("case", sorted(cases("oracle")))
def test_alembic_offline_emits_the_loops(case, database, tmp_path):
    """`alembic upgrade --sql` prints the SQL loop (it reads no data offline) and the downgrade
    the restore loop, verbatim (the Flyway test parses the same blocks with sqlfluff)."""
    req = request(case, "alembic", database)
    files = {f.filename: f.content for f in generate(req).files}
    sql = offline_sql(files, tmp_path, database)
    steps = plan_for(req).steps
    for text, expected in ((sql.upgrade, planned(steps, lambda s: s.forward)),
                           (sql.downgrade, planned(list(reversed(steps)), lambda s: s.reverse))):
        for statement in expected:     # the data steps' SQL verbatim (schema steps may be op.* calls)
            assert "dbmig_" not in statement or _flat(statement) in _flat(text), statement[:200]
