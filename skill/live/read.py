"""One read of a live database: the server's facts and the named tables, in one read-only session.

The catalog queries take all names at once (a bounded IN list), so a request naming 200 tables
costs the same handful of queries as one naming a single table. Row counts start from the
planner's statistics and are made exact with COUNT(*) where a table is small enough to count
within the session's budget (session.COUNT_BUDGET_S), so estimates rest on true counts where
that is cheap and on statistics where it is not; `LiveTable.exact` says which.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from ..dialects.base import Dialect
from .dsn import parse_dsn
from .model import CatalogTable, ServerFacts
from .session import NOT_COUNTED, Session, open_session

EXACT_LIMIT = 5_000_000     # estimated rows up to which a table is counted exactly


@dataclass
class LiveFacts:
    source: str                         # the DSN, password masked
    read_at: str                        # ISO-8601, America/New_York, like a result's timestamp
    server: ServerFacts
    tables: dict[str, CatalogTable]     # by the name the request uses
    named: list[str]                    # the tables asked for (the rest reference them)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def found(self, name: str) -> CatalogTable | None:
        return self.tables.get(name) or next((t for k, t in self.tables.items() if k.lower() == name.lower()), None)

    def rows(self) -> dict[str, int]:
        return {n: self.tables[n].rows for n in self.named if n in self.tables and self.tables[n].rows is not None}

    def summary(self) -> dict:
        """The read as a result shows it (explain, validate): never the password."""
        return {"source": self.source, "read_at": self.read_at, "server": self.server.product,
                "database_version": self.server.version,
                "tables": {n: {"rows": t.rows, "rows_from": "count" if t.exact else "statistics", "bytes": t.bytes}
                           for n in self.named if (t := self.tables.get(n)) is not None},
                "notes": self.server.notes + [n for name in self.named if name in self.tables
                                              for n in self.tables[name].notes]}


def read_live(dsn: str, dialect: Dialect, names: list[str], referencing: bool = True) -> LiveFacts:
    """The server and the named tables (and, with `referencing`, the tables whose foreign keys
    point at them: dropping a column needs to know them). Names not found are left out."""
    target = parse_dsn(dsn, dialect.name)
    started = time.monotonic()
    with open_session(target, dialect) as (session, server):
        read_at = datetime.now(ZoneInfo("America/New_York")).isoformat(timespec="seconds")
        tables = _tables(session, names)
        named = [n for n in dict.fromkeys(names) if n in tables]
        family = getattr(session.engine, "partition_family", None)
        if family and any(t.partition_by or t.partition_of for t in tables.values()):
            tables |= _tables(session, [n for n in family(session, _literals(named, dialect)) if n not in tables])
        if referencing and named:
            children = [n for n in session.engine.referencing(session, _literals(named, dialect)) if n not in tables]
            tables |= _tables(session, children)
        for name in named:
            _count(session, tables[name])
    return LiveFacts(target.shown, read_at, server, tables, named, round(time.monotonic() - started, 3))


def _tables(session: Session, names: list[str]) -> dict[str, CatalogTable]:
    """Catalog tables keyed by the request's spelling of each name (Oracle stores them upper case)."""
    if not names:
        return {}
    found = session.engine.read_tables(session, _literals(names, session.dialect))
    spelled = {session.dialect.catalog_name(n): n for n in names}
    out = {}
    for stored, table in found.items():
        table.name = spelled.get(stored, table.name)
        out[table.name] = table
    return out


def _literals(names: list[str], d: Dialect) -> str:
    return ", ".join(d.literal(d.catalog_name(n)) for n in sorted(set(names)))


def _count(session: Session, table: CatalogTable) -> None:
    if table.rows is not None and table.rows > EXACT_LIMIT:
        return
    d = session.dialect
    rows = session.count(d.check("row_count", table=d.q(table.name)))
    if isinstance(rows, str):
        table.notes.append(f"rows of {table.name}: {NOT_COUNTED[rows]}; the planner's statistics are used")
        return
    table.rows, table.exact = rows, True


def server_version(dsn: str, database: str | None = None) -> str:
    """Only the server's version (as `database_version` takes it), for a caller that needs no
    table: the database comes from the DSN's scheme when not given."""
    from ..dialects import get_dialect
    from .dsn import SCHEMES, parse_dsn
    kind = database or SCHEMES.get(dsn.split(":", 1)[0].split("+")[0].lower(), "postgresql")
    dialect = get_dialect(kind)
    with open_session(parse_dsn(dsn, dialect.name), dialect) as (_, server):
        return server.version
