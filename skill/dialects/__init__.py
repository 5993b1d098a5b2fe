"""The registry of databases: `get_dialect("postgresql")`, and the one list of them."""
from __future__ import annotations

from importlib import import_module

from ..errors import InvalidRequest
from .base import Dialect
from .facts import Lock

# Our database name -> (module, instance). The one list of databases every layer takes.
_MODULES = {"postgresql": ("postgresql", "POSTGRESQL"), "mysql": ("mysql", "MYSQL"),
            "sqlserver": ("sqlserver", "SQLSERVER"), "oracle": ("oracle", "ORACLE")}
DATABASES: tuple[str, ...] = tuple(_MODULES)
# Names the other tools and users give the same databases.
ALIASES = {"postgres": "postgresql", "mariadb": "mysql", "mssql": "sqlserver"}


def get_dialect(database: str) -> Dialect:
    try:
        module, attr = _MODULES[database]
    except KeyError:
        raise InvalidRequest(f"unknown database {database!r}", field="database",
                             allowed=sorted(_MODULES)) from None
    return getattr(import_module(f"{__name__}.{module}"), attr)


def sqlglot_name(database: str) -> str:
    """sqlglot's name of one of DATABASES."""
    return get_dialect(database).sqlglot


def parse_version(text: str | None) -> tuple[int, ...]:
    """'15' -> (15,), '10.11' -> (10, 11), 'mariadb-10.11' -> (10, 11); None -> ()."""
    if not text:
        return ()
    digits = text.rsplit("-", 1)[-1]
    return tuple(int(p) for p in digits.split(".") if p.isdigit())


__all__ = ["ALIASES", "DATABASES", "Dialect", "Lock", "get_dialect", "parse_version", "sqlglot_name"]
