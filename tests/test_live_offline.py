"""Live database awareness without a server: DSNs and masking, the catalog queries through the
gate, SQL Server and Oracle replayed from recorded catalog answers, drift, bad input, and an
unreachable DSN answered within 5 s."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

import pytest

from dbmig.api import generate, parse_request
from dbmig.dialects import get_dialect
from dbmig.errors import InvalidRequest, LiveDatabaseError, MissingDependency
from dbmig.live import drift_warnings, schema_drift, with_live_facts
from dbmig.live import mysql, oracle, postgresql, session as live_session, sqlserver
from dbmig.live.dsn import mask, parse_dsn
from dbmig.live.session import select_only
from dbmig.render.common import request_id
from dbmig.schema import parse_schema

from .conftest import ROOT, require

FIXTURES = Path(__file__).parent / "live_fixtures"
MODULES = {"postgresql": postgresql, "mysql": mysql, "sqlserver": sqlserver, "oracle": oracle}
SECRET = "S3cr3t/pa:ss@word"
QUOTED = "S3cr3t%2Fpa%3Ass%40word"


# --- DSNs: parsed, matched to `database`, never shown with a password ----------------------------

def test_dsn_parts_and_mask():
    t = parse_dsn(f"postgresql://app:{QUOTED}@db.example.com:6543/shop?sslmode=require", "postgresql")
    assert (t.host, t.port, t.user, t.database, t.password, t.params) == (
        "db.example.com", 6543, "app", "shop", SECRET, {"sslmode": "require"})
    assert t.shown == "postgresql://app:***@db.example.com:6543/shop?sslmode=require"
    assert SECRET not in repr(t) and QUOTED not in repr(t)
    assert t.redact(f"failed for {SECRET} and {QUOTED}") == "failed for *** and ***"
    assert mask("mysql://u@h/db?password=x&ssl=1") == "mysql://u@h/db?password=***&ssl=1"
    assert parse_dsn("oracle://scott@ora:1521/ORCLPDB1", "oracle").port == 1521
    assert parse_dsn("mssql://sa@sql/app", "sqlserver").port == 1433


def test_dsn_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DBMIG_DSN_PASSWORD", "from-env")
    assert parse_dsn("mysql://app@h/db", "mysql").password == "from-env"
    assert parse_dsn("mysql://app:given@h/db", "mysql").password == "given"


@pytest.mark.parametrize("dsn, database, says", [
    ("mysql://u:pw@h/db", "postgresql", "names a mysql server"),
    ("http://u:pw@h/db", "postgresql", "not a database URL"),
    ("postgresql://u:pw@h", "postgresql", "not a database URL"),
    ("postgresql://u:pw@h:99999/db", "postgresql", "does not parse"),
])
def test_bad_dsn_names_the_field_without_the_password(dsn, database, says):
    with pytest.raises(InvalidRequest) as e:
        parse_dsn(dsn, database)
    assert e.value.field == "dsn" and says in e.value.message and ":pw@" not in e.value.message


def test_request_repr_and_ids_never_carry_the_dsn():
    base = dict(migration_tool="liquibase", database="postgresql", migration_type="schema", downtime_allowed=True,
                migration_description="x", changes=[{"op": "drop_index", "table": "t", "name": "ix"}])
    with_dsn = parse_request(dict(base, dsn=f"postgresql://u:{QUOTED}@h/db"))
    assert QUOTED not in repr(with_dsn)
    # ids name the migration, not the facts it was planned against (CONTEXT_FIELDS)
    facts = parse_request(dict(base, schema="CREATE TABLE t (a INT)", table_rows={"t": 5}, database_version="15"))
    assert request_id(with_dsn) == request_id(facts) == request_id(parse_request(base))


# --- the catalog queries: each passes the gate as one SELECT, in its database's dialect ---------

def _queries(module):
    return {k: v for k, v in vars(module).items() if k.isupper() and isinstance(v, str) and v.startswith("SELECT")}


@pytest.mark.parametrize("database", list(MODULES))
def test_catalog_queries_pass_the_gate(database):
    d = get_dialect(database)
    names = ", ".join(d.literal(d.catalog_name(n)) for n in ("orders", "order_items"))
    queries = _queries(MODULES[database])
    assert len(queries) >= 8
    hidden = [expr for expr, _ in getattr(MODULES[database], "HIDDEN", {}).values()] + ["0"]
    for name, sql in queries.items():
        for expr in hidden:                             # MySQL's index visibility, as each server names it
            select_only(sql.format(names=names, hidden=expr), d)       # raises GateFailure otherwise


@pytest.mark.parametrize("database", list(MODULES))
def test_the_gate_refuses_anything_but_a_select(database):
    d = get_dialect(database)
    for sql in ("DELETE FROM orders", "UPDATE orders SET a = 1", "DROP TABLE orders", "CREATE TABLE x (a INT)"):
        with pytest.raises(Exception):
            select_only(sql, d)


# --- SQL Server and Oracle: recorded catalog answers through the real code path ---------------------

HAND = {
    "sqlserver": """
CREATE TABLE orders (
    id BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    status NVARCHAR(20) NOT NULL CONSTRAINT df_orders_status DEFAULT N'new',
    note NVARCHAR(100) NULL,
    total DECIMAL(12,2) NOT NULL CONSTRAINT df_orders_total DEFAULT 0,
    legacy NVARCHAR(MAX) NULL,
    tags XML NULL,
    CONSTRAINT pk_orders PRIMARY KEY (id),
    CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT ck_orders_note CHECK (note <> N''),
    CONSTRAINT ck_orders_total CHECK (total >= 0)
);
CREATE INDEX ix_orders_customer ON orders (customer_id);
CREATE INDEX ix_orders_new ON orders (customer_id) WHERE status = N'new';
""",
    "oracle": """
CREATE TABLE orders (
    id NUMBER(19) NOT NULL,
    customer_id NUMBER(19) NOT NULL,
    status VARCHAR2(20 CHAR) DEFAULT 'new' NOT NULL,
    note VARCHAR2(100 CHAR),
    total NUMBER(12,2) DEFAULT 0 NOT NULL,
    legacy CLOB,
    CONSTRAINT ck_orders_total CHECK (total >= 0),
    CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
    CONSTRAINT pk_orders PRIMARY KEY (id)
);
CREATE INDEX ix_orders_customer ON orders (customer_id);
""",
}
VERSION = {"sqlserver": "16.0.4135.4", "oracle": "19.0.0.0.0"}


class Recorded:
    """A connection that answers each catalog query with the recorded rows for it."""

    def __init__(self, database: str):
        self.module = MODULES[database]
        self.answers = json.loads((FIXTURES / f"{database}.json").read_text())
        self.prefixes = {k: v.split("{names}")[0] for k, v in _queries(self.module).items()}
        self.log: list[str] = []

    def fetch(self, conn, sql: str) -> list:
        self.log.append(sql)
        if not sql.startswith("SELECT"):
            return []                                       # the session's own SET statements
        if sql.startswith("SELECT COUNT(*)"):
            return [[self.answers["COUNT"]["where" if " WHERE " in sql else "all"]]]
        key = max((k for k, p in self.prefixes.items() if sql.startswith(p)), key=lambda k: len(self.prefixes[k]))
        return [tuple(row) for row in self.answers[key]]


@pytest.fixture
def recorded(monkeypatch):
    def install(database: str) -> Recorded:
        rec = Recorded(database)
        module = rec.module
        monkeypatch.setattr(live_session, "driver", lambda kind: None)
        monkeypatch.setattr(module, "connect", lambda lib, target, timeout: rec)
        monkeypatch.setattr(module, "fetch", rec.fetch)
        monkeypatch.setattr(module, "close", lambda conn: None)
        return rec
    return install


def _req(database: str, tool: str, changes: list, **extra) -> dict:
    return dict(migration_tool=tool, database=database, migration_type="schema", downtime_allowed=True,
                migration_description="live offline", changes=changes, author="live", **extra)


NARROW = [{"op": "alter_column_type", "table": "orders", "column": "note", "type": "varchar(20)"}]
DROP = [{"op": "drop_column", "table": "orders", "column": "legacy"}]


@pytest.mark.parametrize("database", ["sqlserver", "oracle"])
def test_recorded_catalog_is_the_hand_written_schema(database, recorded):
    rec = recorded(database)
    d = get_dialect(database)
    filled, live = with_live_facts(parse_request(_req(database, "flyway", NARROW, dsn=f"{database}://u:pw@h/db")), d)
    assert schema_drift(parse_schema(HAND[database], d.sqlglot), parse_schema(filled.schema_sql, d.sqlglot)) == []
    assert filled.table_rows == {"orders": 1_000_000} and filled.database_version == VERSION[database]
    # read-only first: Oracle's first statement opens a READ ONLY transaction
    setup = [q for q in rec.log if not q.startswith("SELECT")]
    assert setup == list(MODULES[database].SETUP)
    assert "SET TRANSACTION READ ONLY" in setup if database == "oracle" else "SET LOCK_TIMEOUT 2000" in setup


@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
@pytest.mark.parametrize("changes", [NARROW, DROP], ids=["narrow", "drop"])
@pytest.mark.parametrize("database", ["sqlserver", "oracle"])
def test_recorded_dsn_plans_what_the_hand_written_request_plans(database, changes, tool, recorded):
    recorded(database)
    hand = generate(_req(database, tool, changes, schema=HAND[database], table_rows={"orders": 1_000_000},
                         database_version=VERSION[database]))
    live = generate(_req(database, tool, changes, dsn=f"{database}://app:{QUOTED}@db.example.com/app"))
    assert [(f.filename, f.content) for f in live.files] == [(f.filename, f.content) for f in hand.files]
    assert live.deployment_guide.pre_migration_steps[1:] == hand.deployment_guide.pre_migration_steps
    assert live.deployment_guide.lock_estimates == hand.deployment_guide.lock_estimates
    assert [w for w in live.warnings if not w.startswith("Live ")] == hand.warnings
    assert QUOTED not in str(live.model_dump()) and SECRET not in str(live.model_dump())


@pytest.mark.parametrize("database, facts", [
    ("sqlserver", ["edition Standard Edition (64-bit): ONLINE = ON index and column operations are rejected",
                   "constraint ck_orders_note on orders is NOT VALID", "orders has triggers trg_orders_audit (AFTER)",
                   "view v_open_orders reads orders",
                   "38 rows stand in the way of step 'change type of orders.note to varchar(20)'"]),
    ("oracle", ["CREATE/DROP INDEX ... ONLINE need Enterprise Edition",
                "constraint fk_orders_customer on orders is NOT VALID",
                "orders has triggers trg_orders_audit (BEFORE EACH ROW UPDATE)", "view v_open_orders reads orders",
                "orders.shape has type SDO_GEOMETRY", "index ix_orders_note_upper on orders is not in dbmig's schema model",
                "38 rows stand in the way of step 'change type of orders.note to varchar(20)'"]),
])
def test_recorded_live_facts_reach_the_warnings(database, facts, recorded):
    recorded(database)
    result = generate(_req(database, "flyway", NARROW, dsn=f"{database}://u:pw@h/db"))
    text = "\n".join(result.warnings)
    for fact in facts:
        assert fact in text, fact
    assert "orders 1,000,000 rows (COUNT(*))" in result.deployment_guide.pre_migration_steps[0]


def test_missing_driver_names_the_package():
    require(find_spec("pymssql") is None, "an environment without pymssql")
    with pytest.raises(MissingDependency) as e:
        generate(_req("sqlserver", "flyway", NARROW, dsn="sqlserver://u:pw@h/db"))
    assert e.value.field == "dsn" and "pymssql" in e.value.message and ":pw@" not in e.value.message


def test_a_table_the_live_database_lacks_names_the_change(recorded):
    recorded("oracle")
    with pytest.raises(InvalidRequest) as e:
        generate(_req("oracle", "flyway", [{"op": "drop_column", "table": "invoices", "column": "x"}],
                      dsn="oracle://u:pw@h/db"))
    assert e.value.field == "changes.0.table" and "invoices does not exist" in e.value.message
    with pytest.raises(InvalidRequest) as e:
        generate(_req("oracle", "flyway", [{"op": "create_table", "table": "orders", "columns": [
            {"name": "id", "type": "integer"}]}], dsn="oracle://u:pw@h/db"))
    assert e.value.field == "changes.0.table" and "already exists" in e.value.message


# --- an unreachable DSN: a structured error naming `dsn` within 5 s, password masked -----------------

UNREACHABLE = [
    "postgresql://app:{pw}@127.0.0.1:1/shop",               # nothing listens: refused at once
    "mysql://app:{pw}@127.0.0.1:1/shop",
    "postgresql://app:{pw}@10.255.255.1:5432/shop",         # no route / no answer: the connect timeout
    "mysql://app:{pw}@10.255.255.1:3306/shop",
    "postgresql://app:{pw}@dbmig-no-such-host.invalid:5432/shop",   # DNS: the thread deadline
]


@pytest.mark.parametrize("dsn", UNREACHABLE)
def test_unreachable_dsn_answers_within_5_seconds(dsn):
    kind = dsn.split(":")[0]
    require(find_spec("psycopg" if kind == "postgresql" else "pymysql") is not None, f"the {kind} driver")
    started = time.monotonic()
    with pytest.raises(LiveDatabaseError) as e:
        generate(_req(kind, "flyway", NARROW, dsn=dsn.format(pw=QUOTED)))
    took = time.monotonic() - started
    assert took <= 5.0, took
    body = e.value.to_dict()
    assert body["field"] == "dsn" and body["code"] == "live_database_error" and "cannot connect" in body["message"]
    assert QUOTED not in json.dumps(body) and SECRET not in json.dumps(body) and ":***@" in body["message"]


def test_unreachable_dsn_through_mcp_and_cli():
    require(find_spec("psycopg") is not None, "the postgresql driver")
    from dbmig.server.tools import tool_specs
    dsn = f"postgresql://app:{QUOTED}@127.0.0.1:1/shop"
    spec = next(s for s in tool_specs() if s.name == "explain_migration")
    assert "dsn" in spec.input_schema["properties"]
    answer = spec.call({"database": "postgresql", "changes": NARROW, "dsn": dsn})
    assert answer.is_error and json.loads(answer.content[0].text)["field"] == "dsn"
    assert QUOTED not in answer.model_dump_json() and SECRET not in answer.model_dump_json()
    cli = subprocess.run([sys.executable, "-m", "dbmig.cli", "explain", "--database", "postgresql", "--dsn", dsn,
                          "--sql", "ALTER TABLE orders ADD COLUMN x INT", "--json"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert cli.returncode == 2 and '"field": "dsn"' in cli.stdout
    assert QUOTED not in cli.stdout + cli.stderr and SECRET not in cli.stdout + cli.stderr


def test_mcp_input_schemas_take_dsn():
    from dbmig.server.tools import tool_specs
    specs = {s.name: s for s in tool_specs()}
    for name in ("generate_migration", "explain_migration", "validate_migration"):
        dsn = specs[name].input_schema["properties"]["dsn"]
        assert any(t.get("type") == "string" for t in dsn["anyOf"]) and "read-only" in dsn["description"], name
    assert "dsn" not in specs["verify_migration"].input_schema.get("required", [])


# --- drift between two schemas ------------------------------------------------------------------

HISTORY = """
CREATE TABLE orders (id BIGINT NOT NULL, note VARCHAR(100), total NUMERIC(12,2) DEFAULT 0 NOT NULL, legacy TEXT,
    PRIMARY KEY (id), CONSTRAINT ck_total CHECK (total >= 0), CONSTRAINT fk_c FOREIGN KEY (id) REFERENCES c (id));
CREATE INDEX ix_note ON orders (note);
CREATE INDEX ix_total ON orders (total);
CREATE TABLE gone (id INT);
"""
LIVE = """
CREATE TABLE orders (id BIGINT NOT NULL, note VARCHAR(200), total NUMERIC(12,2) DEFAULT 1, flag BOOLEAN,
    CONSTRAINT orders_pkey PRIMARY KEY (id), CONSTRAINT ck_total CHECK (total > 0),
    CONSTRAINT fk_renamed FOREIGN KEY (id) REFERENCES c (id), CONSTRAINT uq_note UNIQUE (note));
CREATE INDEX ix_note ON orders (note) WHERE note IS NOT NULL;
CREATE TABLE extra (id INT);
"""


def test_drift_items_from_hand_built_schemas():
    items = schema_drift(parse_schema(HISTORY, "postgres"), parse_schema(LIVE, "postgres"))
    got = {(i.kind, i.table, i.name, i.expected, i.actual) for i in items}
    assert got == {
        ("table_extra", "extra", None, None, None),
        ("table_missing", "gone", None, None, None),
        ("column_missing", "orders", "legacy", None, None),
        ("column_extra", "orders", "flag", None, None),
        ("column_type", "orders", "note", "varchar(100)", "varchar(200)"),
        ("column_nullable", "orders", "total", "NOT NULL", "NULL"),
        ("column_default", "orders", "total", "0", "1"),
        ("constraint_differs", "orders", "ck_total", "CHECK (total >= 0)", "CHECK (total > 0)"),
        ("constraint_renamed", "orders", "fk_c", "fk_c", "fk_renamed"),
        ("constraint_extra", "orders", "uq_note", None, "UNIQUE (note)"),
        ("index_differs", "orders", "ix_note", "(note)", "(note) WHERE note IS NOT NULL"),
        ("index_missing", "orders", "ix_total", None, None),
    }
    # the unnamed primary key of the history is the database's orders_pkey: no drift
    assert not any("primary" in (i.expected or "").lower() for i in items)
    text = drift_warnings(items)
    assert "Drift: column orders.note differs: type is varchar(100) in the project's history, varchar(200) in " \
           "the live database." in text


def test_drift_limited_to_tables_and_none_for_equal_schemas():
    history, live = parse_schema(HISTORY, "postgres"), parse_schema(LIVE, "postgres")
    assert [i.kind for i in schema_drift(history, live, ["gone"])] == ["table_missing"]
    assert schema_drift(history, parse_schema(HISTORY, "postgres")) == []
    mysql_quoted = parse_schema("CREATE TABLE t (a INT, CONSTRAINT ck CHECK (`a` > 0))", "mysql")
    assert schema_drift(parse_schema("CREATE TABLE t (a INT, CONSTRAINT ck CHECK (a > 0))", "mysql"), mysql_quoted) == []


# --- catalog expressions read as a person writes them ----------------------------------------------

@pytest.mark.parametrize("module, text, tidy", [
    (postgresql, "((status)::text = ANY ((ARRAY['new'::character varying, 'paid'::character varying])::text[]))",
     "status IN ('new', 'paid')"),
    (postgresql, "(total >= (0)::numeric)", "total >= 0"),
    (postgresql, "((note)::text = 'x'::text)", "note = 'x'"),
    (mysql, "`status` in ('new','paid')", "`status` IN ('new', 'paid')"),      # STATUS is on MySQL's list
    (mysql, "`total` >= 0", "total >= 0"),
    (sqlserver, "([total]>=(0))", "total >= 0"),
    (sqlserver, "([order]>(0))", "[order] > 0"),
    (oracle, '"TOTAL" >= 0 AND "Mixed" > 1', 'total >= 0 AND "Mixed" > 1'),
])
def test_tidy(module, text, tidy):
    assert module.tidy(text) == tidy
