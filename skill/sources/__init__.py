"""Read migration files into statements that remember where they came from.

Every statement keeps the file, the 1-based line and column of its first character and the
transaction it runs in, because findings must point into the file the user wrote, also when
the SQL sits inside Liquibase XML/YAML or an Alembic revision. One reader per file format
(flyway.py, liquibase.py, alembic.py; plain SQL here); Liquibase change elements and Alembic
`op.*` calls become *synthetic* SQL through one translator (translate.py), so one set of SQL
rules covers hand-written SQL and tool operations alike.
"""
from __future__ import annotations

import re
from importlib import import_module

from ..dialects import DATABASES, sqlglot_name
from ..limits import check_time
from . import flyway
from .flyway import FLYWAY_CALLBACK, FLYWAY_NAME, flyway_in_transaction, flyway_name, flyway_non_transactional  # noqa: F401
from .model import AlembicInfo, ChangeSet, FlywayName, Problem, SourceFile, Statement, base_name, lazy_re  # noqa: F401
from .sqltext import (line_col, mask, new_tx, offset, split_sql, sql_statements, statement_start,  # noqa: F401
                      tokens, blank_literals)

# The sqlglot dialect each database's SQL is split and masked in (the dialects' `sqlglot`).
DIALECTS = {database: sqlglot_name(database) for database in DATABASES}


# The first line of a Liquibase formatted SQL changelog.
FORMATTED_SQL = lazy_re(r"^\s*--\s*liquibase\s+formatted\s+sql", re.I)


def file_kind(filename: str, content: str, tool: str | None) -> str:
    name = base_name(filename).lower()
    if name.endswith(".conf"):
        return "flyway_conf"
    if name.endswith(".py"):
        return "alembic"
    if name.endswith(".xml"):
        return "liquibase_xml"
    if name.endswith((".yaml", ".yml", ".json")):
        return "liquibase_yaml"
    if FORMATTED_SQL.match(content):
        return "liquibase_sql"
    if tool == "flyway" or (tool is None and flyway_name(base_name(filename)).prefix):
        return "flyway"
    return "sql"


def read_sources(files: list[dict], database: str, tool: str | None,
                 version: tuple[int, ...] | None = None) -> list[SourceFile]:
    """Read every file; Flyway `.sql.conf` sidecars decide whether their script is transactional."""
    dialect = DIALECTS[database]
    sources = [SourceFile(f["filename"], file_kind(f["filename"], f["content"], tool), f["content"])
               for f in files]
    confs = {s.filename[:-len(".conf")]: s for s in sources if s.kind == "flyway_conf"}
    confs[flyway.VERSION] = version
    for src in sorted(sources, key=lambda s: s.kind != "flyway_conf"):   # sidecars first
        check_time("reading the files")
        module, reader = _READERS[src.kind]
        getattr(import_module(module, __name__), reader)(src, dialect, database, confs)
    return sources


def _read_plain(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    src.statements = sql_statements(src.filename, src.content, dialect, None)


# The reader of each file kind (module, function), imported for the files met: a plain SQL
# lint (a pre-commit hook) never loads the Liquibase and Alembic readers and the tool
# operations model behind them.
_READERS = {"sql": (__name__, "_read_plain"), "flyway": (".flyway", "read_script"),
            "flyway_conf": (".flyway", "read_conf"), "liquibase_xml": (".liquibase", "read_xml"),
            "liquibase_yaml": (".liquibase", "read_yaml"), "liquibase_sql": (".liquibase", "read_formatted_sql"),
            "alembic": (".alembic", "read_revision")}


def __getattr__(name: str):
    """The Liquibase reader's names, imported with it on first use."""
    if name in ("Element", "change_statements", "expat_tree"):
        return getattr(import_module(".liquibase", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
