"""Scratch databases on a live PostgreSQL or MySQL/MariaDB server, and schema/row snapshots.

`Server.scratch()` creates a fresh database, yields a `Scratch`, and drops the database
afterwards, also after a failure, Ctrl-C or SIGTERM (runners/lifecycle.py). It only ever drops
what it created: names are `dbmig_<label>_<host>_<pid>_<random>`, and a database whose owner
process on this host is gone is removed at the next start.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import quote

from .lifecycle import owned, owner_tag, stale

# Tables the migration tools keep for themselves: never part of a schema comparison.
TOOL_TABLES = {"flyway_schema_history", "databasechangelog", "databasechangeloglock", "alembic_version"}
_OWNED = re.compile(r"dbmig_\w*?_([0-9a-f]{6})_(\d+)_[0-9a-f]{6}")
_reaped: set[tuple[str, str, int]] = set()


class ScratchRefused(RuntimeError):
    """The server would not create the scratch database (privileges, connection)."""


@dataclass(frozen=True)
class Server:
    kind: str                # postgresql | mysql
    host: str = "127.0.0.1"
    port: int = 0
    user: str = ""
    password: str = ""
    # Where CREATE/DROP DATABASE are sent from. A DSN's own database: a user with privileges on
    # that database only may have none on `postgres` or `mysql`.
    admin_db: str | None = None

    @classmethod
    def local(cls, kind: str) -> "Server":
        if kind == "postgresql":
            return cls("postgresql", os.environ.get("DBMIG_PG_HOST", "127.0.0.1"),
                       int(os.environ.get("DBMIG_PG_PORT", 5432)), os.environ.get("DBMIG_PG_USER", "postgres"))
        return cls("mysql", os.environ.get("DBMIG_MY_HOST", "127.0.0.1"),
                   int(os.environ.get("DBMIG_MY_PORT", 3306)), os.environ.get("DBMIG_MY_USER", "root"))

    def connect(self, database: str | None, autocommit: bool = True):
        if self.kind == "postgresql":
            import psycopg
            return psycopg.connect(host=self.host, port=self.port, user=self.user,
                                   password=self.password or None, dbname=database or "postgres",
                                   autocommit=autocommit)
        import pymysql
        return pymysql.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                               database=database, autocommit=autocommit, charset="utf8mb4")

    def _admin(self):
        return contextlib.closing(self.connect(self.admin_db))

    @contextlib.contextmanager
    def scratch(self, label: str = "t") -> Iterator["Scratch"]:
        self.reap_stale()
        name = f"dbmig_{label[:16]}_{owner_tag()}_{secrets.token_hex(3)}".lower()
        with owned(lambda: self.drop(name)):     # registered first: a signal mid-CREATE drops it too
            try:
                with self._admin() as admin, admin.cursor() as cur:
                    cur.execute(f"CREATE DATABASE {name}" + (" CHARACTER SET utf8mb4" if self.kind == "mysql" else ""))
            except Exception as e:  # noqa: BLE001 - the driver's own reason, for the caller
                raise ScratchRefused(f"cannot create the scratch database {name} as {self.user}: "
                                     f"{str(e).strip()[:500]}") from None
            yield Scratch(self, name)

    def drop(self, name: str) -> None:
        """Drop one of our scratch databases, ending sessions still in it (a tool process left
        behind by a signal would otherwise hold MySQL's metadata lock)."""
        with self._admin() as admin, admin.cursor() as cur:
            if self.kind == "postgresql":
                cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                return
            cur.execute("SELECT id FROM information_schema.processlist WHERE db = %s AND id <> CONNECTION_ID()",
                        (name,))
            for (session,) in cur.fetchall():
                with contextlib.suppress(Exception):
                    cur.execute(f"KILL {int(session)}")
            cur.execute(f"DROP DATABASE IF EXISTS {name}")

    def reap_stale(self) -> None:
        """Once per process and server: drop the scratch databases whose owner died without
        cleaning up (SIGKILL). Best effort: a user without the privilege leaves them."""
        key = (self.kind, self.host, self.port)
        if key in _reaped:
            return
        _reaped.add(key)
        sql = ("SELECT datname FROM pg_database" if self.kind == "postgresql"
               else "SELECT schema_name FROM information_schema.schemata")
        with contextlib.suppress(Exception):
            with self._admin() as admin, admin.cursor() as cur:
                cur.execute(sql)
                names = [r[0] for r in cur.fetchall()]
            for name in names:
                m = _OWNED.fullmatch(name)
                if m and stale(m[1], int(m[2])):
                    with contextlib.suppress(Exception):
                        self.drop(name)


@dataclass
class Scratch:
    server: Server
    database: str

    @property
    def kind(self) -> str:
        return self.server.kind

    def sqlalchemy_url(self) -> str:
        s = self.server
        login = quote(s.user, safe="") + (":" + quote(s.password, safe="") if s.password else "")
        if self.kind == "postgresql":
            return f"postgresql+psycopg://{login}@{s.host}:{s.port}/{self.database}"
        return f"mysql+pymysql://{login}@{s.host}:{s.port}/{self.database}?charset=utf8mb4"

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
        "numeric_scale, is_nullable, column_default, is_identity, identity_generation "
        "FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name <> ALL(%s) ORDER BY 1, 2" % _pg_array(skip))
    indexes = s.query("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                      "AND tablename <> ALL(%s) ORDER BY 1, 2" % _pg_array(skip))
    constraints = s.query(
        "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' "
        "AND c.conrelid::regclass::text <> ALL(%s) ORDER BY 1, 2" % _pg_array(skip))
    # partitioning (a table recreated plain would read the same above) and indexes left invalid
    partitions = s.query(
        "SELECT c.relname, pg_get_partkeydef(c.oid), p.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
        "LEFT JOIN pg_class p ON p.oid = i.inhparent WHERE n.nspname = 'public' "
        "AND (c.relkind = 'p' OR c.relispartition) AND c.relkind IN ('r', 'p') ORDER BY 1")
    invalid = s.query("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n "
                      "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT i.indisvalid ORDER BY 1")
    # a table's storage parameters and its TOAST table's (an index's are in its indexdef)
    storage = s.query("SELECT c.relname, c.reloptions::text, t.reloptions::text FROM pg_class c JOIN pg_namespace n "
                      "ON n.oid = c.relnamespace LEFT JOIN pg_class t ON t.oid = c.reltoastrelid "
                      "WHERE n.nspname = 'public' AND c.relkind = 'r' "
                      "AND (c.reloptions IS NOT NULL OR t.reloptions IS NOT NULL) ORDER BY 1")
    comments = s.query(
        "SELECT c.relname, COALESCE(a.attname, ''), d.description FROM pg_description d JOIN pg_class c "
        "ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0 "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> ALL(%s) ORDER BY 1, 2"
        % _pg_array(skip))
    return {"columns": columns, "indexes": indexes, "constraints": constraints, "partitions": partitions,
            "invalid_indexes": invalid, "storage": storage, "comments": comments}


def _pg_array(names) -> str:
    return "ARRAY[" + ",".join(f"'{n}'" for n in names) + "]"


def _my_schema(s: Scratch) -> dict:
    skip = ",".join(f"'{n}'" for n in TOOL_TABLES)
    where = f"table_schema = DATABASE() AND table_name NOT IN ({skip})"
    columns = s.query(f"SELECT table_name, column_name, column_type, is_nullable, column_default, extra "
                      f"FROM information_schema.columns WHERE {where} ORDER BY 1, 2")
    from ..live.mysql import hidden_index
    hidden, _ = hidden_index(s.query)       # an index the optimizer ignores (MariaDB IGNORED, MySQL INVISIBLE)
    indexes = s.query(f"SELECT table_name, index_name, non_unique, seq_in_index, column_name, sub_part, collation, "
                      f"index_type, index_comment, {hidden} "
                      f"FROM information_schema.statistics WHERE {where} ORDER BY 1, 2, 4")
    constraints = s.query(f"SELECT table_name, constraint_name, constraint_type FROM "
                          f"information_schema.table_constraints WHERE {where} ORDER BY 1, 2")
    checks = s.query("SELECT table_name, constraint_name, check_clause FROM information_schema.check_constraints "
                     "WHERE constraint_schema = DATABASE() ORDER BY 1, 2")
    fks = s.query("SELECT table_name, constraint_name, referenced_table_name, delete_rule FROM "
                  "information_schema.referential_constraints WHERE constraint_schema = DATABASE() ORDER BY 1, 2")
    comments = s.query(f"SELECT table_name, '', table_comment FROM information_schema.tables WHERE {where} "
                       f"AND table_comment <> '' UNION ALL SELECT table_name, column_name, column_comment FROM "
                       f"information_schema.columns WHERE {where} AND column_comment <> '' ORDER BY 1, 2")
    return {"columns": columns, "indexes": indexes, "constraints": constraints, "checks": checks, "fks": fks,
            "comments": comments}
