"""Scratch databases on a live PostgreSQL or MySQL/MariaDB server, and schema/row snapshots.

`Server.scratch()` creates a fresh database, yields a `Scratch`, and drops the database
afterwards, also after a failure: it only ever drops what it created (names start `dbmig_`).
"""
from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from typing import Any, Iterator

# Tables the migration tools keep for themselves: never part of a schema comparison.
TOOL_TABLES = {"flyway_schema_history", "databasechangelog", "databasechangeloglock", "alembic_version"}


@dataclass(frozen=True)
class Server:
    kind: str                # postgresql | mysql
    host: str = "127.0.0.1"
    port: int = 0
    user: str = ""
    password: str = ""

    @classmethod
    def local(cls, kind: str) -> "Server":
        if kind == "postgresql":
            return cls("postgresql", os.environ.get("DBMIG_PG_HOST", "127.0.0.1"),
                       int(os.environ.get("DBMIG_PG_PORT", 5432)), os.environ.get("DBMIG_PG_USER", "postgres"))
        return cls("mysql", os.environ.get("DBMIG_MY_HOST", "127.0.0.1"),
                   int(os.environ.get("DBMIG_MY_PORT", 3306)), os.environ.get("DBMIG_MY_USER", "root"))

    def connect(self, database: str, autocommit: bool = True):
        if self.kind == "postgresql":
            import psycopg
            return psycopg.connect(host=self.host, port=self.port, user=self.user,
                                   password=self.password or None, dbname=database, autocommit=autocommit)
        import pymysql
        return pymysql.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                               database=database, autocommit=autocommit, charset="utf8mb4")

    @contextlib.contextmanager
    def scratch(self, label: str = "t") -> Iterator["Scratch"]:
        name = f"dbmig_{label}_{secrets.token_hex(4)}".lower()[:60]
        admin = self.connect("postgres" if self.kind == "postgresql" else "mysql")
        try:
            with admin.cursor() as cur:
                cur.execute(f"CREATE DATABASE {name}" + (" CHARACTER SET utf8mb4" if self.kind == "mysql" else ""))
            yield Scratch(self, name)
        finally:
            with admin.cursor() as cur:
                if self.kind == "postgresql":
                    cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                else:
                    cur.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.close()


@dataclass
class Scratch:
    server: Server
    database: str

    @property
    def kind(self) -> str:
        return self.server.kind

    def sqlalchemy_url(self) -> str:
        s = self.server
        if self.kind == "postgresql":
            return f"postgresql+psycopg://{s.user}@{s.host}:{s.port}/{self.database}"
        return f"mysql+pymysql://{s.user}@{s.host}:{s.port}/{self.database}?charset=utf8mb4"

    def jdbc_url(self) -> str:
        s = self.server
        if self.kind == "postgresql":
            return f"jdbc:postgresql://{s.host}:{s.port}/{self.database}"
        return f"jdbc:mariadb://{s.host}:{s.port}/{self.database}"

    def execute(self, statements: list[str]) -> None:
        with contextlib.closing(self.server.connect(self.database)) as conn, conn.cursor() as cur:
            for s in statements:
                cur.execute(s)

    def query(self, sql: str) -> list[list[Any]]:
        with contextlib.closing(self.server.connect(self.database)) as conn, conn.cursor() as cur:
            cur.execute(sql)
            return [list(r) for r in cur.fetchall()]

    # --- snapshots ------------------------------------------------------------------------
    def snapshot(self) -> dict:
        """Schema and rows, in a form where equal means the same database (column order aside:
        PostgreSQL cannot put a re-added column back in its old position)."""
        schema = _pg_schema(self) if self.kind == "postgresql" else _my_schema(self)
        tables = sorted({row[0] for row in schema["columns"]})
        rows = {t: self.rows(t) for t in tables}
        return {"schema": schema, "rows": rows}

    def rows(self, table: str) -> list[str]:
        """Every row as text keyed by column name, sorted: equal sets of rows compare equal."""
        with contextlib.closing(self.server.connect(self.database)) as conn, conn.cursor() as cur:
            cur.execute(f"SELECT * FROM {_quote(self.kind, table)}")
            names = [d[0] for d in cur.description]
            return sorted(repr(sorted(zip(names, r))) for r in cur.fetchall())


def _quote(kind: str, name: str) -> str:
    return f'"{name}"' if kind == "postgresql" else f"`{name}`"


def _pg_schema(s: Scratch) -> dict:
    skip = tuple(TOOL_TABLES)
    columns = s.query(
        "SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, "
        "numeric_scale, is_nullable, column_default FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name <> ALL(%s) ORDER BY 1, 2" % _pg_array(skip))
    indexes = s.query("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                      "AND tablename <> ALL(%s) ORDER BY 1, 2" % _pg_array(skip))
    constraints = s.query(
        "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' "
        "AND c.conrelid::regclass::text <> ALL(%s) ORDER BY 1, 2" % _pg_array(skip))
    return {"columns": columns, "indexes": indexes, "constraints": constraints}


def _pg_array(names) -> str:
    return "ARRAY[" + ",".join(f"'{n}'" for n in names) + "]"


def _my_schema(s: Scratch) -> dict:
    skip = ",".join(f"'{n}'" for n in TOOL_TABLES)
    where = f"table_schema = DATABASE() AND table_name NOT IN ({skip})"
    columns = s.query(f"SELECT table_name, column_name, column_type, is_nullable, column_default, extra "
                      f"FROM information_schema.columns WHERE {where} ORDER BY 1, 2")
    indexes = s.query(f"SELECT table_name, index_name, non_unique, seq_in_index, column_name "
                      f"FROM information_schema.statistics WHERE {where} ORDER BY 1, 2, 4")
    constraints = s.query(f"SELECT table_name, constraint_name, constraint_type FROM "
                          f"information_schema.table_constraints WHERE {where} ORDER BY 1, 2")
    checks = s.query("SELECT table_name, constraint_name, check_clause FROM information_schema.check_constraints "
                     "WHERE constraint_schema = DATABASE() ORDER BY 1, 2")
    fks = s.query("SELECT table_name, constraint_name, referenced_table_name, delete_rule FROM "
                  "information_schema.referential_constraints WHERE constraint_schema = DATABASE() ORDER BY 1, 2")
    return {"columns": columns, "indexes": indexes, "constraints": constraints, "checks": checks, "fks": fks}
