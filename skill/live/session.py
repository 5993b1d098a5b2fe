"""A read-only session on a live database: connect within a deadline, run only gated SELECTs.

Three layers keep it read-only: the session itself is read-only (the engine module's `start`:
`SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`, `SET SESSION TRANSACTION READ ONLY`,
`SET TRANSACTION READ ONLY`, or for SQL Server a transaction that is only ever rolled back);
every query passes the SQL gate and must parse as one SELECT; and the queries are dbmig's own
catalog reads and counts, with request names only as quoted identifiers or literals.

Every wait is bounded: the connect (driver timeout, and a thread deadline for what the driver
does not cover, such as a DNS lookup), each statement (a server-side statement timeout), and
the exact counts together (COUNT_BUDGET_S). Errors name the field `dsn` and show the DSN masked.
"""
from __future__ import annotations

import contextlib
import importlib
import threading
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Iterator

from ..lazysqlglot import exp, sqlglot, sqlglot_errors
from ..dialects.base import Dialect
from ..errors import GateFailure, LiveDatabaseError, MissingDependency
from ..gate.sqlgate import check_statement
from .dsn import Target

CONNECT_S = 3           # the driver's connect timeout
DEADLINE_S = 4.0        # the whole connect, DNS and handshake included: an unreachable DSN answers within 5 s
STATEMENT_S = 4         # each catalog query and each COUNT(*) (server-side statement timeout)
COUNT_BUDGET_S = 10     # all counts of one session together; statistics beyond that

REASONS = {
    "unreachable": ("cannot connect", "check host and port, and that the server accepts connections from here"),
    "authentication": ("login refused", "check the user and password (in the DSN, or DBMIG_DSN_PASSWORD)"),
    "database": ("no such database", "check the database name in the DSN"),
    "privileges": ("missing privileges", "grant the DSN's user SELECT on the tables the request names "
                                         "(and USAGE on their schema); dbmig needs nothing more"),
    "timeout": ("no answer in time", "the server is busy or a lock blocks the catalog: retry, or give "
                                     "`schema` and `table_rows` by hand"),
    "other": ("the live database answered with an error", "check the DSN and the server log"),
}

NOT_COUNTED = {"timeout": f"not counted within {STATEMENT_S} s",
               "budget": f"not counted: the {COUNT_BUDGET_S} s budget for counting was spent",
               "missing_object": "not countable yet (it reads what an earlier step creates)"}

def engine(kind: str) -> ModuleType:
    """The module with this database's catalog queries (skill/live/<database>.py)."""
    return importlib.import_module(f"{__package__}.{kind}")


def driver(kind: str) -> ModuleType:
    """The database driver, imported only when a DSN is used; missing, a structured error that
    says what to install (the PostgreSQL and MySQL drivers also come with the dbmig[verify] extra)."""
    module, package, extra = engine(kind).DRIVER
    try:
        return importlib.import_module(module)
    except ImportError:
        how = f"pip install '{package}'" + (f" (or 'dbmig[{extra}]')" if extra else "")
        raise MissingDependency(f"reading a live {kind} database needs the driver {package} ({module} is not "
                                f"installed): {how}", field="dsn",
                                suggestion=f"run {how} where dbmig runs (for an MCP server: in its "
                                           "environment) and call again, or give `schema` and `table_rows`") from None


@dataclass
class Session:
    target: Target
    dialect: Dialect
    conn: Any
    engine: ModuleType
    spent_counting: float = 0.0
    log: list[str] = field(default_factory=list)     # every query run, in order (tests read it)

    def rows(self, sql: str) -> list[tuple]:
        """A catalog query: gated, one SELECT, within the statement timeout."""
        select_only(sql, self.dialect)
        self.log.append(sql)
        try:
            return self.engine.fetch(self.conn, sql)
        except Exception as exc:  # noqa: BLE001 - every driver error becomes a structured one
            raise self.error("reading the catalog", exc) from None

    def count(self, sql: str) -> int | str:
        """A COUNT(*) within STATEMENT_S: the number, or why there is none (a key of NOT_COUNTED):
        it timed out, the session's counting budget is spent, or it reads what does not exist yet."""
        if self.spent_counting >= COUNT_BUDGET_S:
            return "budget"
        select_only(sql, self.dialect)
        self.log.append(sql)
        started = time.monotonic()
        try:
            return int(self.engine.fetch(self.conn, sql)[0][0])
        except Exception as exc:  # noqa: BLE001
            reason = self.engine.classify(exc)
            if reason not in ("timeout", "missing_object"):
                raise self.error("counting rows", exc) from None
            self.engine.recover(self.conn)
            return reason
        finally:
            self.spent_counting += time.monotonic() - started

    def error(self, doing: str, exc: BaseException) -> LiveDatabaseError:
        return live_error(self.target, self.engine.classify(exc), doing, exc)


def select_only(sql: str, dialect: Dialect) -> None:
    """The gate, and one SELECT: a read of dbmig's that is anything else is a bug, never run."""
    check_statement(sql, dialect, "live database read")
    try:
        (parsed,) = sqlglot.parse(sql, read=dialect.sqlglot)
    except (sqlglot_errors.SqlglotError, ValueError):
        parsed = None
    if not isinstance(parsed, (exp.Select, exp.Union)):
        raise GateFailure(f"live database read is not one SELECT: {sql[:200]}")


def live_error(target: Target, reason: str, doing: str, exc: BaseException | None = None) -> LiveDatabaseError:
    what, fix = REASONS.get(reason, REASONS["other"])
    detail = target.redact(str(exc).strip().splitlines()[0][:300]) if exc is not None and str(exc).strip() else ""
    return LiveDatabaseError(f"{doing} on {target.shown}: {what}" + (f" ({detail})" if detail else ""),
                             field="dsn", suggestion=fix)


@contextlib.contextmanager
def open_session(target: Target, dialect: Dialect) -> Iterator[tuple[Session, Any]]:
    """A read-only session and the server's facts (read before the session's own settings)."""
    module = engine(target.kind)
    conn = _connect_within(target, module)
    try:
        session = Session(target, dialect, conn, module)
        facts = module.start(session)
        yield session, facts
    finally:
        with contextlib.suppress(Exception):
            module.close(conn)


def _connect_within(target: Target, module: ModuleType):
    """The driver's connect, abandoned after DEADLINE_S (a DNS lookup ignores its timeout)."""
    lib = driver(target.kind)
    box: dict[str, Any] = {}
    abandoned = threading.Event()

    def attempt():
        try:
            box["conn"] = module.connect(lib, target, CONNECT_S)
        except Exception as exc:  # noqa: BLE001
            box["error"] = exc
        if abandoned.is_set() and "conn" in box:
            with contextlib.suppress(Exception):
                module.close(box["conn"])

    worker = threading.Thread(target=attempt, name="dbmig-live-connect", daemon=True)
    worker.start()
    worker.join(DEADLINE_S)
    if worker.is_alive():
        abandoned.set()
        raise live_error(target, "unreachable", "connecting", TimeoutError(f"no answer within {DEADLINE_S:g} s"))
    if "error" in box:
        raise live_error(target, module.classify(box["error"]), "connecting", box["error"])
    return box["conn"]
