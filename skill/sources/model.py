"""What reading migration files produces: statements that remember where they came from, and
what each file format adds (Flyway names, Liquibase changeSets, Alembic revision facts)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath


class lazy_re:
    """A regex compiled on first use: a `dbmig validate` process (a pre-commit hook) that never
    meets Liquibase, Oracle or MySQL text never pays for compiling their patterns."""
    __slots__ = ("args", "pattern")

    def __init__(self, *args):
        self.args, self.pattern = args, None

    def __getattr__(self, name: str):
        if self.pattern is None:
            self.pattern = re.compile(*self.args)
        return getattr(self.pattern, name)


@dataclass
class Statement:
    file: str
    text: str
    line: int
    column: int
    tx: int | None = None          # id of the transaction it runs in; None = autocommit
    direction: str = "up"          # "down" for rollback code (U files, downgrade, <rollback>)
    synthetic: bool = False        # built from a Liquibase change / Alembic op, not typed as SQL
    origin: str = ""               # e.g. "changeSet 3 (alice)", "op.create_index"
    indent: int = 0                # YAML block scalars lose their indentation: add it back
    tree: object = field(default=None, compare=False, repr=False)   # the parse, shared by every reader
    tool_tx: bool = False          # the tool (Flyway, Liquibase, Alembic) opened the transaction

    @property
    def transactional(self) -> bool:
        return self.tx is not None

    def locate(self, offset: int) -> tuple[int, int]:
        """File line and column of a character offset inside the statement text."""
        if self.synthetic:
            return self.line, self.column
        head = self.text[:max(offset, 0)]
        newlines = head.count("\n")
        if not newlines:
            return self.line, self.column + len(head)
        return self.line + newlines, len(head) - head.rfind("\n") + self.indent


@dataclass
class Problem:
    """A part of a file that could not be read (malformed XML, Python syntax error...)."""
    line: int
    column: int
    message: str


@dataclass
class ChangeSet:
    id: str | None
    author: str | None
    line: int
    column: int
    run_in_transaction: bool = True
    raw_sql: bool = False          # has <sql>/<sqlFile> or is a formatted-SQL changeset
    has_rollback: bool = False
    runs: bool = True              # its dbms admits the database (Liquibase skips it otherwise)
    context: str | None = None     # its context expression (`context`/`contextFilter`)
    labels: str | None = None      # its labels, comma-separated


@dataclass
class FlywayName:
    prefix: str | None             # "V", "U", "R" or None when the name does not match
    version: tuple[int, ...] = ()
    description: str = ""


@dataclass
class AlembicInfo:
    revision: str | None = None
    revision_line: int = 1
    has_down_revision: bool = False
    down_revision: object = None
    downgrade_line: int | None = None
    downgrade_empty: bool = True
    has_upgrade: bool = False
    dynamic_sql: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class SourceFile:
    filename: str
    kind: str      # sql | flyway | flyway_conf | liquibase_xml | liquibase_yaml | liquibase_sql | alembic
    content: str
    statements: list[Statement] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    flyway: FlywayName | None = None
    conf: dict[str, str] | None = None
    changesets: list[ChangeSet] = field(default_factory=list)
    alembic: AlembicInfo | None = None

    @cached_property        # read by several lint rules per file; a file's name never changes
    def basename(self) -> str:
        return PurePath(self.filename).name
