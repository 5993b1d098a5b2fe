"""Every rule's own examples are its tests: each bad example is flagged with that rule id at the
lines marked `[bad]` (line 1 without a marker), each ok example is not flagged by it.
Plus the catalog/docs contract, suppression, input errors, file readers and SARIF."""
from __future__ import annotations

from pathlib import Path

import pytest

from dbmig.errors import InvalidRequest
from dbmig.lint.rules import RULES, Example, catalog, render_docs
from dbmig.lint import to_sarif, validate_migration

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_NAMES = {None: "migration.sql", "flyway": "V1__example.sql", "liquibase": "changelog.xml",
                 "alembic": "a1_example.py"}


def _run(rule_id: str, ex: Example) -> list[dict]:
    rule = RULES[rule_id]
    name = ex.filename or DEFAULT_NAMES[ex.tool]
    files = [*ex.files, {"filename": name, "content": ex.content}]
    report = validate_migration(files, ex.database or rule.databases[0], ex.tool, ex.version, ex.schema)
    return [f for f in report["findings"] if f["rule_id"] == rule_id and f["file"] == name]


def _expected_lines(content: str) -> list[int]:
    marked = [n for n, line in enumerate(content.splitlines(), 1) if "[bad]" in line]
    return marked or [1]


def _cases(kind: str):
    for rule in sorted(RULES.values(), key=lambda r: r.id):
        for n, ex in enumerate(getattr(rule, kind)):
            yield pytest.param(rule.id, ex, id=f"{rule.id}-{kind}{n}")


@pytest.mark.parametrize("rule_id, ex", list(_cases("bad")))
def test_bad_example_is_flagged_at_marked_line(rule_id, ex):
    found = _run(rule_id, ex)
    assert sorted({f["line"] for f in found}) == _expected_lines(ex.content), found


@pytest.mark.parametrize("rule_id, ex", list(_cases("ok")))
def test_ok_example_is_not_flagged(rule_id, ex):
    assert _run(rule_id, ex) == []


def test_every_rule_has_examples_and_a_well_formed_id():
    for rule in RULES.values():
        assert rule.ok and rule.bad, rule.id
        prefix, _, slug = rule.id.partition("-")
        assert prefix[:-3] in {"SRC", "SQL", "PG", "MY", "MS", "OR", "FW", "LB", "AL"} and prefix[-3:].isdigit()
        assert slug == slug.lower() and " " not in slug
        assert rule.message and rule.safe_alternative


def test_docs_are_generated_from_the_rules():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == render_docs(), \
        "docs/rules.md is stale: run `python -m dbmig.lint.rules`"
    ids = [r["id"] for r in catalog()]
    assert len(ids) == len(RULES) and len(set(ids)) == len(ids)
    assert set(catalog()[0]) >= {"id", "severity", "databases", "message", "safe_alternative"}


# --- verdicts, suppression, inputs -------------------------------------------------------------

GENERATED_PG = """-- dbmig: add index orders(customer_id)
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);
"""


def test_generated_style_flyway_index_passes():
    files = [{"filename": "V7__orders_customer_id_idx.sql", "content": GENERATED_PG},
             {"filename": "V7__orders_customer_id_idx.sql.conf", "content": "executeInTransaction=false\n"},
             {"filename": "U7__orders_customer_id_idx.sql",
              "content": "SET lock_timeout = '5s';\nDROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;\n"},
             {"filename": "U7__orders_customer_id_idx.sql.conf", "content": "executeInTransaction=false\n"}]
    report = validate_migration(files, "postgresql", "flyway", "15")
    assert report == {"verdict": "pass", "findings": []}


def test_plain_index_with_downtime_allowed_is_a_warning_not_an_error():
    report = validate_migration([{"filename": "V1__idx.sql", "content": "SET lock_timeout = '5s';\n"
                                  "CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n"}],
                                "postgresql", "flyway")
    assert report["verdict"] == "warn"
    assert {f["rule_id"] for f in report["findings"]} == {"PG001-index-not-concurrent", "FW003-missing-undo",
                                                          "PG022-missing-statement-timeout"}


def test_inline_ignore_comment_suppresses_only_the_named_rule():
    sql = ("-- dbmig:ignore PG001 small lookup table, reviewed\n"
           "CREATE INDEX lookup_code_idx ON lookup (code);\n"
           "CREATE INDEX lookup_name_idx ON lookup (name); -- dbmig:ignore PG001-index-not-concurrent ok\n"
           "CREATE INDEX lookup_kind_idx ON lookup (kind);\n")
    found = validate_migration([{"filename": "m.sql", "content": sql}], "postgresql")["findings"]
    assert [(f["rule_id"], f["line"]) for f in found] == [("PG008-missing-lock-timeout", 2),
                                                          ("PG022-missing-statement-timeout", 2),
                                                          ("PG001-index-not-concurrent", 4)]


def test_ignore_file_comment():
    sql = "-- dbmig:ignore-file PG008 lock_timeout set by the runner\nALTER TABLE t ADD COLUMN c text;\n"
    assert validate_migration([{"filename": "m.sql", "content": sql}], "postgresql")["verdict"] == "pass"


@pytest.mark.parametrize("kwargs, field", [
    ({"database": "sqlite"}, "database"),
    ({"database": "postgresql", "migration_tool": "rails"}, "migration_tool"),
    ({"database": "postgresql", "database_version": "latest"}, "database_version"),
])
def test_bad_input_names_the_field(kwargs, field):
    with pytest.raises(InvalidRequest) as err:
        validate_migration([{"filename": "a.sql", "content": "SELECT 1;"}], **kwargs)
    assert err.value.field == field
    if field != "database_version":
        assert err.value.allowed


def test_no_files_is_bad_input():
    with pytest.raises(InvalidRequest) as err:
        validate_migration([], "postgresql")
    assert err.value.field == "files"


def test_unparseable_statement_is_reported_with_position():
    found = validate_migration([{"filename": "a.sql", "content": "SELECT 1;\nALTER TABLE t ADD COLUMN (;\n"}],
                               "postgresql")["findings"]
    bad = [f for f in found if f["rule_id"] == "SQL001-unparseable"]
    assert bad and bad[0]["line"] == 2


# --- positions inside tool files -------------------------------------------------------------

LIQUIBASE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
  <changeSet id="1" author="ann">
    <createIndex tableName="orders" indexName="orders_customer_idx">
      <column name="customer_id"/>
    </createIndex>
  </changeSet>
  <changeSet id="2" author="ann" runInTransaction="false">
    <sql>
      SET lock_timeout = '5s';
      CREATE INDEX CONCURRENTLY orders_ref_idx ON orders (ref);
    </sql>
    <rollback>DROP INDEX CONCURRENTLY orders_ref_idx;</rollback>
  </changeSet>
  <changeSet id="3" author="ann">
    <sql>CREATE INDEX CONCURRENTLY orders_x_idx ON orders (x);</sql>
    <rollback>DROP INDEX CONCURRENTLY orders_x_idx;</rollback>
  </changeSet>
</databaseChangeLog>
"""


def test_liquibase_xml_lines_point_into_the_changelog():
    found = validate_migration([{"filename": "db.changelog.xml", "content": LIQUIBASE_XML}],
                               "postgresql", "liquibase")["findings"]
    got = {(f["rule_id"], f["line"], f["column"]) for f in found}
    assert ("PG001-index-not-concurrent", 4, 5) in got
    assert ("PG002-concurrently-in-transaction", 16, 23) in got
    assert not any(f["rule_id"] == "PG002-concurrently-in-transaction" and f["line"] == 11 for f in found)


ALEMBIC = '''"""add status"""
from alembic import op
import sqlalchemy as sa

revision = "b2c3"
down_revision = "a1b2"


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column("orders", sa.Column("status", sa.Text(), nullable=False))
    with op.get_context().autocommit_block():
        op.create_index("orders_status_idx", "orders", ["status"], postgresql_concurrently=True)
    op.create_index("orders_ref_idx", "orders", ["ref"], postgresql_concurrently=True)
    op.execute("""
        UPDATE orders SET status = 'new'
    """)


def downgrade():
    op.drop_index("orders_status_idx", postgresql_concurrently=True)
    op.drop_column("orders", "status")
'''


def test_alembic_ops_and_execute_strings_are_located():
    found = validate_migration([{"filename": "b2c3_status.py", "content": ALEMBIC}],
                               "postgresql", "alembic")["findings"]
    got = {(f["rule_id"], f["line"]) for f in found}
    assert ("SQL011-add-not-null-without-default", 11) in got
    assert ("PG002-concurrently-in-transaction", 14) in got
    assert ("PG002-concurrently-in-transaction", 13) not in got
    assert ("SQL004-update-without-where", 16) in got
    assert not any(f["rule_id"] == "SQL008-drop-column" for f in found)    # downgrade drops are expected


def test_liquibase_yaml_and_formatted_sql():
    yaml_log = ("databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: ann\n      changes:\n"
                "        - addColumn:\n            tableName: orders\n            columns:\n"
                "              - column:\n                  name: status\n                  type: text\n"
                "                  constraints:\n                    nullable: false\n")
    found = validate_migration([{"filename": "c.yaml", "content": yaml_log}], "postgresql", "liquibase")
    assert ("SQL011-add-not-null-without-default", 6) in {(f["rule_id"], f["line"]) for f in found["findings"]}
    sql_log = ("--liquibase formatted sql\n\n--changeset ann:1 runInTransaction:false\n"
               "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY i ON orders (a);\n--rollback DROP INDEX i;\n")
    assert validate_migration([{"filename": "c.sql", "content": sql_log}], "postgresql",
                              "liquibase")["verdict"] == "pass"


def test_tsql_go_batches_and_oracle_blocks_split_correctly():
    tsql = ("CREATE INDEX i ON dbo.t (a) WITH (ONLINE = ON)\nGO\nCREATE PROCEDURE p AS BEGIN UPDATE t SET a = 1 "
            "WHERE id = 2; SELECT 1; END\nGO\n")
    found = validate_migration([{"filename": "a.sql", "content": tsql}], "sqlserver")["findings"]
    assert not [f for f in found if f["severity"] != "info"]
    oracle = "BEGIN\n  UPDATE t SET a = 1 WHERE id = 2;\nEND;\n/\nCREATE INDEX i ON t (a);\n"
    found = validate_migration([{"filename": "a.sql", "content": oracle}], "oracle")["findings"]
    assert [(f["rule_id"], f["line"]) for f in found] == [("OR001-index-not-online", 5)]


def test_sarif_output():
    report = validate_migration([{"filename": "a.sql", "content": "TRUNCATE orders;"}], "postgresql")
    sarif = to_sarif(report)
    result = next(r for r in sarif["runs"][0]["results"] if r["level"] == "error")
    assert sarif["version"] == "2.1.0" and result["ruleId"] == "SQL006-truncate"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


# --- CLI exit codes and the pre-commit hook ----------------------------------------------------

def test_validate_exit_codes_follow_fail_on_and_exit_zero(tmp_path, capsys):
    from dbmig.cli import main
    warn = tmp_path / "warn.sql"
    warn.write_text("SET lock_timeout = '5s';\nCREATE INDEX orders_a_idx ON orders (a);\n")
    err = tmp_path / "err.sql"
    err.write_text("TRUNCATE orders;\n")
    base = ["validate", "--database", "postgresql", "--format", "json"]
    assert main([*base, str(warn)]) == 0                        # default: only errors fail
    assert main([*base, "--fail-on", "warning", str(warn)]) == 1
    assert main([*base, str(err)]) == 1
    assert main([*base, "--exit-zero", str(err)]) == 0
    assert main(["validate", "--database", "sqlite", str(err)]) == 2
    capsys.readouterr()


def test_pre_commit_hook_runs_dbmig_validate():
    import yaml
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "dbmig-validate")
    assert hook["entry"] == "dbmig validate" and hook["require_serial"] and hook["language"] == "python"
    import re
    assert re.search(hook["files"], "db/migration/V1__init.sql") and re.search(hook["files"], "db/migration/V1__init.sql.conf")
