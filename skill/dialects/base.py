"""What a database is, as data: the planner and renderers ask a `Dialect`, never `if db == ...`.

Each `skill/dialects/<db>.py` builds one `Dialect` from small tables (types, statement forms,
catalog queries, locks). `Dialect.sql(form, **parts)` fills a statement form; identifiers and
literals are quoted here and only here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..errors import InvalidRequest, Unsupported
from ..types import SqlType


def ansi_literal(text: str) -> str:
    """'...' with quotes doubled: what Oracle reads, and every database where no backslash or
    NUL is involved."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Lock:
    """The lock an operation takes on this database, and what it costs."""

    level: str                  # e.g. "ACCESS EXCLUSIVE", "metadata lock (INSTANT)"
    blocks: str                 # "reads and writes", "writes", "nothing (brief metadata lock)"
    rewrite: bool = False       # the table is copied row by row
    scan: bool = False          # the table is read in full (validation, index build)


@dataclass(frozen=True)
class Dialect:
    name: str                                   # our database name
    sqlglot: str                                # sqlglot dialect name
    quote: tuple[str, str]
    max_identifier: int
    fold: str                                   # how unquoted names are stored: lower/upper/none
    reserved: frozenset[str]
    types: dict[str, str]                       # portable name -> native template ({0}, {1})
    catalog_types: dict[str, tuple[str, ...]]   # portable name -> catalog data_type names
    transactional_ddl: bool
    forms: dict[str, str | tuple[str, ...]]     # statement forms, see `statements()`
    checks: dict[str, str]                      # validation query forms, one COUNT(*) each
    locks: dict[str, Lock]                      # op -> default lock; planners refine
    command_allow: tuple[re.Pattern, ...] = ()  # statements sqlglot only knows as Command
    batch_separator: str = ""                   # Flyway/Liquibase SQL: "" or "GO" / "/"
    # statements the separator follows; None: every statement (SQL Server's GO). Oracle's "/"
    # ends only PL/SQL blocks: after a plain `stmt;` SQL*Plus would run the statement twice.
    batch_separator_after: re.Pattern | None = None
    statement_end: str = ";"
    version_notes: dict[str, str] = field(default_factory=dict)
    # ops whose statement restates the whole column (MySQL MODIFY, SQL Server ALTER COLUMN):
    # the planner needs the current definition from `schema` for them.
    restates_column: frozenset[str] = frozenset()
    on_delete: dict[str, str] = field(default_factory=lambda: {
        "cascade": " ON DELETE CASCADE", "set null": " ON DELETE SET NULL",
        "restrict": " ON DELETE RESTRICT", "no action": " ON DELETE NO ACTION"})
    # (version tuple) -> identifier limit, for Oracle before 12.2
    identifier_limit: Callable[[tuple[int, ...]], int] | None = None
    # how this database writes a string literal; the ANSI form unless it reads some text otherwise
    quote_literal: Callable[[str], str] = field(default=lambda text: ansi_literal(text))

    # --- identifiers and literals --------------------------------------------------------
    def q(self, name: str) -> str:
        """Quote an identifier only where needed: reserved, or case the database would fold."""
        stored = self.catalog_name(name)
        # Oracle's unquoted names start with a letter; elsewhere `_` may lead.
        first = r"[A-Za-z]" if self.fold == "upper" else r"[A-Za-z_]"
        plain = re.fullmatch(first + r"[A-Za-z0-9_]*", name) is not None
        needs = (not plain or name.upper() in self.reserved
                 or (self.fold == "lower" and name != name.lower()))
        if not needs:
            return stored if self.fold == "upper" else name
        return f"{self.quote[0]}{stored}{self.quote[1]}"

    def catalog_name(self, name: str) -> str:
        """The name as the catalog stores it (Oracle folds unquoted names to upper case)."""
        return name.upper() if self.fold == "upper" else name

    def literal(self, text: str) -> str:
        """`text` as one string literal that reads back as exactly `text` (the only place
        dbmig quotes request text; see `quote_literal` for the per-database forms)."""
        if "\x00" in text:
            raise InvalidRequest("text holding a NUL character cannot be written as a SQL literal")
        return self.quote_literal(text)

    def check_identifier(self, name: str, field_path: str, version: tuple[int, ...]) -> None:
        limit = self.identifier_limit(version) if self.identifier_limit else self.max_identifier
        if len(name) > limit:
            raise InvalidRequest(
                f"identifier {name!r} is {len(name)} characters; {self.name} allows {limit}",
                field=field_path, suggestion=f"use a name of at most {limit} characters")

    # --- types and statements ------------------------------------------------------------
    def native_type(self, t: SqlType) -> str:
        template = self.types.get(t.name)
        if template is None:
            raise Unsupported(f"type {t} has no equivalent on {self.name}", field="type")
        args = list(t.args)
        if t.name == "decimal":     # decimal -> (18, 0); decimal(p) -> (p, 0)
            args = [args[0], 0] if len(args) == 1 else (args or [18, 0])
        return template.format(*args)

    def has(self, form: str) -> bool:
        return form in self.forms

    def statements(self, form: str, **parts: str) -> list[str]:
        """Fill a statement form; a form may be several statements (SQL Server drops a
        column's default constraint before the column)."""
        try:
            template = self.forms[form]
        except KeyError:
            raise Unsupported(f"{form.replace('_', ' ')} is not available on {self.name}") from None
        templates = (template,) if isinstance(template, str) else template
        return [t.format(**parts) for t in templates]

    def sql(self, form: str, **parts: str) -> str:
        """A form that is one statement or one clause."""
        (statement,) = self.statements(form, **parts)
        return statement

    def check(self, form: str, **parts: str) -> str:
        return self.checks[form].format(**parts)
