"""What dbmig found in a migration project: the tool, the database, the history in apply order,
where the next migration goes, and the statements the replay could not model.

Every fact remembers where it came from (`file:line`), because a wrong guess about a user's
project is worse than an honest "unknown": inspect shows the sources, generate warns about gaps.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InvalidRequest

TOOLS = ("flyway", "liquibase", "alembic")


class ProjectError(InvalidRequest):
    """The project cannot be read: names the file and line (relative to project_dir)."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str = "project_dir", **kwargs):
        where = f"{file}:{line}: " if file and line else f"{file}: " if file else ""
        super().__init__(where + message, field=field, **kwargs)
        self.file, self.line = file, line

    def to_dict(self) -> dict:
        body = super().to_dict()
        if self.file:
            body["file"], body["line"] = self.file, self.line
        return body


@dataclass(frozen=True)
class Fact:
    """A value read from the project and where it was read (`flyway.conf:3`)."""
    value: str
    source: str


@dataclass
class Migration:
    """One unit of history: a Flyway script, a Liquibase changelog, an Alembic revision."""
    path: str                       # relative to the project root, '/'-separated
    content: str
    kind: str                       # versioned | repeatable | changelog | revision
    version: str | None = None      # Flyway version as written, Alembic revision id
    description: str = ""
    parents: tuple[str, ...] = ()   # Alembic down_revision(s)
    branch_labels: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()       # Liquibase changeSet ids (author:id)
    sidecar: str | None = None      # Flyway `<script>.conf` content


@dataclass
class Unmodelled:
    """A statement the replay could not turn into schema facts."""
    file: str
    line: int
    statement: str
    reason: str
    tables: list[str] = field(default_factory=list)   # tables now treated as unknown

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "statement": self.statement[:200],
                "reason": self.reason, "tables": self.tables}


@dataclass
class Next:
    """Where and how the next migration chains on."""
    version: str | None = None            # Flyway
    location: str | None = None           # Flyway folder / Alembic versions folder / Liquibase folder
    down_revision: str | None = None      # Alembic head
    heads: list[str] = field(default_factory=list)
    file_template: str | None = None      # Alembic
    create_date: str | None = None        # Alembic: newest Create Date in the history
    master: str | None = None             # Liquibase master changelog
    include_all: bool = False             # Liquibase: the folder is read by <includeAll>
    format: str | None = None             # Liquibase format of the newest changelog
    names: list[str] = field(default_factory=list)  # files already in `location`


@dataclass
class Project:
    root: Path
    tool: str
    config: str | None                     # the tool's config file, relative
    database: Fact | None
    database_version: Fact | None
    locations: list[str]
    history: list[Migration]
    next: Next
    segments: list = field(default_factory=list)     # Liquibase: changelog parts in apply order
    truncate_slug: int = 40                          # Alembic: truncate_slug_length
    history_table: str | None = None                 # the tool's record under a configured name (Flyway `table`,
                                                     # Liquibase databaseChangeLogTableName, Alembic version_table)
    contexts: str | None = None                      # Liquibase: `contexts` / `context-filter` of its properties
    label_filter: str | None = None                  # Liquibase: `labels` / `label-filter`

    @property
    def command(self) -> str:
        """What the user runs to apply what dbmig wrote."""
        return {"flyway": "flyway migrate", "liquibase": "liquibase update",
                "alembic": "alembic upgrade head"}[self.tool]
