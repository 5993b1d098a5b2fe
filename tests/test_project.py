"""Project-aware dbmig without a database: layouts, chaining, replay gaps, writing, bad input,
validation with history context, and the MCP tools over stdio."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from dbmig.api import generate
from dbmig.cli import main as cli
from dbmig.errors import DbmigError, UnsafeRollback
from dbmig.project import inspect_project, load_project, replay_offline, write_migration
from dbmig.project.flyway import next_version
from dbmig.project.lint import validate_project
from dbmig.schema import parse_schema

from .test_mcp_stdio import check_structured, listed, run

SAMPLES = Path(__file__).parent / "projects"
ADD = {"op": "add_column", "table": "customers", "column": {"name": "tier", "type": "varchar(10)"}}


def req(root, **extra) -> dict:
    return dict(project_dir=str(root), migration_type="schema", downtime_allowed=True,
                migration_description="add customer tier", changes=[ADD]) | extra


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)
    return root


def copy(tool: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLES / tool, tmp_path / tool))


def error(fn, *args, **kwargs) -> DbmigError:
    with pytest.raises(DbmigError) as e:
        fn(*args, **kwargs)
    return e.value


# --- Flyway --------------------------------------------------------------------------------------

@pytest.mark.parametrize("last, expected", [
    (None, "1"), ("17", "18"), ("007", "008"), ("1.2.3", "1.2.4"), ("1_2_9", "1_2_10"), ("2.0", "2.1"),
    ("20240501103000", "20240501103001"), ("20240501235959", "20240502000000"), ("202405011030", "202405011031"),
    ("20240131", "20240201"), ("99999999", "100000000")])
def test_flyway_next_version_keeps_the_project_style(last, expected):
    assert next_version(last) == expected


def test_flyway_toml_classpath_location_and_underscore_versions(tmp_path):
    root = tree(tmp_path, {
        "flyway.toml": '[environments.default]\nurl = "jdbc:mariadb://db:3306/shop"\n\n'
                       '[flyway]\nlocations = ["classpath:db/migration"]\n',
        "src/main/resources/db/migration/V1_1_0__init.sql": "CREATE TABLE customers (id bigint PRIMARY KEY);\n",
        "src/main/resources/db/migration/V1_1_1__more.sql": "ALTER TABLE customers ADD COLUMN name varchar(20);\n"})
    project = load_project(root)
    assert (project.database.value, project.database.source) == ("mysql", "flyway.toml:2")
    assert project.locations == ["src/main/resources/db/migration"] and project.next.version == "1_1_2"
    result = generate(req(root))
    assert result.migration_script.filename == "V1_1_2__add_customer_tier.sql"
    assert "`name`" in result.rollback_script.content or "DROP COLUMN tier" in result.rollback_script.content


def test_flyway_repeatable_scripts_replay_after_versioned_ones(tmp_path):
    root = tree(tmp_path, {"flyway.conf": "flyway.url=jdbc:postgresql://x/y\nflyway.locations=filesystem:sql\n",
                           "sql/R__a_view.sql": "CREATE OR REPLACE VIEW v AS SELECT id FROM t;\n",
                           "sql/V2__add.sql": "ALTER TABLE t ADD COLUMN b int;\n",
                           "sql/V1__t.sql": "CREATE TABLE t (id int PRIMARY KEY);\n"})
    project = load_project(root)
    assert [m.path for m in project.history] == ["sql/V1__t.sql", "sql/V2__add.sql", "sql/R__a_view.sql"]
    replay = replay_offline(project, "postgresql")
    assert list(replay.schema.table("t").columns) == ["id", "b"] and not replay.unmodelled
    assert [u.reason for u in replay.outside] == ["views are outside dbmig's schema model"]


def test_a_baseline_taken_with_pg_dump_replays_whole(tmp_path):
    """Many projects start from `pg_dump --schema-only` as V1: its psql `\\restrict` line, OWNER TO
    and the identity pg_dump adds by ALTER TABLE made every table unknown."""
    from tests.test_schema_dumps import PG_DUMP
    root = tree(tmp_path, {"flyway.conf": "flyway.url=jdbc:postgresql://h/db\nflyway.locations=filesystem:sql\n",
                           "sql/V1__baseline.sql": PG_DUMP,
                           "sql/V2__more.sql": "ALTER TABLE t ADD COLUMN note text;\n"})
    replay = replay_offline(load_project(root), "postgresql")
    assert not replay.unmodelled and not replay.unknown
    t = replay.schema.table("t")
    assert list(t.columns) == ["id", "code", "note"] and t.columns["id"].identity == "serial"
    assert replay.schema.table("u").columns["id"].identity == "always"


def test_explicit_version_already_in_history_is_refused():
    e = error(generate, req(SAMPLES / "flyway", version="17"))
    assert e.field == "version" and "already" in e.message


# --- Alembic ------------------------------------------------------------------------------------------

ALEMBIC_INI = "[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://u@h/db\n"


def revision(rev: str, down, labels=None, body: str = "pass") -> str:
    return (f'"""{rev}\n\nRevision ID: {rev}\nCreate Date: 2024-02-0{len(rev) % 9 + 1} 10:00:00\n"""\n'
            f"from alembic import op\nimport sqlalchemy as sa\n\nrevision = {rev!r}\ndown_revision = {down!r}\n"
            f"branch_labels = {labels!r}\n\n\ndef upgrade():\n    {body}\n\n\ndef downgrade():\n    pass\n")


def test_alembic_two_heads_is_a_structured_error_naming_them(tmp_path):
    root = tree(tmp_path, {"alembic.ini": ALEMBIC_INI,
                           "migrations/versions/a_base.py": revision(
                               "a1", None, body='op.create_table("customers", sa.Column("id", sa.Integer(), '
                                                'primary_key=True))'),
                           "migrations/versions/b_one.py": revision("b2", "a1"),
                           "migrations/versions/c_two.py": revision("c3", "a1", ("audit",))})
    e = error(generate, req(root))
    assert e.field == "down_revision" and set(e.allowed) == {"b2", "c3"}
    assert "alembic merge" in e.suggestion and "b2 c3" in e.suggestion
    chosen = generate(req(root, down_revision="c3"))          # an explicit parent is used as given
    assert "down_revision = 'c3'" in chosen.migration_script.content
    assert error(generate, req(root, down_revision="zz")).field == "down_revision"


def test_alembic_head_after_merge_and_file_template(tmp_path):
    root = copy("alembic", tmp_path)
    project = load_project(root)
    assert project.next.heads == ["f615a48954ad"] and project.next.down_revision == "f615a48954ad"
    merge = next(m for m in project.history if len(m.parents) == 2)
    position = {m.version: n for n, m in enumerate(project.history)}
    assert all(position[p] < position[merge.version] for p in merge.parents)
    result, place, written = write_migration(req(root))
    assert "down_revision = 'f615a48954ad'" in result.migration_script.content
    assert written[0].startswith("migrations/versions/20240320_") and written[0].endswith("_add_customer_tier.py")
    assert load_project(root).next.heads != project.next.heads       # the new revision is the head now


def test_alembic_history_file_that_does_not_parse_names_file_and_line(tmp_path):
    root = tree(tmp_path, {"alembic.ini": ALEMBIC_INI,
                           "migrations/versions/a_base.py": revision("a1", None),
                           "migrations/versions/b_bad.py": "revision = 'b2'\ndown_revision = 'a1'\ndef upgrade(:\n"})
    e = error(load_project, root)
    assert e.to_dict()["file"] == "migrations/versions/b_bad.py" and e.to_dict()["line"] == 3


def test_alembic_ops_sources_does_not_translate_are_replayed(tmp_path):
    body = ('op.create_table("t", sa.Column("id", sa.BigInteger(), nullable=False), '
            'sa.Column("code", sa.String(length=8), nullable=False), sa.PrimaryKeyConstraint("id"), '
            'sa.UniqueConstraint("code", name="uq_t_code"))\n'
            '    op.create_index(op.f("ix_t_code"), "t", ["code"])\n'
            '    op.alter_column("t", "code", existing_type=sa.String(length=8), nullable=True)\n'
            '    op.drop_constraint("uq_t_code", "t", type_="unique")\n'
            '    op.execute(f"UPDATE audit SET code = {1}")')
    root = tree(tmp_path, {"alembic.ini": ALEMBIC_INI, "migrations/versions/a.py": revision("a1", None, body=body)})
    replay = replay_offline(load_project(root), "postgresql")
    t = replay.schema.table("t")
    assert str(t.columns["code"].type) == "varchar(8)" and t.columns["code"].nullable
    assert t.primary_key == ["id"] and "ix_t_code" in t.indexes
    assert not any(c.name == "uq_t_code" for c in t.constraints.values())
    assert t.columns["id"].identity == "serial" and t.columns["id"].default is None    # SQLAlchemy's SERIAL
    line = revision("a1", None, body=body).splitlines().index('    op.execute(f"UPDATE audit SET code = {1}")') + 1
    assert [(u.file, u.line) for u in replay.unmodelled] == [("migrations/versions/a.py", line)]


# --- Liquibase ----------------------------------------------------------------------------------------

def test_liquibase_include_all_folder_gets_a_name_that_sorts_last(tmp_path):
    root = tree(tmp_path, {
        "liquibase.properties": "changeLogFile=changelog/master.yaml\nurl=jdbc:postgresql://h/db\n",
        "changelog/master.yaml": "databaseChangeLog:\n  - includeAll:\n      path: changes/\n"
                                 "      relativeToChangelogFile: true\n",
        "changelog/changes/001_customers.sql": "--liquibase formatted sql\n--changeset ann:1\n"
                                             "CREATE TABLE customers (id bigint PRIMARY KEY);\n",
        "changelog/changes/002_name.yaml": "databaseChangeLog:\n  - changeSet:\n      id: 2\n      author: ann\n"
                                          "      changes:\n        - addColumn:\n            tableName: customers\n"
                                          "            columns:\n              - column:\n                  name: name\n"
                                          "                  type: varchar(40)\n"})
    project = load_project(root)
    assert project.next.include_all and project.next.format == "yaml"
    assert list(replay_offline(project, "postgresql").schema.table("customers").columns) == ["id", "name"]
    master = (root / "changelog/master.yaml").read_text()
    result, place, written = write_migration(req(root))
    assert written == ["changelog/changes/003_add_customer_tier.yaml"]
    assert [s["filename"] for s in place.as_dict()["skipped"]] == [result.rollback_script.filename]
    assert (root / "changelog/master.yaml").read_text() == master      # includeAll picks it up
    assert sorted(os.listdir(root / "changelog/changes"))[-1] == "003_add_customer_tier.yaml"


def test_liquibase_yaml_master_gets_an_include_and_t3_phases_chain(tmp_path):
    root = tree(tmp_path, {
        "liquibase.properties": "changeLogFile: master.yaml\nurl: jdbc:postgresql://h/db\n",
        "master.yaml": "databaseChangeLog:\n  - include:\n      file: log/a.xml\n",
        "log/a.xml": '<databaseChangeLog><changeSet id="1" author="x"><createTable tableName="customers">'
                     '<column name="id" type="bigint"><constraints primaryKey="true"/></column>'
                     '<column name="name" type="varchar(40)"/></createTable></changeSet></databaseChangeLog>'})
    rename = {"op": "rename_column", "table": "customers", "column": "name", "new_name": "full_name"}
    result, place, written = write_migration(req(root, downtime_allowed=False, changes=[rename],
                                                 migration_description="rename name"))
    phases = [p.name for p in result.phases]
    assert len(phases) > 1 and [w for w in written if w.endswith(".xml")] == \
        [f"log/changelog-rename_name-{i + 1}-{p}.xml" for i, p in enumerate(phases)]
    master = (root / "master.yaml").read_text()
    assert master.count("- include:") == 1 + len(phases)
    assert master.index("-1-expand") < master.index(f"-{len(phases)}-")


def test_liquibase_malformed_changelog_names_file_and_line(tmp_path):
    root = tree(tmp_path, {"liquibase.properties": "changeLogFile=master.xml\n",
                           "master.xml": '<databaseChangeLog>\n  <include file="a.xml"/>\n</databaseChangeLog>\n',
                           "a.xml": "<databaseChangeLog>\n<changeSet id='1' author='x'>\n</databaseChangeLog>\n"})
    e = error(inspect_project, str(root), database="postgresql")
    assert (e.to_dict()["file"], e.to_dict()["line"]) == ("a.xml", 3)


# --- replay gaps become unknown tables, and the plan says so ------------------------------------------------

def test_unmodelled_statements_are_listed_and_their_tables_unknown(tmp_path):
    root = tree(tmp_path, {"flyway.conf": "flyway.url=jdbc:postgresql://h/db\nflyway.locations=filesystem:sql\n",
                           "sql/V1__t.sql": "CREATE TABLE customers (id int PRIMARY KEY, email text, tags text);\n"
                                            "CREATE TABLE orders (id int PRIMARY KEY);\n",
                           "sql/V2__odd.sql": "ALTER TABLE customers OF customer_type;\n"
                                              "DO $$ BEGIN EXECUTE 'ALTER TABLE orders ADD x int'; END $$;\n"
                                              "CREATE TABLE points (LIKE customers);\n"})
    replay = replay_offline(load_project(root), "postgresql")
    assert [(u.line, u.tables) for u in replay.unmodelled] == [(1, ["customers"]), (2, ["orders"]), (3, ["points"])]
    assert set(replay.unknown) == {"customers", "orders", "points"} and not replay.schema.tables
    drop = {"op": "drop_column", "table": "customers", "column": "tags"}
    assert isinstance(error(generate, req(root, changes=[drop])), UnsafeRollback)   # no guessed type
    result = generate(req(root))
    assert any("treated as unknown" in w and "sql/V2__odd.sql:1" in w for w in result.warnings)


def test_replayed_schema_round_trips_through_the_schema_argument():
    for tool in ("flyway", "liquibase", "alembic"):
        for database in ("postgresql", "mysql"):
            from dbmig.project.ddl import schema_sql
            replay = replay_offline(load_project(SAMPLES / tool), database)
            parsed = parse_schema(schema_sql(replay.schema, database), {"postgresql": "postgres"}.get(database, database))
            assert set(parsed.tables) == set(replay.schema.tables) and len(parsed.tables) >= 7


def test_same_project_same_scripts_wherever_it_lives(tmp_path):
    a = generate(req(SAMPLES / "alembic"))
    b = generate(req(copy("alembic", tmp_path)))
    assert [(f.filename, f.content) for f in a.files] == [(f.filename, f.content) for f in b.files]


# --- writing: never overwrite, nothing partial; paths stay inside -------------------------------------------

def test_collision_is_an_error_and_nothing_is_written(tmp_path):
    root = copy("flyway", tmp_path)       # an undo script is no history: V18 is next, U18 is taken
    (root / "sql/migrations/U18__add_customer_tier.sql").write_text("-- mine\n")
    before = {p: p.read_bytes() for p in root.rglob("*")if p.is_file()}
    e = error(write_migration, req(root))
    assert "exists already" in e.message
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_symlinks_and_paths_leaving_the_project_are_refused(tmp_path):
    outside = tree(tmp_path / "outside", {"V1__x.sql": "CREATE TABLE x (id int);\n"})
    root = tree(tmp_path / "p", {"flyway.conf": "flyway.url=jdbc:postgresql://h/db\nflyway.locations=filesystem:../outside\n"})
    assert "leaves project_dir" in error(load_project, root).message
    (root / "flyway.conf").write_text("flyway.url=jdbc:postgresql://h/db\nflyway.locations=filesystem:sql\n")
    (root / "sql").symlink_to(outside)
    assert "symlink" in error(load_project, root).message
    lb = tree(tmp_path / "lb", {"liquibase.properties": "changeLogFile=m.xml\n",
                                "m.xml": '<databaseChangeLog>\n<include file="../../etc/passwd"/>\n</databaseChangeLog>'})
    e = error(load_project, lb)
    assert "leaves project_dir" in e.message and e.to_dict()["line"] == 2


@pytest.mark.parametrize("files, message", [
    ({}, "no migration project found"),
    ({"flyway.conf": "flyway.locations=filesystem:nowhere\n"}, "folder nowhere not found"),
    ({"alembic.ini": "[alembic]\nscript_location = m\n", "flyway.conf": ""}, "several tools"),
])
def test_unknown_layouts_are_structured_errors(tmp_path, files, message):
    e = error(load_project, tree(tmp_path, files))
    assert message in e.message and e.field in ("project_dir", "migration_tool")
    assert error(load_project, tmp_path / "missing").field == "project_dir"


def test_cli_write_prints_what_it_wrote_and_the_next_command(tmp_path, capsys):
    root = copy("flyway", tmp_path)
    args = ["generate", "--project", str(root), "--type", "schema", "--downtime-allowed",
            "--description", "add customer tier", "--changes", json.dumps([ADD]), "--write"]
    assert cli(args) == 0
    out = capsys.readouterr().out
    assert f"wrote {root}/sql/migrations/V18__add_customer_tier.sql" in out
    assert out.strip().endswith(f"next: cd {root} && flyway migrate")
    assert cli(args) == 2                 # the same again: the column exists now (replayed from V18)
    assert cli(["inspect", "--project", str(root), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["next"]["version"] == "19" and "tier" in [c["name"] for c in
                                                             report["schema"]["tables"]["customers"]["columns"]]


def test_cli_in_a_project_folder_reads_it_as_the_tools_do(tmp_path, monkeypatch, capsys):
    """Run from the folder holding flyway.conf, as `flyway migrate` is, dbmig reads the project
    without --project: tool, database and next version come from it; --no-project ignores it."""
    monkeypatch.chdir(copy("flyway", tmp_path))
    generate_args = ["generate", "--type", "schema", "--downtime-allowed", "--description", "add customer tier",
                     "--changes", json.dumps([ADD]), "--out", str(tmp_path / "out")]
    assert cli(generate_args) == 0
    captured = capsys.readouterr()
    assert "reading the project in this folder (flyway.conf)" in captured.err
    assert "dbmig T1: flyway / postgresql" in captured.out
    assert (tmp_path / "out" / "V18__add_customer_tier.sql").is_file()
    assert cli(["validate", "--format", "json", "sql/migrations/V17__products_stock.sql"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["context"]["history"] == 19 and {f["file"] for f in report["findings"]} == {
        "sql/migrations/V17__products_stock.sql"}
    assert cli(["validate", "--no-project", "sql/migrations/V17__products_stock.sql"]) == 2
    assert "database: give --database" in capsys.readouterr().err
    # a --tool this folder has no config for: the folder is not taken for that tool's project
    assert cli(generate_args[:1] + ["--tool", "alembic", "--database", "postgresql"] + generate_args[1:]) == 0
    assert "reading the project" not in capsys.readouterr().err


# --- validation with the history as context --------------------------------------------------------------

def test_history_context_removes_a_false_positive_a_single_file_cannot_avoid(tmp_path):
    root = tree(tmp_path, {
        "flyway.conf": "flyway.url=jdbc:postgresql://h/db\nflyway.locations=filesystem:sql\n",
        "sql/V1__orders.sql": "CREATE TABLE orders (id bigint PRIMARY KEY, status text);\n",
        "sql/V2__check.sql": "SET lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT orders_status_nn "
                             "CHECK (status IS NOT NULL) NOT VALID;\n",
        "sql/V3__validate.sql": "SET lock_timeout = '5s';\nALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;\n"})
    pending = {"filename": "sql/V4__not_null.sql",
               "content": "SET lock_timeout = '5s';\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;\n"}
    from dbmig.lint import validate_migration
    alone = validate_migration([pending], "postgresql", "flyway")
    assert "PG003-set-not-null" in [f["rule_id"] for f in alone["findings"]]
    report = validate_project(str(root), [pending], None, None, None)
    assert "PG003-set-not-null" not in [f["rule_id"] for f in report["findings"]]
    index = {"filename": "sql/V4__index.sql", "content": "CREATE INDEX ix_status ON orders (status);\n"}
    found = [f["rule_id"] for f in validate_project(str(root), [index], None, None, None)["findings"]]
    assert "PG001-index-not-concurrent" in found          # orders was created by an applied migration


# --- MCP -------------------------------------------------------------------------------------------------

def test_inspect_project_over_mcp_on_each_sample():
    expected = {"flyway": ("next", "version", "18"), "alembic": ("next", "down_revision", "f615a48954ad"),
                "liquibase": ("next", "master", "db/changelog/db.changelog-master.xml")}

    async def test(client):
        tools = await listed(client)
        assert tools["inspect_project"].annotations.read_only_hint is True
        w = tools["write_migration"].annotations
        assert (w.read_only_hint, w.idempotent_hint, w.destructive_hint) == (False, False, False)
        for tool, (part, key, value) in expected.items():
            result = await client.call_tool("inspect_project", {"project_dir": str(SAMPLES / tool)})
            body = check_structured(result, tools["inspect_project"])
            assert (body["tool"], body["database"]["value"], body[part][key]) == (tool, "postgresql", value)
            assert {"customers", "orders", "order_items", "products", "payments", "promotions"} <= \
                set(body["schema"]["tables"])
        gen = await client.call_tool("generate_migration", req(SAMPLES / "flyway"))
        assert check_structured(gen, tools["generate_migration"])["migration_script"]["filename"] == \
            "V18__add_customer_tier.sql"
        bad = await client.call_tool("inspect_project", {"project_dir": "/nonexistent/dbmig"})
        assert bad.is_error and json.loads(bad.content[0].text)["field"] == "project_dir"
    run(test)


def test_database_and_version_come_from_the_tools_own_config(tmp_path):
    root = tree(tmp_path / "a", {"alembic.ini": "[alembic]\nscript_location = db\n",
                                 "db/env.py": 'from alembic import context\n\nURL = "mariadb+pymysql://app@db/shop"\n',
                                 "db/versions/a.py": revision("a1", None)})
    project = load_project(root)
    assert (project.database.value, project.database.source) == ("mysql", "db/env.py:3")
    tc = tree(tmp_path / "f", {"flyway.conf": "flyway.url=jdbc:tc:postgresql:15.4:///shop\n"
                                              "flyway.locations=filesystem:sql\n", "sql/V1__a.sql": "SELECT 1;\n"})
    project = load_project(tc)
    assert (project.database.value, project.database_version.value) == ("postgresql", "15.4")
    assert generate(req(tc, changes=[{"op": "create_table", "table": "t", "columns": [
        {"name": "id", "type": "bigint", "primary_key": True}]}])).migration_script.filename == "V2__add_customer_tier.sql"


def test_liquibase_changeset_ids_stay_unique_across_the_history(tmp_path):
    root = copy("liquibase", tmp_path)
    result = generate(req(root))
    taken = result.migration_script.content.split('changeSet id="')[1].split('"')[0]
    log = root / "db/changelog/changes/006-customer-phone.yaml"
    log.write_text(log.read_text().replace("id: 006-1", f"id: {taken}"))
    e = error(write_migration, req(root))
    assert taken in e.message and "006-customer-phone.yaml" in e.message


def test_t3_phases_chain_onto_the_project(tmp_path):
    rename = {"op": "rename_column", "table": "customers", "column": "phone", "new_name": "phone_number"}
    flyway = generate(req(SAMPLES / "flyway", downtime_allowed=False, changes=[rename], migration_description="x"))
    versions = [f.filename.split("__")[0] for p in flyway.phases for f in p.files if f.filename.startswith("V")
                and f.filename.endswith(".sql")]
    assert versions and all(v.startswith("V18.") for v in versions) and versions == sorted(versions)
    alembic = generate(req(SAMPLES / "alembic", downtime_allowed=False, changes=[rename], migration_description="x"))
    chain = [(f.content.split("revision = '")[1].split("'")[0], f.content.split("down_revision = ")[1].split("\n")[0])
             for p in alembic.phases for f in p.files if f.filename.endswith(".py")]
    assert chain[0][1] == "'f615a48954ad'" and all(f"'{a[0]}'" == b[1] for a, b in zip(chain, chain[1:]))


def test_tool_changes_that_become_no_statement_are_reported_not_skipped(tmp_path):
    lb = tree(tmp_path / "lb", {
        "liquibase.properties": "changeLogFile=master.xml\nurl=jdbc:postgresql://h/db\n",
        "master.xml": '<databaseChangeLog>\n<include file="a.xml"/>\n</databaseChangeLog>\n',
        "a.xml": '<databaseChangeLog>\n<changeSet id="1" author="x">\n<createTable tableName="t">'
                 '<column name="id" type="int"/><column name="b" type="int"><constraints nullable="false"/>'
                 '</column></createTable>\n</changeSet>\n<changeSet id="2" author="x">\n'
                 '<dropNotNullConstraint tableName="t" columnName="b"/>\n'
                 '<createView viewName="v">SELECT 1</createView>\n</changeSet>\n'
                 '<changeSet id="3" author="x" dbms="oracle">\n<dropPrimaryKey tableName="t"/>\n</changeSet>\n'
                 '</databaseChangeLog>\n'})
    replay = replay_offline(load_project(lb), "postgresql")
    assert [(u.line, u.statement, u.tables) for u in replay.unmodelled] == [(6, "<dropNotNullConstraint>", ["t"])]
    assert [u.statement for u in replay.outside] == ["<createView>"] and "t" in replay.unknown
    al = tree(tmp_path / "al", {"alembic.ini": ALEMBIC_INI, "migrations/versions/a.py": revision(
        "a1", None, body='op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True))\n'
                         '    op.create_exclude_constraint("ex_t", "t", ("id", "="))')})
    replay = replay_offline(load_project(al), "postgresql")
    assert [(u.statement, u.tables) for u in replay.unmodelled] == [('op.create_exclude_constraint("ex_t", "t", '
                                                                     '("id", "="))', ["t"])]


def test_flyway_placeholders_are_replaced_as_flyway_does(tmp_path):
    """`${name}` from the config's placeholders, Flyway's own `${flyway:...}` values, custom
    prefix/suffix in flyway.toml; a placeholder with no value leaves its statement unmodelled."""
    root = tree(tmp_path / "conf", {
        "flyway.conf": "flyway.url=jdbc:postgresql://h/db\nflyway.locations=filesystem:sql\nflyway.user=shop\n"
                       "flyway.placeholders.tbl=customers\nflyway.placeholders.width=40\n",
        "sql/V1__t.sql": "CREATE TABLE ${tbl} (id int PRIMARY KEY, name varchar(${width}));\n"
                         "CREATE TABLE audit_${flyway:user} (id int PRIMARY KEY);\n",
        "sql/V2__odd.sql": "CREATE TABLE ${missing} (id int PRIMARY KEY);\n"})
    replay = replay_offline(load_project(root), "postgresql")
    assert str(replay.schema.table("customers").columns["name"].type) == "varchar(40)"
    assert replay.schema.table("audit_shop") is not None
    assert [u.file for u in replay.unmodelled] == ["sql/V2__odd.sql"]
    toml = tree(tmp_path / "toml", {
        "flyway.toml": '[environments.default]\nurl = "jdbc:postgresql://h/db"\n\n[flyway]\n'
                       'locations = ["filesystem:sql"]\nplaceholderPrefix = "#["\nplaceholderSuffix = "]"\n\n'
                       '[flyway.placeholders]\ntbl = "orders"\n',
        "sql/V1__t.sql": "CREATE TABLE #[tbl] (id int PRIMARY KEY, note text DEFAULT '${not_a_placeholder}');\n"})
    replay = replay_offline(load_project(toml), "postgresql")
    assert replay.schema.table("orders") is not None and not replay.unmodelled
    off = tree(tmp_path / "off", {"flyway.conf": "flyway.url=jdbc:postgresql://h/db\nflyway.locations=filesystem:sql\n"
                                                 "flyway.placeholderReplacement=false\nflyway.placeholders.tbl=x\n",
                                  "sql/V1__t.sql": "CREATE TABLE t (id int PRIMARY KEY, note text DEFAULT '${tbl}');\n"})
    assert "${tbl}" in load_project(off).history[0].content


@pytest.mark.parametrize("expression,names,runs", [
    ("x", {"x"}, True), ("Y", {"x", "y"}, True), ("!y", {"x", "y"}, False), ("not y", {"x", "y"}, False),
    ("!a", {"x"}, True), ("a or x", {"x"}, True), ("a and x", {"x"}, False), ("a, x", {"x"}, True),
    ("(a or x) and !b", {"x"}, True), ("(a or x) and !b", {"x", "b"}, False), ("!a and !b or x", {"a", "x"}, True),
    ("prod and !eu", {"prod", "eu"}, False), ("@test", {"test"}, True),
])
def test_liquibase_context_and_label_expressions(expression, names, runs):
    """Liquibase's expression syntax (contexts and label filters): `,` and `or`, `and`, `!`/`not`,
    parentheses; tests/test_project_engines.py holds the replay to the real CLI."""
    from dbmig.sources.liquibase import expression_matches
    assert expression_matches(expression, names) is runs


def test_liquibase_filters_select_as_update_does():
    from dbmig.sources.liquibase import selected
    assert selected("test", "v1", None, None)                  # no filter: every changeSet runs
    assert not selected("test", None, "prod", None) and selected(None, None, "prod", None)
    assert selected(None, None, None, "v2")                    # no labels: passes any label filter
    assert not selected(None, "v1", None, "v2") and selected(None, "v1, v2", None, "v2 and !v3")
