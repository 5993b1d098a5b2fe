"""Which of a project's migrations the live database has applied, by the tool's own record
(skill/live/history.py), and the schema the applied ones replay to.

- Flyway: a versioned script is applied when its version has a successful row (versions compare
  as numbers, `1_2` = `1.2` = `1.02`); a repeatable one when its script name has one.
- Alembic: the revisions the recorded heads descend from, heads included.
- Liquibase: a changelog file whose changeSets (id, author) are all recorded.
The record may name what the project does not have (another branch, a deleted file): `unknown`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from ..dialects.base import Dialect
from .model import Migration, Project


@dataclass
class AppliedState:
    table: str | None                       # the tool's record as stored; None: there is none
    applied: list[Migration] = field(default_factory=list)
    pending: list[Migration] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {"record": self.table, "applied": [m.path for m in self.applied],
                "pending": [m.path for m in self.pending], "unknown_to_project": self.unknown}

    def warnings(self) -> list[str]:
        if self.table is None:
            return ["The live database has no record of the migration tool (its history table is missing): "
                    "dbmig cannot tell which of the project's migrations are applied."]
        out = []
        if self.pending:
            names = ", ".join(PurePosixPath(m.path).name for m in self.pending[:10])
            more = f" and {len(self.pending) - 10} more" if len(self.pending) > 10 else ""
            out.append(f"{len(self.pending)} migration(s) of the project are not applied on the live database "
                       f"({names}{more}): they run before this one, so it was planned on the project's "
                       "history, not on the live schema; drift is measured against the applied ones.")
        if self.unknown:
            out.append(f"The live database's {self.table} records migrations the project does not have: "
                       f"{', '.join(self.unknown[:10])} (another branch, or files removed?).")
        return out


def applied_state(project: Project, dsn: str, dialect: Dialect) -> AppliedState:
    from ..live.history import read_tool_history
    record = read_tool_history(dsn, dialect, project.tool, project.history_table)
    if record.table is None:            # built without the tool, or baselined: nothing to tell by
        return AppliedState(None)
    done, unknown = MATCH[project.tool](project, dialect.name, record.rows)
    state = AppliedState(record.table, unknown=unknown)
    for m in project.history:
        (state.applied if m.path in done else state.pending).append(m)
    return state


def applied_project(project: Project, state: AppliedState) -> Project:
    """The project as the live database has it: its applied migrations only."""
    paths = {m.path for m in state.applied}
    return replace(project, history=list(state.applied), segments=[s for s in project.segments if s.path in paths])


def _flyway(project: Project, database: str, rows: list[tuple]) -> tuple[set[str], list[str]]:
    history = project.history
    ok = [(version, script) for version, script, success in rows if _succeeded(success)]
    versions = {_version_key(v) for v, _ in ok if v is not None}
    scripts = {PurePosixPath(str(s)).name for v, s in ok if v is None}
    done = {m.path for m in history if (m.version is not None and _version_key(m.version) in versions)
            or (m.kind == "repeatable" and PurePosixPath(m.path).name in scripts)}
    known = {_version_key(m.version) for m in history if m.version is not None}
    unknown = sorted({str(v) for v, _ in ok if v is not None and _version_key(v) not in known})
    return done, unknown


def _alembic(project: Project, database: str, rows: list[tuple]) -> tuple[set[str], list[str]]:
    by_rev = {m.version: m for m in project.history}
    heads = [str(r[0]) for r in rows]
    done, stack = set(), [h for h in heads if h in by_rev]
    while stack:
        m = by_rev.get(stack.pop())
        if m is not None and m.path not in done:
            done.add(m.path)
            stack += list(m.parents)
    return done, sorted(h for h in heads if h not in by_rev)


def _liquibase(project: Project, database: str, rows: list[tuple]) -> tuple[set[str], list[str]]:
    """By changeSet identity (id, author): the file path Liquibase records is the changelog's
    logicalFilePath when it sets one, so paths need not match."""
    from .load import deployed, read_history
    recorded = {(str(i), str(a)) for i, a, _ in rows}
    history = read_history(project, database)
    # a changeSet the contexts or labels leave out never runs here: its file is applied without it
    sets = {src.filename: {(c.id, c.author) for c in deployed(project, src)} for src in history}
    done = {path for path, ids in sets.items() if ids <= recorded}      # includes only: nothing of its own
    known = {(c.id, c.author) for src in history for c in src.changesets}
    return done, sorted(f"{a}:{i}" for i, a in recorded - known)


# tool -> (project, database, the record's rows) -> (paths applied, recorded names the project lacks)
MATCH = {"flyway": _flyway, "alembic": _alembic, "liquibase": _liquibase}


def _succeeded(value) -> bool:
    """Flyway's `success`: a boolean on PostgreSQL, a TINYINT or BIT on MySQL."""
    return value in (True, 1, b"\x01", "1", "t", "true")


def _version_key(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in re.split(r"[._]", str(version)) if p.isdigit()]
    while len(parts) > 1 and parts[-1] == 0:      # 1.0 = 1
        parts.pop()
    return tuple(parts)
