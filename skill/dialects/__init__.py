"""The registry of databases: `get_dialect("postgresql")`, the one list of them, and the names
other tools give each. Importing this package is cheap (no sqlglot): readers that only need a
database's names (dbmig.sources) do not pay for the dialects."""
from __future__ import annotations

from importlib import import_module

from ..errors import InvalidRequest


class Names:
    """What each layer and tool calls one database (a plain class: this package is imported by
    every `dbmig validate` process, which must not pay for importing dataclasses)."""
    __slots__ = ("sqlglot", "liquibase", "sqlalchemy")

    def __init__(self, sqlglot: str, liquibase: str, sqlalchemy: str):
        self.sqlglot = sqlglot          # sqlglot's dialect: parsing, the SQL gate, splitting scripts
        self.liquibase = liquibase      # Liquibase `dbms` value(s) a changeSet runs on
        self.sqlalchemy = sqlalchemy    # SQLAlchemy's dialect module (Alembic revisions)


# Our database name -> its names elsewhere; the dialect itself is dialects/<name>.py, <NAME>.
NAMES = {
    "postgresql": Names("postgres", "postgresql", "postgresql"),
    # a changeSet limited to "mysql" is skipped on MariaDB
    "mysql": Names("mysql", "mysql,mariadb", "mysql"),
    "sqlserver": Names("tsql", "mssql", "mssql"),
    "oracle": Names("oracle", "oracle", "oracle"),
}
DATABASES: tuple[str, ...] = tuple(NAMES)
# Names users and tools give the same databases.
ALIASES = {"postgres": "postgresql", "mariadb": "mysql", "mssql": "sqlserver"}


def get_dialect(database: str):
    if database not in NAMES:
        raise InvalidRequest(f"unknown database {database!r}", field="database", allowed=sorted(NAMES))
    return getattr(import_module(f"{__name__}.{database}"), database.upper())


def sqlglot_name(database: str) -> str:
    """sqlglot's name of one of DATABASES."""
    return NAMES[database].sqlglot


def sqlglot_dialect(name: str):
    """The dialect of the database sqlglot calls `name` (each database has its own name there)."""
    return get_dialect(next(db for db, names in NAMES.items() if names.sqlglot == name))


def parse_version(text: str | None) -> tuple[int, ...]:
    """'15' -> (15,), '10.11' -> (10, 11), 'mariadb-10.11' -> (10, 11); None -> ()."""
    if not text:
        return ()
    digits = text.rsplit("-", 1)[-1]
    return tuple(int(p) for p in digits.split(".") if p.isdigit())


def __getattr__(name: str):
    """`Dialect` and `Lock` load with the dialects, when first asked for."""
    if name == "Dialect":
        return import_module(f"{__name__}.base").Dialect
    if name == "Lock":
        return import_module(f"{__name__}.facts").Lock
    raise AttributeError(name)


__all__ = ["ALIASES", "DATABASES", "NAMES", "Dialect", "Lock", "Names", "get_dialect", "parse_version",
           "sqlglot_name"]
