"""A `schema` given as the dump tools print it: `pg_dump --schema-only` (settings, psql's
`\\restrict` line, ownership, sequences, keys and identities added by ALTER TABLE after each
CREATE TABLE) and `mariadb-dump --no-data` (conditional-comment settings, DROP TABLE IF EXISTS,
inline KEYs, ENGINE options). Before, both were refused ("does not parse" / "may hold only CREATE
TABLE"): what an agent most often has at hand is a dump. Read as the database holds it, each
table is then changed and rolled back by the real tools on the database it was dumped from."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from dbmig.api import generate
from dbmig.errors import InvalidRequest
from dbmig.runners import runner
from dbmig.schema import parse_schema

from .conftest import liquibase_bin, live_server, require
from .test_zero_downtime import phase_files, phase_tests

TABLES = {
    "postgresql": [
        "CREATE TABLE customers (id bigserial PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, name text, "
        "created_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL "
        "REFERENCES customers (id) ON DELETE CASCADE, total numeric(12,2) NOT NULL DEFAULT 0 CHECK (total >= 0), "
        "status varchar(20) NOT NULL DEFAULT 'new', note text)",
        "CREATE INDEX orders_customer_idx ON orders (customer_id)",
        "CREATE INDEX orders_open_idx ON orders (status) WHERE status <> 'done'",
        "CREATE VIEW open_orders AS SELECT id, status FROM orders WHERE status <> 'done'",
    ],
    "mysql": [
        "CREATE TABLE customers (id bigint AUTO_INCREMENT PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, "
        "name text, created_at timestamp NOT NULL DEFAULT current_timestamp)",
        "CREATE TABLE orders (id bigint AUTO_INCREMENT PRIMARY KEY, customer_id bigint NOT NULL, total decimal(12,2) "
        "NOT NULL DEFAULT 0 CHECK (total >= 0), status varchar(20) NOT NULL DEFAULT 'new', note text, "
        "KEY orders_status_idx (status), CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) "
        "REFERENCES customers (id) ON DELETE CASCADE)",
    ],
}
ROWS = ["INSERT INTO customers (email, name) VALUES ('a@x.io', 'Ann'), ('b@x.io', 'Bob')",
        "INSERT INTO orders (customer_id, total, note) VALUES (1, 10, 'first'), (1, 5, NULL), (2, 7, 'third')"]
CHANGES = [{"op": "rename_column", "table": "orders", "column": "note", "new_name": "remark"},
           {"op": "drop_column", "table": "customers", "column": "name"}]


def generated(tool: str, database: str, changes: list[dict], downtime: bool = True, **extra):
    if tool == "liquibase":
        liquibase_bin()
    return generate(dict(migration_tool=tool, database=database, migration_type="schema", downtime_allowed=downtime,
                         migration_description="change what the schema holds", changes=changes,
                         author="dbmig-tests", confirm_data_loss=True) | extra)


def round_trip(scratch, tool: str, result, tmp_path) -> None:
    """Apply each phase (one for T1/T2) with its tests, roll all back: schema and rows as at the start."""
    start, phases = scratch.snapshot(), phase_files(result)
    for n, (name, files) in enumerate(phases):
        runner(tool).upgrade(scratch, files, tmp_path)
        for t in phase_tests(result, name, n == len(phases) - 1):
            assert scratch.query(t.query) == t.expected_rows, f"{name}: {t.description}\n{t.query}"
    for _, files in reversed(phases):
        runner(tool).downgrade(scratch, files, tmp_path)
    after = scratch.snapshot()
    assert after["schema"] == start["schema"]
    assert after["rows"] == start["rows"]


def round_trip_from(source: str, database: str, statements: list[str], tool: str, changes: list[dict],
                    tmp_path, downtime: bool = True):
    """Create `statements` on a scratch database, generate `changes` from its schema as `source`
    gives it ("dump": the dump tool's text; "dsn": the live catalog), apply and roll back."""
    from .test_live import _dsn
    server = live_server(database)
    with server.scratch(f"from_{source}") as scratch:
        scratch.execute(statements)
        given = {"dsn": _dsn(server, scratch.database)} if source == "dsn" else {"schema": dump(server, scratch.database)}
        result = generated(tool, database, changes, downtime, **given)
        round_trip(scratch, tool, result, tmp_path)
        return result


def dump(server, database: str) -> str:
    tool = "pg_dump" if server.kind == "postgresql" else "mariadb-dump"
    require(shutil.which(tool) is not None, tool)
    command = ([tool, "--schema-only", "-h", server.host, "-p", str(server.port), "-U", server.user, database]
               if server.kind == "postgresql" else
               [tool, "--no-data", "-h", server.host, "-P", str(server.port), "-u", server.user, database])
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
def test_a_dump_is_the_schema_changes_are_applied_and_rolled_back(tool, database, tmp_path):
    with live_server(database).scratch("dumped") as scratch:
        scratch.execute(TABLES[database] + ROWS)
        text = dump(live_server(database), scratch.database)
        known = parse_schema(text, "postgres" if database == "postgresql" else "mysql")
        orders = known.table("orders")
        assert orders.columns["id"].identity == ("always" if database == "postgresql" else "by_default")
        assert "orders_status_idx" in orders.indexes or "orders_open_idx" in orders.indexes
        assert {c.kind for c in orders.constraints.values()} >= {"primary_key", "foreign_key", "check"}
        assert known.table("customers").columns["id"].identity in ("serial", "by_default")
        round_trip(scratch, tool, generated(tool, database, CHANGES, schema=text), tmp_path)


PG_DUMP = """\\restrict abc
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.t (id integer NOT NULL, code text);
ALTER TABLE public.t OWNER TO app;
COMMENT ON TABLE public.t IS 'a ; table';
CREATE SEQUENCE public.t_id_seq AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;
ALTER TABLE ONLY public.t ALTER COLUMN id SET DEFAULT nextval('public.t_id_seq'::regclass);
ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
CREATE VIEW public.v AS SELECT id FROM public.t;
CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql AS $$ SELECT 1; $$;
GRANT SELECT ON TABLE public.t TO reader;
CREATE TABLE public.u (id bigint NOT NULL);
ALTER TABLE public.u ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.u_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1
);
\\unrestrict abc
"""


def test_what_a_dump_holds_besides_tables_changes_nothing():
    known = parse_schema(PG_DUMP, "postgres")
    t = known.table("t")
    assert t.columns["id"].identity == "serial" and not t.columns["id"].nullable
    assert [c.name for c in t.constraints.values()] == ["t_pkey"]
    assert known.table("u").columns["id"].identity == "always" and sorted(known.tables) == ["t", "u"]


def test_a_dump_statement_the_model_cannot_hold_is_refused_naming_its_line():
    text = "SET search_path = public;\nCREATE TABLE t (id integer PRIMARY KEY, code text);\n" \
           "ALTER TABLE t OF code_type;\n"
    with pytest.raises(InvalidRequest) as raised:
        parse_schema(text, "postgres")
    assert raised.value.field == "schema" and "line 3" in str(raised.value)


# SSMS "Generate Scripts" for two tables (SQL Server has no server here: checked offline, as the
# generated files are by the result gate)
SSMS_SCRIPT = """USE [shop]
GO
/****** Object:  Table [dbo].[customers]    Script Date: 12/5/2026 10:00:00 AM ******/
SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO
CREATE TABLE [dbo].[customers](
	[id] [bigint] IDENTITY(1,1) NOT NULL,
	[email] [nvarchar](255) NOT NULL,
	[name] [nvarchar](100) NULL,
	[created_at] [datetime2](7) NOT NULL,
 CONSTRAINT [PK_customers] PRIMARY KEY CLUSTERED 
(
	[id] ASC
)WITH (PAD_INDEX = OFF, STATISTICS_NORECOMPUTE = OFF, IGNORE_DUP_KEY = OFF, ALLOW_ROW_LOCKS = ON, ALLOW_PAGE_LOCKS = ON, OPTIMIZE_FOR_SEQUENTIAL_KEY = OFF) ON [PRIMARY]
) ON [PRIMARY]
GO
/****** Object:  Table [dbo].[orders]    Script Date: 12/5/2026 10:00:00 AM ******/
SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO
CREATE TABLE [dbo].[orders](
	[id] [bigint] IDENTITY(1,1) NOT NULL,
	[customer_id] [bigint] NOT NULL,
	[total] [decimal](12, 2) NOT NULL,
	[note] [nvarchar](max) NULL,
 CONSTRAINT [PK_orders] PRIMARY KEY CLUSTERED 
(
	[id] ASC
)WITH (PAD_INDEX = OFF, STATISTICS_NORECOMPUTE = OFF, IGNORE_DUP_KEY = OFF, ALLOW_ROW_LOCKS = ON, ALLOW_PAGE_LOCKS = ON, OPTIMIZE_FOR_SEQUENTIAL_KEY = OFF) ON [PRIMARY]
) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]
GO
SET ANSI_PADDING ON
GO
/****** Object:  Index [IX_orders_customer_id]    Script Date: 12/5/2026 10:00:00 AM ******/
CREATE NONCLUSTERED INDEX [IX_orders_customer_id] ON [dbo].[orders]
(
	[customer_id] ASC
)WITH (PAD_INDEX = OFF, STATISTICS_NORECOMPUTE = OFF, SORT_IN_TEMPDB = OFF, DROP_EXISTING = OFF, ONLINE = OFF, ALLOW_ROW_LOCKS = ON, ALLOW_PAGE_LOCKS = ON, OPTIMIZE_FOR_SEQUENTIAL_KEY = OFF) ON [PRIMARY]
GO
ALTER TABLE [dbo].[customers] ADD  CONSTRAINT [DF_customers_created_at]  DEFAULT (sysdatetime()) FOR [created_at]
GO
ALTER TABLE [dbo].[orders] ADD  DEFAULT ((0)) FOR [total]
GO
ALTER TABLE [dbo].[orders]  WITH CHECK ADD  CONSTRAINT [FK_orders_customers] FOREIGN KEY([customer_id])
REFERENCES [dbo].[customers] ([id])
ON DELETE CASCADE
GO
ALTER TABLE [dbo].[orders] CHECK CONSTRAINT [FK_orders_customers]
GO
ALTER TABLE [dbo].[orders]  WITH CHECK ADD  CONSTRAINT [CK_orders_total] CHECK  (([total]>=(0)))
GO
ALTER TABLE [dbo].[orders] CHECK CONSTRAINT [CK_orders_total]
GO
"""


def test_a_sql_server_script_is_the_schema():
    """Keys written `PRIMARY KEY CLUSTERED ([id] ASC) WITH (...) ON [PRIMARY]`, `TEXTIMAGE_ON`,
    `CREATE NONCLUSTERED INDEX`, defaults added as `ALTER TABLE ... ADD CONSTRAINT ... DEFAULT (...)
    FOR [col]`, foreign keys and checks added WITH CHECK then enabled with CHECK CONSTRAINT."""
    known = parse_schema(SSMS_SCRIPT, "tsql")
    customers, orders = known.table("customers"), known.table("orders")
    assert [(c.name, c.kind, c.columns) for c in orders.constraints.values()] == [
        ("PK_orders", "primary_key", ["id"]), ("FK_orders_customers", "foreign_key", ["customer_id"]),
        ("CK_orders_total", "check", [])]
    assert [c.name for c in customers.constraints.values()] == ["PK_customers"]
    assert orders.columns["id"].identity == "by_default" and orders.columns["total"].default == "((0))"
    assert list(orders.indexes) == ["ix_orders_customer_id"]
    result = generate(dict(migration_tool="flyway", database="sqlserver", migration_type="schema",
                           downtime_allowed=True, migration_description="drop note", schema=SSMS_SCRIPT,
                           changes=[{"op": "drop_column", "table": "orders", "column": "note"}], confirm_data_loss=True))
    assert "note NVARCHAR(MAX)" in result.rollback_script.content.replace("[", "").replace("]", "")


def test_show_create_table_keeps_its_keys():
    """MySQL's SHOW CREATE TABLE names each index inside the table (KEY, UNIQUE KEY): those were
    dropped silently when the schema held only CREATE TABLE statements (the dump path kept them)."""
    text = ("CREATE TABLE `orders` (\n  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n  `sku` varchar(40) NOT NULL,\n"
            "  `status` varchar(20) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `uk_orders_sku` (`sku`),\n"
            "  KEY `ix_orders_status` (`status`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;")
    orders = parse_schema(text, "mysql").table("orders")
    assert list(orders.indexes) == ["ix_orders_status"] and orders.indexes["ix_orders_status"].columns == ["status"]
    assert [(c.name, c.kind) for c in orders.constraints.values()][1] == ("uk_orders_sku", "unique")
    assert orders.columns["status"].default is None and not orders.columns["id"].nullable


# Columns of types with no portable equivalent, as real schemas have them: kept as the database
# spells them (an array, an address, an enum; MySQL's ENUM and SET), so that the rest of the table
# is known and such a column can be dropped, renamed or restated and come back as it was.
NATIVE = {
    "postgresql": ["CREATE TYPE mood AS ENUM ('ok', 'sad')",
                   "CREATE TABLE people (id bigint PRIMARY KEY, tags text[], ip inet NOT NULL, "
                   "feeling mood DEFAULT 'ok', note varchar(20))"],
    "mysql": ["CREATE TABLE people (id bigint PRIMARY KEY, kind ENUM('a', 'b') NOT NULL DEFAULT 'a', "
              "flags SET('x', 'y'), ip varchar(45) NOT NULL, note varchar(20))"],
}
NATIVE_ROWS = {
    "postgresql": ["INSERT INTO people VALUES (1, '{a,b}', '10.0.0.1', 'sad', 'n1'), (2, NULL, '::1', 'ok', NULL)"],
    "mysql": ["INSERT INTO people VALUES (1, 'b', 'x,y', '10.0.0.1', 'n1'), (2, 'a', NULL, '::1', NULL)"],
}
NATIVE_CHANGES = {
    "postgresql": [{"op": "drop_column", "table": "people", "column": "tags"},
                   {"op": "drop_column", "table": "people", "column": "feeling"},
                   {"op": "rename_column", "table": "people", "column": "ip", "new_name": "address"}],
    "mysql": [{"op": "drop_column", "table": "people", "column": "kind"},
              {"op": "set_not_null", "table": "people", "column": "note", "backfill": "'-'"},
              {"op": "rename_column", "table": "people", "column": "flags", "new_name": "options"}],
}


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
@pytest.mark.parametrize("downtime", [True, False])
def test_columns_of_the_databases_own_types_roll_back_as_they_were(tool, database, downtime, tmp_path):
    result = generated(tool, database, NATIVE_CHANGES[database], downtime, schema=";\n".join(NATIVE[database]) + ";")
    with live_server(database).scratch("native") as scratch:
        scratch.execute(NATIVE[database] + NATIVE_ROWS[database])
        round_trip(scratch, tool, result, tmp_path)


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
def test_a_dropped_table_comes_back_with_its_own_types(tool, database, tmp_path):
    result = generated(tool, database, [{"op": "drop_table", "table": "people"}],
                       schema=";\n".join(NATIVE[database]) + ";")
    with live_server(database).scratch("native_drop") as scratch:
        scratch.execute(NATIVE[database] + NATIVE_ROWS[database])
        round_trip(scratch, tool, result, tmp_path)


@pytest.mark.engine
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
def test_read_from_the_live_database_a_native_column_rolls_back_too(database, tmp_path):
    """With `dsn` the catalog's spelling is kept (it was left out of the schema, with a note)."""
    from .test_live import _dsn
    server = live_server(database)
    column = "tags" if database == "postgresql" else "flags"
    with server.scratch("native_live") as scratch:
        scratch.execute(NATIVE[database] + NATIVE_ROWS[database])
        result = generated("flyway", database, [{"op": "drop_column", "table": "people", "column": column}],
                           dsn=_dsn(server, scratch.database), confirm_data_loss=False)
        round_trip(scratch, "flyway", result, tmp_path)


def test_a_native_type_is_not_converted():
    with pytest.raises(InvalidRequest) as raised:
        generate(dict(migration_tool="flyway", database="postgresql", migration_type="schema", downtime_allowed=True,
                      migration_description="tags to text", schema="CREATE TABLE people (id int PRIMARY KEY, tags text[]);",
                      changes=[{"op": "alter_column_type", "table": "people", "column": "tags", "type": "text"}]))
    assert raised.value.field == "changes.0.type" and "TEXT[]" in str(raised.value)
