"""A DSN as a connection target, and the same DSN fit to be shown: never with its password.

`postgresql://user:password@host:5432/db`, `mysql://...` (also `mariadb://`), `sqlserver://`
(`mssql://`) and `oracle://user@host:1521/service`. A password may instead come from the
environment: `DBMIG_DSN_PASSWORD`, or the driver's own variable (libpq reads `PGPASSWORD` and
`~/.pgpass`; for MySQL `MYSQL_PWD`). Nothing here ever puts the password in a message.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from ..errors import InvalidRequest

SCHEMES = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql", "mariadb": "mysql",
           "sqlserver": "sqlserver", "mssql": "sqlserver", "oracle": "oracle"}
PORTS = {"postgresql": 5432, "mysql": 3306, "sqlserver": 1433, "oracle": 1521}
EXAMPLES = {"postgresql": "postgresql://user@host:5432/db", "mysql": "mysql://user@host:3306/db",
            "sqlserver": "sqlserver://user@host:1433/db", "oracle": "oracle://user@host:1521/service"}
PASSWORD_ENV = {"mysql": "MYSQL_PWD"}       # libpq reads PGPASSWORD itself
SECRET_KEYS = {"password", "pwd", "passwd", "sslpassword"}


@dataclass(frozen=True)
class Target:
    kind: str                                       # our database name
    host: str
    port: int
    user: str | None
    database: str
    params: dict[str, str] = field(default_factory=dict)
    password: str | None = field(default=None, repr=False)
    shown: str = ""                                 # the DSN with its password masked

    def redact(self, text: str) -> str:
        """`text` with every spelling of the password replaced (drivers may echo the DSN)."""
        if self.password:
            for spelled in {self.password, quote(self.password, safe=""), quote(self.password)}:
                text = text.replace(spelled, "***")
        return text


def mask(dsn: str) -> str:
    """The DSN with any password (in the user part or a query parameter) shown as ***."""
    try:
        url = urlsplit(dsn)
        netloc = url.netloc
        if url.password is not None:
            netloc = f"{url.username or ''}:***@{netloc.rsplit('@', 1)[1]}"
        query = urlencode([(k, "***" if k.lower() in SECRET_KEYS else v)
                           for k, v in parse_qsl(url.query, keep_blank_values=True)], safe="*")
        return url._replace(netloc=netloc, query=query).geturl()
    except ValueError:
        return "<dsn that does not parse>"


def parse_dsn(dsn: str, database: str) -> Target:
    shown = mask(dsn)
    try:
        url = urlsplit(dsn.strip())
        port = url.port
    except ValueError:
        raise _bad(database, f"dsn {shown} does not parse as a URL") from None
    kind = SCHEMES.get(url.scheme.split("+")[0].lower())
    name = unquote(url.path.lstrip("/"))
    if kind is None or not url.hostname or not name or "/" in name:
        raise _bad(database, f"dsn {shown} is not a database URL")
    if kind != database:
        raise InvalidRequest(f"dsn {shown} names a {kind} server but `database` is {database}",
                             field="dsn", allowed=[EXAMPLES[database]])
    password = unquote(url.password) if url.password is not None else _env_password(kind)
    return Target(kind, url.hostname, port or PORTS[kind], unquote(url.username) if url.username else None,
                  name, dict(parse_qsl(url.query)), password, shown)


def _env_password(kind: str) -> str | None:
    return os.environ.get("DBMIG_DSN_PASSWORD") or os.environ.get(PASSWORD_ENV.get(kind, ""), None) or None


def _bad(database: str, message: str) -> InvalidRequest:
    return InvalidRequest(message, field="dsn", allowed=[EXAMPLES.get(database, EXAMPLES["postgresql"])],
                          suggestion="pass the live database as a URL; the password may come from "
                                     "DBMIG_DSN_PASSWORD instead of the URL")
