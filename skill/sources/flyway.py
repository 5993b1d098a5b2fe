"""Flyway: V/U/R script names, `.sql.conf` sidecars, and whether Flyway runs a script in a
transaction."""
from __future__ import annotations

import re

from .model import FlywayName, SourceFile, lazy_re
from .sqltext import new_tx, sql_statements

VERSION = "\0version"     # the target version travels to the readers with the sidecars

FLYWAY_NAME = lazy_re(r"^(?P<prefix>[VU])(?P<version>\d+(?:[._]\d+)*)__(?P<desc>.+)\.sql$"
                         r"|^(?P<rprefix>R)__(?P<rdesc>.+)\.sql$")
# Flyway callbacks (beforeMigrate.sql, afterEachMigrate__x.sql...) are legitimate non-versioned names.
FLYWAY_CALLBACK = lazy_re(r"^(?:before|after)[A-Za-z]+(?:__.+)?\.sql$")


def flyway_name(basename: str) -> FlywayName:
    m = FLYWAY_NAME.fullmatch(basename)
    if not m:
        return FlywayName(None)
    if m.group("rprefix"):
        return FlywayName("R", (), m.group("rdesc"))
    version = tuple(int(p) for p in re.split(r"[._]", m.group("version")))
    return FlywayName(m.group("prefix"), version, m.group("desc"))


def read_script(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    src.flyway = flyway_name(src.basename)
    direction = "down" if src.flyway.prefix == "U" else "up"
    src.statements = sql_statements(src.filename, src.content, dialect, new_tx(), direction=direction)
    if not flyway_in_transaction(src, confs.get(src.filename), database, confs.get(VERSION)):
        src.statements = sql_statements(src.filename, src.content, dialect, None, direction=direction)


# Statements Flyway will not run in a transaction, matched on a statement's leading keywords
# (flyway-database-postgresql, PostgreSQLParser.detectCanExecuteInTransaction). Flyway's own list:
# REINDEX ... CONCURRENTLY on a table or index is not on it, so Flyway runs that in a transaction.
FLYWAY_NON_TX = {"postgresql": lazy_re(
    r"\s*(?:(?:CREATE|DROP)\s+(?:DATABASE|TABLESPACE|SUBSCRIPTION)\b|ALTER\s+SYSTEM\b|"
    r"(?:CREATE|DROP)(?:\s+UNIQUE)?\s+INDEX\s+CONCURRENTLY\b|REINDEX(?:\s+VERBOSE)?\s+(?:SCHEMA|DATABASE|SYSTEM)\b|"
    r"VACUUM\b|DISCARD\s+ALL\b)", re.I)}
FLYWAY_ENUM_ADD = lazy_re(r"\s*ALTER\s+TYPE\b[^;]*?\bADD\s+VALUE\b", re.I)   # non-transactional before PG 12


def flyway_non_transactional(text: str, database: str, version: tuple[int, ...] | None) -> bool:
    pattern = FLYWAY_NON_TX.get(database)
    if pattern is None:
        return False
    old = version is not None and version < (12,)
    return bool(pattern.match(text) or (old and FLYWAY_ENUM_ADD.match(text)))


def flyway_in_transaction(src: SourceFile, conf: SourceFile | None, database: str,
                          version: tuple[int, ...] | None) -> bool:
    """How Flyway decides: the sidecar's executeInTransaction wins; otherwise a script whose
    statements all cannot run in a transaction runs outside one, any other runs in one (a script
    mixing both is refused unless flyway.mixed=true: rule FW004)."""
    setting = (conf.conf or {}).get("executeInTransaction") if conf else None
    if setting is not None:
        return setting.strip().lower() != "false"
    texts = [s.text for s in src.statements]
    return not texts or not all(flyway_non_transactional(t, database, version) for t in texts)


def read_conf(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    values = {}
    for raw in src.content.splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip().removeprefix("flyway.")] = value.strip()
    src.conf = values
