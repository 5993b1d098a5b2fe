"""The Alembic renderer and runner without a server: revision files are deterministic, compile and
import; `op.*` is used only where Alembic emits the planner's own SQL (checked statement by
statement in Alembic's offline `--sql` mode on all four databases); that offline SQL parses in
sqlglot's dialect; escaping, autocommit blocks, manual downgrades, revision ids."""
from __future__ import annotations

import importlib.util
import re
import sys

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from dbmig.api import generate
from dbmig.dialects import get_dialect
from dbmig.dialects.base import Lock
from dbmig.models import MigrationRequest, Tier
from dbmig.plan.model import Guard, Phase, Plan, Step
from dbmig.render import alembic as renderer
from dbmig.render.common import request_id
from dbmig.render.sqlfile import _with_session
from dbmig.render.types import ToolContext
from dbmig.runners.alembic import offline_sql

from .roundtrip_cases import CASES, request

DATABASES = ["postgresql", "mysql", "sqlserver", "oracle"]
SEPARATOR = {"sqlserver": "GO", "oracle": "/"}


def alembic_request(database="postgresql", changes=None, **extra) -> dict:
    changes = changes or [{"op": "add_column", "table": "users",
                           "column": {"name": "email", "type": "varchar(255)"}}]
    return dict(migration_tool="alembic", database=database, migration_type="schema",
                downtime_allowed=True, migration_description="add email", changes=changes, **extra)


def revision_file(result):
    return next(f for f in result.files if f.filename.endswith(".py"))


def load(content: str, tmp_path, name="rev"):
    """Import a revision file the way Alembic does (a module from a path)."""
    path = tmp_path / f"{name}.py"
    path.write_text(content)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules.pop(name, None)
    return module


def upgrade_body(content: str) -> str:
    return content.split("def upgrade()", 1)[1].split("def downgrade()", 1)[0]


# --- rendering ----------------------------------------------------------------------------------

def test_revision_file_is_deterministic_and_compiles(tmp_path):
    a, b = generate(alembic_request()), generate(alembic_request())
    assert [f.content for f in a.files] == [f.content for f in b.files]
    module = load(revision_file(a).content, tmp_path)
    assert module.revision == request_id(MigrationRequest.model_validate(alembic_request()))
    assert module.down_revision is None and module.branch_labels is None and module.depends_on is None


def test_revision_ids_from_the_request():
    result = generate(alembic_request(revision="a1b2c3", down_revision="ffee01"))
    f = revision_file(result)
    assert f.filename == "a1b2c3_add_email.py"
    assert "Revision ID: a1b2c3\nRevises: ffee01\n" in f.content
    assert "revision = 'a1b2c3'" in f.content and "down_revision = 'ffee01'" in f.content
    assert result.rollback_script.filename == "a1b2c3_add_email_rollback.sql"
    assert "`alembic downgrade ffee01`" in result.rollback_script.content


def test_default_revision_depends_on_the_migration_only():
    """The id names the migration: another change is another revision; facts about the database
    it is planned against (row counts, version, schema, a live dsn's reading) are not."""
    one = revision_file(generate(alembic_request())).filename
    same = revision_file(generate(alembic_request(table_rows={"users": 10}, database_version="15",
                                                  schema="CREATE TABLE users (id INT)"))).filename
    other = revision_file(generate(alembic_request(changes=[{"op": "add_column", "table": "users", "column": {
        "name": "phone", "type": "varchar(20)"}}]))).filename
    assert one == same != other and re.fullmatch(r"[0-9a-f]{12}_add_email\.py", one)


def test_docstring_names_description_author_and_revisions():
    content = revision_file(generate(alembic_request(author="Ann Lee"))).content
    head = content.split('"""')[1]
    assert head.startswith("add email\n") and "Author: Ann Lee" in head
    assert "Revision ID: " in head and "Revises: \n" in head


def test_rollback_script_is_the_reverse_sql_with_the_downgrade_command():
    result = generate(alembic_request())
    text = result.rollback_script.content
    assert "`alembic downgrade base`" in text and "ALTER TABLE users DROP COLUMN email;" in text


@pytest.mark.parametrize("database,changes,expected", [
    ("postgresql", [{"op": "add_column", "table": "users", "column": {"name": "email", "type": "varchar(255)"}}],
     "op.add_column("),
    ("mysql", [{"op": "add_column", "table": "users", "column": {"name": "ok", "type": "boolean",
                                                                "nullable": False, "default": "0"}}],
     "mysql.TINYINT(1)"),
    ("mysql", [{"op": "add_column", "table": "users", "column": {"name": "at", "type": "timestamp"}}],
     "mysql.DATETIME(fsp=6)"),
    ("postgresql", [{"op": "add_column", "table": "users", "column": {"name": "doc", "type": "json"}}],
     "postgresql.JSONB()"),
    ("postgresql", [{"op": "add_index", "table": "users", "columns": ["email"]}], "op.create_index("),
    ("postgresql", [{"op": "rename_table", "table": "users", "new_name": "people"}], "op.rename_table("),
    # MySQL renames with CHANGE (restating the column): the planner's RENAME COLUMN runs as SQL.
    ("mysql", [{"op": "rename_column", "table": "users", "column": "a", "new_name": "b"}],
     "op.execute(sa.text('ALTER TABLE users RENAME COLUMN a TO b'))"),
    # SQL Server names its default constraints: SQLAlchemy cannot, so the step is SQL.
    ("sqlserver", [{"op": "add_column", "table": "users", "column": {"name": "n", "type": "integer",
                                                                    "nullable": False, "default": "0"}}],
     "op.execute(sa.text('ALTER TABLE users ADD n INT NOT NULL CONSTRAINT df_users_n DEFAULT 0'))"),
    # Oracle: a name the planner quotes would be case-sensitive in SQLAlchemy: SQL.
    ("oracle", [{"op": "add_column", "table": "Order", "column": {"name": "n", "type": "integer"}}],
     "op.execute("),
])
def test_op_or_execute(database, changes, expected):
    body = upgrade_body(revision_file(generate(alembic_request(database, changes))).content)
    assert expected in body


def test_using_clause_runs_as_sql():
    req = alembic_request("postgresql", [{"op": "alter_column_type", "table": "customers", "column": "age",
                                          "type": "bigint", "using": "age::bigint"}],
                          schema="CREATE TABLE customers (id INTEGER PRIMARY KEY, age INTEGER);")
    body = upgrade_body(revision_file(generate(req)).content)
    assert "TYPE BIGINT USING CAST(age AS BIGINT)')" in body and "op.execute(" in body
    assert "op.alter_column" not in body


@pytest.mark.parametrize("sql,kind", [
    ("UPDATE t SET a = ':name' WHERE b = 'it''s'", "sa.text("),
    ("SELECT x::int, ':a:b', '\"q\"', ' :b$c', 'x:y' FROM t", "sa.text("),
    ("CREATE TABLE t (\n    a INT DEFAULT 1\n)", "sa.text("),
    # sa.text() would turn \\: into : or take :ab of ':abc:' for a parameter: sa.DDL instead
    ("SELECT E'\\\\:x' FROM t", "sa.DDL("),
    ("SELECT ' :abc:', '100%' FROM t", "sa.DDL("),
])
def test_statement_round_trips_colons_quotes_and_newlines(sql, kind):
    import sqlalchemy as sa
    source = renderer.statement(sql)
    assert source.startswith(kind)
    clause = eval(source, {"sa": sa})  # noqa: S307 - our own generated source
    assert not getattr(clause, "_bindparams", None), "a colon became a bind parameter"
    assert str(clause.compile()) == sql
    compile(source, "<sa_text>", "eval")


def test_default_with_colon_is_escaped():
    changes = [{"op": "add_column", "table": "users", "column": {"name": "tag", "type": "varchar(20)",
                                                               "default": "':x'"}}]
    content = revision_file(generate(alembic_request(changes=changes))).content
    assert "server_default=sa.text(\"'\\\\:x'\")" in content


def _plan(step: Step) -> Plan:
    return Plan(Tier.T1, [Phase("migrate", [step])], [], [], [])


def _tool_context(database="postgresql") -> ToolContext:
    return ToolContext(MigrationRequest.model_validate(alembic_request(database)), get_dialect(database), "T1")


def test_non_transactional_step_runs_in_an_autocommit_block(tmp_path):
    step = Step("create index ix_t_a", ["CREATE INDEX CONCURRENTLY ix_t_a ON t (a)"],
                ["DROP INDEX CONCURRENTLY ix_t_a"], Lock("SHARE UPDATE EXCLUSIVE", "nothing"), "t",
                transactional=False)
    (rendered,) = renderer.render_plan(_plan(step), _tool_context())
    content = rendered.migration.content
    assert [f.filename.endswith(".py") for f in rendered.files] == [True, False], "one revision"
    assert ("    with op.get_context().autocommit_block():\n"
            "        op.execute(sa.text('CREATE INDEX CONCURRENTLY ix_t_a ON t (a)'))") in content
    assert "autocommit_block():\n        op.execute(sa.text('DROP INDEX CONCURRENTLY ix_t_a'))" in content
    load(content, tmp_path)


def test_guards_abort_before_the_step(tmp_path):
    step = Step("narrow t.a", ["ALTER TABLE t ALTER COLUMN a TYPE SMALLINT"], [], Lock("AE", "all"), "t",
                guards=[Guard("SELECT COUNT(*) FROM t WHERE a > 32767", "values of t.a exceed SMALLINT")])
    (rendered,) = renderer.render_plan(_plan(step), _tool_context())
    content = rendered.migration.content
    assert "def _guard(" in content
    assert "_guard(\n" in upgrade_body(content) or "_guard(sa.text(" in upgrade_body(content)
    load(content, tmp_path)


def test_downgrade_without_reverse_raises_with_the_manual_steps(tmp_path):
    req = alembic_request(changes=[{"op": "drop_table", "table": "audit"}], confirm_data_loss=True)
    result = generate(req)
    module = load(revision_file(result).content, tmp_path)
    with pytest.raises(NotImplementedError, match="Restore table audit") as err:
        module.downgrade()                # raises before touching op: no context needed
    assert "alembic stamp base" in str(err.value)
    assert "CONFIRMED DESTRUCTIVE" in upgrade_body(revision_file(result).content)


def test_multi_phase_revisions_chain():
    steps = [Step(f"step {n}", [f"SELECT {i}"], [], Lock("none", "nothing"), phase=n)
             for i, n in enumerate(["expand", "migrate", "contract"])]
    plan = Plan(Tier.T3, [Phase(s.phase, [s]) for s in steps], [], [], [])
    tc = ToolContext(MigrationRequest.model_validate(alembic_request(revision="r1", down_revision="r0")),
                     get_dialect("postgresql"), "T3")
    assert renderer.revisions(plan, tc) == [("r1_expand", "r0"), ("r1_migrate", "r1_expand"),
                                            ("r1_contract", "r1_migrate")]
    tc = _tool_context()
    ids = renderer.revisions(plan, tc)
    assert ids[0][1] is None and ids[1][1] == ids[0][0] and ids[2][1] == ids[1][0]
    assert all(len(r) <= 32 for r, _ in ids)


# --- offline (--sql) mode: Alembic's SQL is the planner's SQL, on every database ----------------

# sqlglot 30.30 misreads PostgreSQL's `RENAME col TO new` (COLUMN omitted, as Alembic writes
# it) as a table rename: spell the keyword out before parsing (pinned below).
_PG_RENAME = re.compile(r"^(ALTER TABLE \S+ RENAME) (?!TO |COLUMN )", re.M)


def statements(text: str, database: str) -> list[exp.Expression]:
    """Parse SQL (Alembic's output or the planner's) into statements, batch separators aside."""
    d = get_dialect(database)
    if database == "postgresql":
        text = _PG_RENAME.sub(r"\1 COLUMN ", text)
    sep = SEPARATOR.get(database)
    chunks = re.split(rf"^\s*{re.escape(sep)}\s*$", text, flags=re.M) if sep else [text]
    out = []
    for chunk in chunks:
        out += [s for s in sqlglot.parse(chunk, read=d.sqlglot) if s is not None]
    return out


def normal(statement: exp.Expression, database: str) -> str:
    """One statement in a canonical form: identifiers folded as the database folds them (so a
    needlessly quoted name equals the plain one), a bare NULL column constraint (the default)
    dropped, column constraints in a fixed order."""
    d = get_dialect(database).sqlglot
    statement = normalize_identifiers(statement.copy(), dialect=d)
    for node in statement.walk():
        node.comments = None
    for col in statement.find_all(exp.ColumnDef):
        kept = [c for c in col.args.get("constraints") or []
                if not (isinstance(c.kind, exp.NotNullColumnConstraint) and c.kind.args.get("allow_null"))]
        col.set("constraints", sorted(kept, key=lambda c: c.sql(d)))
    if isinstance(statement, exp.Command):
        return re.sub(r"\s+", " ", statement.sql(d)).strip().rstrip(";")
    return statement.sql(d, identify=True)


def bookkeeping(statement: exp.Expression) -> bool:
    return (isinstance(statement, (exp.Transaction, exp.Commit))
            or "alembic_version" in statement.sql().lower())


def planned(steps: list[Step], of) -> list[str]:
    return [x for s, sql in _with_session(steps, of) if (of(s) is not None) for x in sql]


def assert_same_sql(alembic_sql: str, expected: list[str], database: str) -> None:
    got = [normal(s, database) for s in statements(alembic_sql, database) if not bookkeeping(s)]
    want = [normal(s, database) for x in expected for s in statements(x, database)]
    assert got == want


def plan_for(req: dict):
    from dbmig.api import parse_request
    from dbmig.intake import changes_for
    from dbmig.plan import build_plan
    r = parse_request(req)
    d = get_dialect(r.database.value)
    return build_plan(r, d, changes_for(r, d)[0])[0]


def _assert_parses(text: str, database: str) -> None:
    """Every statement Alembic emits parses in sqlglot's dialect (a Command only when the
    dialect's allow-list names it, the gate's rule)."""
    d = get_dialect(database)
    for s in statements(text, database):
        if isinstance(s, exp.Command):
            s = s.copy()
            for node in s.walk():
                node.comments = None
            sql = s.sql(d.sqlglot).strip()
            assert any(p.match(sql) for p in d.command_allow), sql


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_offline_sql_is_the_planned_sql(case, database, tmp_path):
    req = request(case, "alembic", database)
    result = generate(req)
    files = {f.filename: f.content for f in result.files}
    sql = offline_sql(files, tmp_path, database)
    steps = plan_for(req).steps
    assert_same_sql(sql.upgrade, planned(steps, lambda s: s.forward), database)
    assert sql.downgrade is not None
    assert_same_sql(sql.downgrade, planned(list(reversed(steps)), lambda s: s.reverse), database)
    _assert_parses(sql.upgrade, database)
    _assert_parses(sql.downgrade, database)


# Names that need quoting (reserved, mixed case), defaults with colons and quotes, options.
TRICKY = {
    "names": [{"op": "create_table", "table": "Order", "columns": [
        {"name": "id", "type": "integer", "primary_key": True},
        {"name": "select", "type": "varchar(20)", "unique": True},
        {"name": "Email", "type": "varchar(50)", "default": "'a:b ''q'''"}]}],
    "add_column_reserved": [{"op": "add_column", "table": "user", "column": {
        "name": "Group", "type": "integer", "nullable": False, "default": "1"}}],
    "unique_index": [{"op": "add_index", "table": "users", "columns": ["a", "b"], "unique": True,
                      "name": "ux_users_ab"}],
    "fk_cascade": [{"op": "add_foreign_key", "table": "orders", "columns": ["customer_id"],
                    "ref_table": "customers", "ref_columns": ["id"], "on_delete": "cascade"}],
    "fk_set_null": [{"op": "add_foreign_key", "table": "orders", "columns": ["customer_id"],
                     "ref_table": "customers", "ref_columns": ["id"], "on_delete": "set null"}],
    "rename_mixed": [{"op": "rename_table", "table": "Users", "new_name": "People"}],
}


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("case", sorted(TRICKY))
def test_offline_sql_tricky_requests(case, database, tmp_path):
    req = alembic_request(database, TRICKY[case])
    result = generate(req)
    sql = offline_sql({f.filename: f.content for f in result.files}, tmp_path, database)
    steps = plan_for(req).steps
    assert_same_sql(sql.upgrade, planned(steps, lambda s: s.forward), database)
    assert_same_sql(sql.downgrade, planned(list(reversed(steps)), lambda s: s.reverse), database)
    _assert_parses(sql.upgrade, database)


def test_partial_index_uses_the_dialect_where_option(tmp_path):
    changes = [{"op": "add_index", "table": "users", "columns": ["email"], "where": "email IS NOT NULL"}]
    for database, option in [("postgresql", "postgresql_where="), ("sqlserver", "mssql_where=")]:
        req = alembic_request(database, changes)
        result = generate(req)
        assert option in upgrade_body(revision_file(result).content)
        sql = offline_sql({f.filename: f.content for f in result.files}, tmp_path / database, database)
        assert_same_sql(sql.upgrade, planned(plan_for(req).steps, lambda s: s.forward), database)


TYPES = ["varchar(40)", "char(3)", "text", "smallint", "integer", "bigint", "boolean", "timestamp",
         "timestamptz", "date", "time", "decimal(10,2)", "float", "double", "uuid", "json", "blob"]
# SQLAlchemy renders Oracle CHAR(n CHAR) and byte-semantics VARCHAR2(n) differently: SQL.
UNMAPPED = {("oracle", "char(3)"), ("oracle", "uuid")}


@pytest.mark.parametrize("database,type_", [(d, t) for t in TYPES for d in DATABASES
                                            if t.split("(")[0] in get_dialect(d).types])
def test_every_type_maps_to_the_same_native_type(database, type_, tmp_path):
    changes = [{"op": "create_table", "table": "t_types", "columns": [
        {"name": "a", "type": type_, "nullable": False}, {"name": "b", "type": type_}]}]
    result = generate(alembic_request(database, changes))
    body = upgrade_body(revision_file(result).content)
    assert ("op.create_table(" in body) == ((database, type_) not in UNMAPPED)
    sql = offline_sql({f.filename: f.content for f in result.files}, tmp_path, database)
    assert_same_sql(sql.upgrade, planned(plan_for(alembic_request(database, changes)).steps,
                                         lambda s: s.forward), database)


def test_sqlglot_gap_postgres_rename_without_column_keyword():
    """Pinned: when this fails, sqlglot reads `RENAME c TO n` right; drop `_PG_RENAME`."""
    parsed = sqlglot.parse_one("ALTER TABLE t RENAME c TO n", read="postgres")
    assert parsed.sql("postgres") != "ALTER TABLE t RENAME COLUMN c TO n"


# --- real engines: what the escaping promises holds when Alembic runs it -----------------------

@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
def test_colons_percent_and_quotes_survive_a_real_run(database, tmp_path):
    from dbmig.runners import alembic as alembic_runner

    from .conftest import live_server
    value = "a:b 50% it''s :x"
    changes = [{"op": "create_table", "table": "notes", "columns": [
        {"name": "id", "type": "integer", "primary_key": True},
        {"name": "body", "type": "varchar(40)", "default": f"'{value}'"}]},
        {"op": "raw_sql", "up": f"INSERT INTO notes (id) VALUES (1); UPDATE notes SET body = '{value}:y'",
         "down": "DELETE FROM notes"}]
    result = generate(alembic_request(database, changes))
    files = {f.filename: f.content for f in result.files}
    with live_server(database).scratch("alembic_esc") as scratch:
        alembic_runner.upgrade(scratch, files, tmp_path)
        assert scratch.query("SELECT body FROM notes") == [["a:b 50% it's :x:y"]]
        scratch.execute(["INSERT INTO notes (id) VALUES (2)"])
        assert scratch.query("SELECT body FROM notes WHERE id = 2") == [["a:b 50% it's :x"]]
        scratch.execute(["DELETE FROM notes WHERE id = 2"])
        alembic_runner.downgrade(scratch, files, tmp_path)
        assert scratch.query("SELECT COUNT(*) FROM alembic_version") == [[0]]


@pytest.mark.engine
def test_given_down_revision_gets_a_stand_in_parent(tmp_path):
    from dbmig.runners import alembic as alembic_runner

    from .conftest import live_server
    result = generate(alembic_request(changes=[{"op": "create_table", "table": "t1", "columns": [
        {"name": "id", "type": "integer"}]}], revision="r2", down_revision="r1"))
    files = {f.filename: f.content for f in result.files}
    with live_server("postgresql").scratch("alembic_parent") as scratch:
        alembic_runner.upgrade(scratch, files, tmp_path)
        assert scratch.query("SELECT version_num FROM alembic_version") == [["r2"]]
        alembic_runner.downgrade(scratch, files, tmp_path)
        assert scratch.query("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 't1'") == [[0]]


def test_oracle_names_sqlalchemy_quotes_are_names_the_planner_quotes():
    """`name()` passes an Oracle name to SQLAlchemy in lower case when the planner leaves it
    unquoted: that holds only while SQLAlchemy's reserved words are ours too."""
    from sqlalchemy.dialects.oracle.base import RESERVED_WORDS
    oracle = get_dialect("oracle")
    assert {w for w in RESERVED_WORDS if w.upper() not in oracle.reserved} == set()
    tc = _tool_context("oracle")
    assert renderer.name("Users", tc.dialect) == "'users'"
    for quoted in ("Order", "_x"):
        with pytest.raises(renderer.NoOp):
            renderer.name(quoted, tc.dialect)
