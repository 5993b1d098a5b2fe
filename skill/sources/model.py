"""What reading migration files produces: statements that remember where they came from, and
what each file format adds (Flyway names, Liquibase changeSets, Alembic revision facts)."""
from __future__ import annotations

import os
import re


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


# The records below are plain classes, not dataclasses: importing `dataclasses` (it loads
# `inspect`) was the largest single cost of a `dbmig validate` process's start.

class Statement:
    __slots__ = ("file", "text", "line", "column", "tx", "direction", "synthetic", "origin", "indent", "tree",
                 "tool_tx")

    def __init__(self, file: str, text: str, line: int, column: int, tx: int | None = None, direction: str = "up",
                 synthetic: bool = False, origin: str = "", indent: int = 0, tree: object = None,
                 tool_tx: bool = False):
        self.file, self.text, self.line, self.column = file, text, line, column
        self.tx = tx                    # id of the transaction it runs in; None = autocommit
        self.direction = direction      # "down" for rollback code (U files, downgrade, <rollback>)
        self.synthetic = synthetic      # built from a Liquibase change / Alembic op, not typed as SQL
        self.origin = origin            # e.g. "changeSet 3 (alice)", "op.create_index"
        self.indent = indent            # YAML block scalars lose their indentation: add it back
        self.tree = tree                # the parse, shared by every reader
        self.tool_tx = tool_tx          # the tool (Flyway, Liquibase, Alembic) opened the transaction

    def __repr__(self) -> str:
        return f"Statement({self.file!r}, {self.text!r}, line {self.line}, column {self.column})"

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


class Problem:
    """A part of a file that could not be read (malformed XML, Python syntax error...)."""
    __slots__ = ("line", "column", "message")

    def __init__(self, line: int, column: int, message: str):
        self.line, self.column, self.message = line, column, message


class ChangeSet:
    __slots__ = ("id", "author", "line", "column", "run_in_transaction", "raw_sql", "has_rollback", "runs",
                 "context", "labels")

    def __init__(self, id: str | None, author: str | None, line: int, column: int, run_in_transaction: bool = True,
                 raw_sql: bool = False, has_rollback: bool = False, runs: bool = True, context: str | None = None,
                 labels: str | None = None):
        self.id, self.author, self.line, self.column = id, author, line, column
        self.run_in_transaction = run_in_transaction
        self.raw_sql = raw_sql              # has <sql>/<sqlFile> or is a formatted-SQL changeset
        self.has_rollback = has_rollback
        self.runs = runs                    # its dbms admits the database (Liquibase skips it otherwise)
        self.context = context              # its context expression (`context`/`contextFilter`)
        self.labels = labels                # its labels, comma-separated


class FlywayName:
    __slots__ = ("prefix", "version", "description")

    def __init__(self, prefix: str | None, version: tuple[int, ...] = (), description: str = ""):
        self.prefix = prefix                # "V", "U", "R" or None when the name does not match
        self.version, self.description = version, description

    def __repr__(self) -> str:
        return f"FlywayName({self.prefix!r}, {self.version!r}, {self.description!r})"


class AlembicInfo:
    __slots__ = ("revision", "revision_line", "has_down_revision", "down_revision", "downgrade_line",
                 "downgrade_empty", "has_upgrade", "dynamic_sql")

    def __init__(self):
        self.revision: str | None = None
        self.revision_line = 1
        self.has_down_revision = False
        self.down_revision: object = None
        self.downgrade_line: int | None = None
        self.downgrade_empty = True
        self.has_upgrade = False
        self.dynamic_sql: list[tuple[int, int]] = []


class SourceFile:
    __slots__ = ("filename", "kind", "content", "statements", "problems", "flyway", "conf", "changesets", "alembic",
                 "basename")

    def __init__(self, filename: str, kind: str, content: str):
        self.filename = filename
        self.kind = kind        # sql | flyway | flyway_conf | liquibase_xml | liquibase_yaml | liquibase_sql | alembic
        self.content = content
        self.statements: list[Statement] = []
        self.problems: list[Problem] = []
        self.flyway: FlywayName | None = None
        self.conf: dict[str, str] | None = None
        self.changesets: list[ChangeSet] = []
        self.alembic: AlembicInfo | None = None
        self.basename = base_name(filename)        # read by several lint rules per file


def base_name(path: str) -> str:
    """`PurePath(path).name` without importing pathlib (a pre-commit hook's start)."""
    return os.path.basename(path.rstrip(os.sep + (os.altsep or "")))
