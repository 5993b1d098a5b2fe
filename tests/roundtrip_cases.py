"""The T1 round-trip matrix: one starting schema with rows, one case per operation.

Each case is applied by a real tool to a fresh database seeded from START, validated, rolled
back, and compared with a snapshot taken before (schema and every row).
"""
from __future__ import annotations

START = {
    "postgresql": """
CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200),
  legacy TEXT, age INTEGER DEFAULT 0, status VARCHAR(20) DEFAULT 'new');
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL,
  total NUMERIC(10,2) DEFAULT 0 NOT NULL, note VARCHAR(50),
  CONSTRAINT ck_orders_total CHECK (total >= 0), CONSTRAINT uq_orders_note UNIQUE (note));
CREATE INDEX ix_orders_customer ON orders (customer_id);
""",
    "mysql": """
CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200),
  legacy TEXT, age INT DEFAULT 0, status VARCHAR(20) DEFAULT 'new');
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL,
  total DECIMAL(10,2) DEFAULT 0 NOT NULL, note VARCHAR(50),
  CONSTRAINT ck_orders_total CHECK (total >= 0), CONSTRAINT uq_orders_note UNIQUE (note));
CREATE INDEX ix_orders_customer ON orders (customer_id);
""",
    "sqlserver": """
CREATE TABLE customers (id INT PRIMARY KEY, name NVARCHAR(100) NOT NULL, email NVARCHAR(200),
  legacy NVARCHAR(MAX), age INT DEFAULT 0, status NVARCHAR(20) DEFAULT 'new');
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL,
  total DECIMAL(10,2) DEFAULT 0 NOT NULL, note NVARCHAR(50),
  CONSTRAINT ck_orders_total CHECK (total >= 0), CONSTRAINT uq_orders_note UNIQUE (note));
CREATE INDEX ix_orders_customer ON orders (customer_id);
""",
    "oracle": """
CREATE TABLE customers (id NUMBER(10) PRIMARY KEY, name VARCHAR2(100) NOT NULL, email VARCHAR2(200),
  legacy CLOB, age NUMBER(10) DEFAULT 0, status VARCHAR2(20) DEFAULT 'new');
CREATE TABLE orders (id NUMBER(10) PRIMARY KEY, customer_id NUMBER(10) NOT NULL,
  total NUMBER(10,2) DEFAULT 0 NOT NULL, note VARCHAR2(50),
  CONSTRAINT ck_orders_total CHECK (total >= 0), CONSTRAINT uq_orders_note UNIQUE (note));
CREATE INDEX ix_orders_customer ON orders (customer_id);
""",
}


def seed_statements() -> list[str]:
    customers = [
        f"({i}, 'name {i}', {'NULL' if i % 5 == 0 else repr(f'c{i}@example.com')}, 'legacy {i}', {20 + i % 50}, "
        f"{'NULL' if i % 7 == 0 else repr('new')})" for i in range(1, 51)]
    orders = [f"({i}, {1 + i % 50}, {i * 1.5:.2f}, {'NULL' if i % 3 else repr(f'note {i}')})"
              for i in range(1, 101)]
    return ["INSERT INTO customers (id, name, email, legacy, age, status) VALUES " + ", ".join(customers),
            "INSERT INTO orders (id, customer_id, total, note) VALUES " + ", ".join(orders)]


def col(name, type_, nullable=True, default=None):
    c = {"name": name, "type": type_, "nullable": nullable}
    return c | ({"default": default} if default is not None else {})


CASES = {
    "create_table": [{"op": "create_table", "table": "invoices", "columns": [
        col("id", "integer", False), col("amount", "decimal(10,2)", False, "0"), col("memo", "varchar(100)")],
        "primary_key": ["id"]}],
    "drop_table": [{"op": "drop_table", "table": "orders"}],
    "rename_table": [{"op": "rename_table", "table": "customers", "new_name": "clients"}],
    "add_column_nullable": [{"op": "add_column", "table": "customers", "column": col("phone", "varchar(30)")}],
    "add_column_not_null_default": [{"op": "add_column", "table": "customers",
                                     "column": col("score", "integer", False, "0")}],
    "drop_column": [{"op": "drop_column", "table": "customers", "column": "legacy"}],
    "rename_column": [{"op": "rename_column", "table": "customers", "column": "name", "new_name": "full_name"}],
    "alter_column_type_widen_varchar": [{"op": "alter_column_type", "table": "customers", "column": "email",
                                         "type": "varchar(300)"}],
    "alter_column_type_int_to_bigint": [{"op": "alter_column_type", "table": "customers", "column": "age",
                                         "type": "bigint"}],
    "set_not_null_backfill": [{"op": "set_not_null", "table": "customers", "column": "email",
                               "backfill": "'unknown@example.com'"}],
    "drop_not_null": [{"op": "drop_not_null", "table": "customers", "column": "name"}],
    "set_default": [{"op": "set_default", "table": "customers", "column": "status", "default": "'active'"}],
    "drop_default": [{"op": "drop_default", "table": "customers", "column": "age"}],
    "add_index": [{"op": "add_index", "table": "customers", "columns": ["email"]}],
    "drop_index": [{"op": "drop_index", "table": "orders", "name": "ix_orders_customer"}],
    "add_foreign_key": [{"op": "add_foreign_key", "table": "orders", "columns": ["customer_id"],
                         "ref_table": "customers", "ref_columns": ["id"]}],
    "add_unique": [{"op": "add_unique", "table": "customers", "columns": ["email"]}],
    "add_check": [{"op": "add_check", "table": "customers", "expression": "age >= 0"}],
    "drop_constraint": [{"op": "drop_constraint", "table": "orders", "name": "ck_orders_total"}],
}


def request(case: str, tool: str, database: str) -> dict:
    return dict(migration_tool=tool, database=database, migration_type="schema", downtime_allowed=True,
                migration_description=f"roundtrip {case.replace('_', ' ')}", changes=CASES[case],
                schema=START[database], table_rows={"customers": 50, "orders": 100}, author="dbmig-tests")
