"""Project-aware generation on real engines, with the real tools, for each sample project:
apply the history, check the offline replay against the catalog, generate a migration from a
request that names no schema (and no tool or database: the project says), write it into the
project, apply it with the tool, run its validation tests, check it chained (one new entry in
the tool's history table), roll it back and check the schema is the history's again."""
from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest

from dbmig.project import inspect_project, load_project, replay_offline, write_migration
from dbmig.project.catalog import comparable, read_catalog
from dbmig.runners import flyway as flyway_runner
from dbmig.runners import liquibase as liquibase_runner
from dbmig.runners.engines import Scratch

from .conftest import embedded_postgres, liquibase_bin, live_server
from .test_roundtrip import run_tests

SAMPLES = Path(__file__).parent / "projects"
ENGINES = ["postgresql", "mysql"]
TOOL_PARAMS = ["flyway", pytest.param("liquibase", marks=pytest.mark.liquibase), "alembic"]
CHANGE = {"op": "add_column", "table": "customers",
          "column": {"name": "loyalty_points", "type": "integer", "nullable": False, "default": "0"}}


def project_copy(tool: str, tmp_path: Path, scratch: Scratch) -> Path:
    """The sample, pointed at the scratch database as a user would point it at theirs."""
    root = tmp_path / tool
    shutil.copytree(SAMPLES / tool, root)
    config, pattern, url = {
        "flyway": ("flyway.conf", r"^flyway\.url=.*$", f"flyway.url={scratch.jdbc_url()}"),
        "liquibase": ("liquibase.properties", r"^url=.*$", f"url={scratch.jdbc_url()}"),
        "alembic": ("alembic.ini", r"^sqlalchemy\.url = .*$", f"sqlalchemy.url = {scratch.sqlalchemy_url()}"),
    }[tool]
    text = (root / config).read_text()
    (root / config).write_text(re.sub(pattern, url.replace("\\", "\\\\"), text, count=1, flags=re.M))
    return root


# --- each tool, as its users run it ---------------------------------------------------------------

class Flyway:
    """No Flyway binary here: the runner executes V scripts in version order with the database's
    client and keeps a schema history table, then the repeatable scripts, as Flyway orders them."""

    def __init__(self, root: Path, scratch: Scratch):
        self.root, self.scratch = root, scratch

    def files(self) -> dict[str, str]:
        folder = self.root / "sql/migrations"
        return {p.name: p.read_text() for p in folder.iterdir() if p.name.startswith("V")}

    def migrate(self) -> None:
        flyway_runner.upgrade(self.scratch, self.files())
        for p in sorted((self.root / "sql/migrations").glob("R__*.sql"), key=lambda p: p.name[3:]):
            flyway_runner.run_repeatable(self.scratch, p.read_text(), p.name)

    def history(self) -> list:
        rows = self.scratch.query(f"SELECT version FROM {flyway_runner.HISTORY} WHERE version IS NOT NULL")
        return sorted(rows, key=lambda r: tuple(int(p) for p in re.split(r"[._]", r[0])))

    def rollback(self, written: list[str]) -> None:
        undo = {Path(p).name: (self.root / p).read_text() for p in written if Path(p).name.startswith("U")}
        flyway_runner.downgrade(self.scratch, undo)


class Liquibase:
    def __init__(self, root: Path, scratch: Scratch):
        self.root, self.scratch = root, scratch
        self.master = "db/changelog/db.changelog-master.xml"

    def _run(self, *args: str) -> None:
        liquibase_runner.run(self.root, self.master, [f"--url={self.scratch.jdbc_url()}",
                                                      f"--username={self.scratch.server.user}", *args])

    def migrate(self) -> None:
        self._run("update")

    def history(self) -> list:
        table = "databasechangelog" if self.scratch.kind == "postgresql" else "DATABASECHANGELOG"
        return self.scratch.query(f"SELECT id, author, filename FROM {table} ORDER BY orderexecuted")

    def rollback(self, written: list[str]) -> None:
        new = [p for p in written if p.endswith(".xml") and "changes/" in p]
        count = sum(liquibase_runner.changeset_count((self.root / p).read_text(), p) for p in new)
        self._run("rollback-count", f"--count={count}")


class Alembic:
    def __init__(self, root: Path, scratch: Scratch):
        self.root, self.scratch = root, scratch

    def _cfg(self):
        from alembic.config import Config
        cfg = Config(str(self.root / "alembic.ini"))
        cfg.set_main_option("script_location", str(self.root / "migrations"))
        return cfg

    def migrate(self) -> None:
        from alembic import command
        command.upgrade(self._cfg(), "heads")

    def history(self) -> list:
        return self.scratch.query("SELECT version_num FROM alembic_version")

    def rollback(self, written: list[str]) -> None:
        from alembic import command
        command.downgrade(self._cfg(), "-1")


TOOLS = {"flyway": Flyway, "liquibase": Liquibase, "alembic": Alembic}


@contextlib.contextmanager
def applied_sample(tool: str, database: str, tmp_path: Path, label: str):
    """The sample project pointed at a scratch database, its history applied by the tool."""
    server = live_server(database)
    if tool == "liquibase":
        liquibase_bin()
    with server.scratch(f"{label}_{tool[:4]}") as scratch:
        root = project_copy(tool, tmp_path, scratch)
        runner = TOOLS[tool](root, scratch)
        runner.migrate()
        yield scratch, root, runner


def request(root: Path) -> dict:
    return dict(project_dir=str(root), migration_type="schema", downtime_allowed=True,
                migration_description="add loyalty points to customers", changes=[CHANGE])


@pytest.mark.engine
@pytest.mark.parametrize("tool", ["liquibase", "alembic"])
def test_tool_record_under_its_configured_name(tool, tmp_path):
    """Liquibase's databaseChangeLogTableName and Alembic's version_table move the tool's record:
    dbmig reads the project's name for it, so applied and pending stay right."""
    if tool == "liquibase":
        liquibase_bin()
    with live_server("postgresql").scratch("rec_" + tool[:4]) as scratch:
        root = project_copy(tool, tmp_path, scratch)
        runner = TOOLS[tool](root, scratch)
        if tool == "liquibase":
            with (root / "liquibase.properties").open("a") as props:
                props.write("liquibase.databaseChangeLogTableName=app_changelog\n")
            run = runner._run
            runner._run = lambda *args: run("--database-changelog-table-name=app_changelog", *args)
        else:
            env = root / "migrations" / "env.py"
            env.write_text(env.read_text().replace("connection=connection, target_metadata=target_metadata",
                                                   "connection=connection, target_metadata=target_metadata, "
                                                   "version_table='app_version'"))
        runner.migrate()
        assert load_project(root).history_table == ("app_changelog" if tool == "liquibase" else "app_version")
        _, _, pending = write_migration(request(root))
        applied = inspect_project(str(root), dsn=_dsn(scratch))["applied"]
        assert applied["record"] and applied["applied"], applied
        assert applied["pending"] and all(any(p.endswith(w) or w.endswith(p) for w in pending)
                                          for p in applied["pending"]), (applied["pending"], pending)


@pytest.mark.engine
@pytest.mark.parametrize("database", ENGINES)
@pytest.mark.parametrize("tool", TOOL_PARAMS)
def test_project_history_generate_apply_rollback(tool, database, tmp_path):
    with applied_sample(tool, database, tmp_path, "prj") as (scratch, root, runner):
        project = load_project(root)
        assert (project.tool, project.database.value) == (tool, database)

        # the offline replay is what the tool built
        assert comparable(replay_offline(project, database).schema) == comparable(read_catalog(scratch))

        after_history = scratch.snapshot()
        history = runner.history()
        result, place, written = write_migration(request(root))
        assert result.migration_tool.value == tool and result.database.value == database
        check_chained(tool, project, result, written, root)

        runner.migrate()
        run_tests(scratch, result.validation_tests)
        new_history = runner.history()
        if tool == "alembic":
            assert new_history == [[re.search(r"^revision = '(\w+)'", result.migration_script.content, re.M)[1]]]
        else:
            assert new_history[:len(history)] == history and len(new_history) == len(history) + 1
        if tool == "liquibase":   # recorded by its place in the project, as the history's changelogs are
            assert new_history[-1][2] == next(p for p in written if p.endswith(".xml") and "changes/" in p)
        assert "loyalty_points" in replay_offline(load_project(root), database).schema.table("customers").columns

        runner.rollback(written)
        assert scratch.snapshot()["schema"] == after_history["schema"], "rollback did not restore the schema"
        assert runner.history() == history


def check_chained(tool: str, project, result, written: list[str], root: Path) -> None:
    if tool == "flyway":
        assert written[:2] == ["sql/migrations/V18__add_loyalty_points_to_customers.sql",
                               "sql/migrations/U18__add_loyalty_points_to_customers.sql"]
    elif tool == "alembic":
        head = project.next.down_revision
        assert f"down_revision = '{head}'" in result.migration_script.content
        assert re.match(r"migrations/versions/20240320_\w{12}_add_loyalty_points_to_customers\.py$", written[0])
    else:
        assert written[0] == "db/changelog/changes/017-add-loyalty-points-to-customers.xml"
        master = (root / project.next.master).read_text()
        assert master.rstrip().endswith('<include file="changes/017-add-loyalty-points-to-customers.xml" '
                                        'relativeToChangelogFile="true"/>\n</databaseChangeLog>')
        used = set(re.findall(r'changeSet id="([^"]+)"', "".join(m.content for m in project.history)))
        assert not used & set(re.findall(r'changeSet id="([^"]+)"', result.migration_script.content))


@pytest.mark.engine
@pytest.mark.parametrize("tool", TOOL_PARAMS)
def test_replay_database_mode_equals_offline(tool):
    """replay="database" on embedded PostgreSQL: the real tool builds the schema dbmig reads back."""
    if tool == "liquibase":
        liquibase_bin()
    embedded_postgres()
    from dbmig.project.apply import replay_database
    project = load_project(SAMPLES / tool)
    exact = replay_database(project, "postgresql")
    assert exact.schema.tables and comparable(exact.schema) == comparable(replay_offline(project, "postgresql").schema)
    report = inspect_project(str(SAMPLES / tool), replay="database")
    assert report["schema"]["replay"] == "database" and set(report["schema"]["tables"]) == set(exact.schema.tables)


def test_samples_have_a_real_history():
    """15+ migrations each, in the tool's real layout (what the engine tests above rely on)."""
    counts = {tool: len(load_project(SAMPLES / tool).history) for tool in TOOLS}
    assert all(n >= 15 for n in counts.values()), counts
    kinds = {m.kind for m in load_project(SAMPLES / "flyway").history}
    assert kinds == {"versioned", "repeatable"}
    formats = {Path(m.path).suffix for m in load_project(SAMPLES / "liquibase").history}
    assert formats == {".xml", ".yaml", ".sql"}
    alembic = load_project(SAMPLES / "alembic").history
    assert any(len(m.parents) == 2 for m in alembic) and any(m.branch_labels for m in alembic)


@pytest.mark.engine
@pytest.mark.parametrize("tool", ["flyway", "alembic"])
def test_verify_with_project_starts_from_the_replayed_schema(tool):
    """verify_migration with project_dir: the dry run loads the project's schema (referenced tables
    first) and the generated migration goes up, down and up again on it."""
    embedded_postgres()
    from dbmig.api import generate
    from dbmig.project.context import verify_context
    from dbmig.verify import verify
    result = generate(request(SAMPLES / tool))
    tool_name, database, schema = verify_context(str(SAMPLES / tool), None, None, None)
    assert (tool_name, database) == (tool, "postgresql") and "CREATE TABLE" in schema
    report = verify(tool_name, database, {f.filename: f.content for f in result.files}, schema_sql=schema,
                    tests=result.validation_tests)
    assert report.verdict == "pass", report


@pytest.mark.engine
def test_replay_database_mode_on_a_named_mariadb_server():
    """replay="database" with replay_dsn: a scratch database on that server, dropped afterwards."""
    server = live_server("mysql")
    from dbmig.project.apply import replay_database
    project = load_project(SAMPLES / "flyway")
    dsn = f"mysql://{server.user}@{server.host}:{server.port}/mysql"
    scratch_dbs = "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'dbmig_replay_%'"

    def replay_dbs() -> set:
        conn = server.connect("mysql")
        try:
            with conn.cursor() as cur:
                cur.execute(scratch_dbs)
                return {r[0] for r in cur.fetchall()}
        finally:
            conn.close()
    before = replay_dbs()
    exact = replay_database(project, "mysql", dsn)
    assert comparable(exact.schema) == comparable(replay_offline(project, "mysql").schema)
    assert replay_dbs() == before


def _dsn(scratch: Scratch) -> str:
    s = scratch.server
    return f"{scratch.kind}://{s.user}@{s.host}:{s.port}/{scratch.database}"


@pytest.mark.engine
@pytest.mark.parametrize("database", ENGINES)
@pytest.mark.parametrize("tool", TOOL_PARAMS)
def test_pending_migrations_are_read_from_the_tools_record(tool, database, tmp_path):
    """A migration written into the project but not yet applied is pending by the tool's own
    record; the next one is planned on the history's schema (the pending one runs first), drift
    is measured against the applied ones only, and the tool then applies both."""
    with applied_sample(tool, database, tmp_path, "pnd") as (scratch, root, runner):
        _, _, pending = write_migration(request(root))          # adds customers.loyalty_points, not applied
        report = inspect_project(str(root), dsn=_dsn(scratch))
        applied = report["applied"]
        assert applied["record"] and applied["unknown_to_project"] == []
        new_units = [p for p in applied["pending"]]
        assert new_units and all(any(p.endswith(w) or w.endswith(p) for w in pending) for p in new_units), \
            (new_units, pending)
        assert len(applied["applied"]) == len(load_project(root).history) - len(new_units)

        # it reads the column the pending migration adds: planned on the history, not the live schema
        follow = dict(request(root), migration_description="default loyalty points to 10", dsn=_dsn(scratch),
                      changes=[{"op": "set_default", "table": "customers", "column": "loyalty_points",
                                "default": "10"}])
        result, _, _ = write_migration(follow)
        assert any("not applied on the live database" in w for w in result.warnings), result.warnings
        assert not any(w.startswith("Drift:") for w in result.warnings), result.warnings
        runner.migrate()
        run_tests(scratch, result.validation_tests)
        report = inspect_project(str(root), dsn=_dsn(scratch))
        assert report["applied"]["pending"] == []


CONTEXT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">
"""
CONTEXT_MASTER = CONTEXT_HEAD + """  <changeSet id="1" author="t"><createTable tableName="accounts">
    <column name="id" type="bigint"><constraints primaryKey="true"/></column></createTable></changeSet>
  <changeSet id="2" author="t" context="test"><createTable tableName="test_fixtures">
    <column name="id" type="bigint"/></createTable></changeSet>
  <changeSet id="3" author="t" context="!test"><createTable tableName="prod_only">
    <column name="id" type="bigint"/></createTable></changeSet>
  <changeSet id="4" author="t" labels="v2"><createTable tableName="v2_things">
    <column name="id" type="bigint"/></createTable></changeSet>
  <changeSet id="5" author="t" labels="v1, core"><addColumn tableName="accounts">
    <column name="email" type="varchar(100)"/></addColumn></changeSet>
  <changeSet id="6" author="t" contextFilter="prod and !eu"><createTable tableName="prod_non_eu">
    <column name="id" type="bigint"/></createTable></changeSet>
  <changeSet id="7" author="t" context="(eu or prod) and !test" labels="v1 and nope">
    <sql>CREATE TABLE both_filters (id bigint)</sql></changeSet>
  <include file="test-data.xml" relativeToChangelogFile="true" context="test"/>
  <include file="more.yaml" relativeToChangelogFile="true" labels="v1"/>
  <include file="seed.sql" relativeToChangelogFile="true"/>
</databaseChangeLog>
"""
CONTEXT_TEST_DATA = CONTEXT_HEAD + """  <changeSet id="10" author="t"><createTable tableName="included_for_tests">
    <column name="id" type="bigint"/></createTable></changeSet>
</databaseChangeLog>
"""
CONTEXT_YAML = """databaseChangeLog:
  - changeSet:
      id: "20"
      author: t
      context: eu
      changes:
        - createTable:
            tableName: eu_only
            columns:
              - column: {name: id, type: bigint}
  - changeSet:
      id: "21"
      author: t
      changes:
        - createTable:
            tableName: yaml_always
            columns:
              - column: {name: id, type: bigint}
"""
CONTEXT_SQL = """--liquibase formatted sql
--changeset t:30 context:test
CREATE TABLE sql_test_only (id bigint);
--changeset t:31 labels:v2
CREATE TABLE sql_v2_only (id bigint);
--changeset t:32 context:prod labels:v1
CREATE TABLE sql_prod_v1 (id bigint);
"""


@pytest.mark.engine
@pytest.mark.liquibase
@pytest.mark.parametrize("contexts,labels", [("prod", "v1"), ("test", None), (None, None), ("eu, prod", "!v1")])
def test_liquibase_contexts_and_labels_replay_as_the_cli_runs_them(contexts, labels, tmp_path):
    """liquibase.properties' contexts and label filter decide which changeSets `liquibase update`
    runs (changeSet, include, XML/YAML/formatted SQL); the offline replay holds the same tables
    as the real CLI made with the same filter on PostgreSQL."""
    liquibase_bin()
    server = live_server("postgresql")
    root = tmp_path / "lb"
    (root / "db").mkdir(parents=True)
    for name, text in {"master.xml": CONTEXT_MASTER, "test-data.xml": CONTEXT_TEST_DATA,
                       "more.yaml": CONTEXT_YAML, "seed.sql": CONTEXT_SQL}.items():
        (root / "db" / name).write_text(text)
    with server.scratch("lbctx") as scratch:
        props = ["changeLogFile=db/master.xml", f"url={scratch.jdbc_url()}"]
        args = ["update"]
        if contexts:
            props.append(f"liquibase.command.contexts={contexts}")
            args.append(f"--contexts={contexts}")
        if labels:
            props.append(f"label-filter={labels}")
            args.append(f"--label-filter={labels}")
        (root / "liquibase.properties").write_text("\n".join(props) + "\n")
        liquibase_runner.run(root, "db/master.xml", [f"--url={scratch.jdbc_url()}",
                                                     f"--username={scratch.server.user}", *args])
        made = {t for t in read_catalog(scratch).tables if not t.startswith("databasechangelog")}
        project = load_project(root)
        assert (project.contexts, project.label_filter) == (contexts, labels)
        replayed = set(replay_offline(project, "postgresql").schema.tables)
        applied = inspect_project(str(root), dsn=_dsn(scratch))["applied"]
    assert replayed == made
    if contexts == "prod":          # replay="database": the real CLI, given the same filter
        embedded_postgres()
        from dbmig.project.apply import replay_database
        assert set(replay_database(project, "postgresql").schema.tables) == made
    # what the filter leaves out never runs: nothing is pending after the update
    assert applied["pending"] == [] and applied["unknown_to_project"] == [], applied
    assert "accounts" in made and ("test_fixtures" in made) == (contexts is None or "test" in contexts)
