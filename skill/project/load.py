"""Load a project (tool, database, history, next step) and replay its history."""
from __future__ import annotations

import copy
from bisect import bisect_right
from pathlib import Path, PurePosixPath
from typing import Callable

from ..sources import SourceFile, Statement, read_sources
from . import alembic, flyway, liquibase
from .config import Config, database_from_url, detect, version_from_compose
from .model import Migration, Project, ProjectError
from .paths import project_root
from .replay import Gap, Replay, replay


def load_project(project_dir: str | Path, tool: str | None = None) -> Project:
    root = project_root(project_dir)
    config = detect(root, tool)
    loader = {"flyway": _flyway, "liquibase": _liquibase, "alembic": _alembic}[config.tool]
    project, url = loader(root, config)
    project.database, version = database_from_url(url)
    project.database_version = version or version_from_compose(
        root, project.database.value if project.database else None)
    return project


# liquibase.properties' name for the DATABASECHANGELOG table, as the CLI spells it (prefixes dropped)
LIQUIBASE_HISTORY_TABLE = ("databaseChangeLogTableName", "databaseChangelogTableName", "database-changelog-table-name")
# What `liquibase update` runs: the contexts and the label filter of its properties (4.16+ names first).
LIQUIBASE_CONTEXTS = ("context-filter", "contextFilter", "contexts")
LIQUIBASE_LABELS = ("label-filter", "labelFilter", "labels")


def _flyway(root: Path, config: Config) -> tuple[Project, object]:
    locs = flyway.locations(root, config)
    history = flyway.history(root, locs, config)
    table = config.get("table")
    return Project(root, "flyway", config.file, None, None, locs, history, flyway.next_step(root, locs, history),
                   history_table=table.value if table else None), config.get("url")


def _liquibase(root: Path, config: Config) -> tuple[Project, object]:
    start = liquibase.master(root, config)
    history, segments, last = liquibase.walk(root, config, start)
    folders = sorted({str(PurePosixPath(m.path).parent) for m in history})
    table = config.get(*LIQUIBASE_HISTORY_TABLE)
    project = Project(root, "liquibase", config.file, None, None, folders, history,
                      liquibase.next_step(root, start, history, last), history_table=table.value if table else None)
    project.segments = segments
    contexts, labels = config.get(*LIQUIBASE_CONTEXTS), config.get(*LIQUIBASE_LABELS)
    project.contexts, project.label_filter = (contexts.value if contexts else None), (labels.value if labels else None)
    return project, config.get("url")


def _alembic(root: Path, config: Config) -> tuple[Project, object]:
    scripts = alembic.script_location(config)
    folders = alembic.version_folders(root, config, scripts)
    history = alembic.history(root, folders, config.file)
    url = config.get("sqlalchemy.url") or alembic.env_url(root, scripts)
    table = alembic.version_table(root, scripts)
    project = Project(root, "alembic", config.file, None, None, folders, history,
                      alembic.next_step(root, config, folders, history), history_table=table.value if table else None)
    truncate = config.get("truncate_slug_length")
    project.truncate_slug = int(truncate.value) if truncate and truncate.value.isdigit() else 40
    return project, url


# --- the history as statements ---------------------------------------------------------------------

def history_files(project: Project, database: str) -> list[dict]:
    """{filename, content} per history file, sidecars beside their scripts."""
    out = []
    for m in project.history:
        content = alembic.normalized(m.content, database) if project.tool == "alembic" else m.content
        out.append({"filename": m.path, "content": content})
        if m.sidecar is not None:
            out.append({"filename": f"{m.path}.conf", "content": m.sidecar})
    return out


def read_history(project: Project, database: str) -> list[SourceFile]:
    """The history read by dbmig.sources; a file that does not parse stops here, named."""
    sources = read_sources(history_files(project, database), database, project.tool)
    for src in sources:
        if src.problems:
            p = src.problems[0]
            raise ProjectError(f"history file does not parse: {p.message}", file=src.filename, line=p.line)
    return sources


def statements(project: Project, sources: list[SourceFile], database: str) -> list[Statement]:
    """Forward statements in apply order, with a `Gap` where a change became no statement."""
    by_file = {s.filename: s for s in sources}
    if project.tool == "liquibase":
        files = {path: _liquibase_file(src, database) for path, src in by_file.items()}
        runs = _filtered(project, by_file)
        return [st for seg in project.segments for st in files[seg.path]
                if seg.first_line <= st.line <= seg.last_line and st.direction == "up" and runs(seg, st.line)]
    out = []
    for m in project.history:
        src = by_file[m.path]
        ups = [st for st in src.statements if st.direction == "up"]
        if project.tool == "alembic":
            ups = _with_supplements(src, ups, database)
        out += ups
    return out


def deployed(project: Project, src: SourceFile) -> list:
    """The changeSets of a Liquibase changelog that `liquibase update` runs on this database with
    the project's contexts and label filter."""
    segments = [seg for seg in project.segments if seg.path == src.filename]
    return [cs for cs in src.changesets if cs.runs and any(
        seg.first_line <= cs.line <= seg.last_line
        and liquibase.runs_in(seg, cs, project.contexts, project.label_filter) for seg in segments)]


def _filtered(project: Project, by_file: dict[str, SourceFile]) -> Callable[[liquibase.Segment, int], bool]:
    """(segment, line) -> whether `liquibase update` with the project's contexts and label filter
    runs what is on that line: the changeSet it belongs to (the last to start at or before it)."""
    if not (project.contexts or project.label_filter):
        return lambda segment, line: True
    starts = {path: [cs.line for cs in src.changesets] for path, src in by_file.items()}

    def runs(segment: liquibase.Segment, line: int) -> bool:
        changesets = by_file[segment.path].changesets
        n = bisect_right(starts[segment.path], line)
        return liquibase.runs_in(segment, changesets[n - 1] if n else None, project.contexts, project.label_filter)
    return runs


def _liquibase_file(src: SourceFile, database: str) -> list[Statement]:
    # column 10**6: after the change on that line
    extra = [Statement(src.filename, sql, line, 10**6, None, "up", True, "replay")
             for line, sql in liquibase.supplements(src.filename, src.content, database)]
    gaps = [Gap(src.filename, text, line, 1, reason=reason, tables=tables) for line, text, reason, tables in
            liquibase.unmodelled(src.filename, src.content, database, {st.line for st in src.statements})]
    return _merged(src.statements, extra + gaps)


def _merged(first: list[Statement], extra: list[Statement]) -> list[Statement]:
    """`extra` statements after those of `first` at the same position (line, column)."""
    merged = [(st.line, st.column, 0, n, st) for n, st in enumerate(first)]
    merged += [(st.line, st.column, 1, n, st) for n, st in enumerate(extra)]
    return [st for *_, st in sorted(merged, key=lambda x: x[:4])]


def _with_supplements(src: SourceFile, ups: list[Statement], database: str) -> list[Statement]:
    covered = {st.line for st in ups if st.origin == "op.drop_constraint"}
    lines = src.content.splitlines()
    dynamic = [Gap(src.filename, lines[line - 1].strip(), line, col,
                   reason="SQL built at run time cannot be read without running the revision")
               for line, col in (src.alembic.dynamic_sql if src.alembic else [])]
    extra = alembic.supplements(src.filename, src.content, covered, database)
    done = {st.line for st in ups + extra} | {g.line for g in dynamic}
    # the tables such a call touches: the known ones its line names
    unknown = [Gap(src.filename, lines[line - 1].strip(), line, col, reason=f"op.{name} is not modelled")
               for line, col, name in alembic.untranslated(src.content, done)]
    return _merged(ups, extra + dynamic + unknown)


_CACHE: dict[tuple, Replay] = {}


def replay_offline(project: Project, database: str) -> Replay:
    """The replayed schema; the same history (same file contents) is replayed once per process."""
    key = (project.root, project.tool, database, project.contexts, project.label_filter, _fingerprint(project))
    if key not in _CACHE:
        result = replay(statements(project, read_history(project, database), database), database)
        while len(_CACHE) >= 8:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = result
    return copy.deepcopy(_CACHE[key])


def _fingerprint(project: Project) -> tuple:
    """The history's content: a changed file means a new replay, an unchanged one a cached one."""
    return tuple((m.path, hash(m.content), hash(m.sidecar)) for m in project.history)


def migrations_summary(project: Project) -> list[dict]:
    return [_summary(m) for m in project.history]


def _summary(m: Migration) -> dict:
    out = {"path": m.path, "kind": m.kind}
    if m.version:
        out["version" if m.kind == "versioned" else "revision"] = m.version
    if m.parents:
        out["down_revision"] = list(m.parents)
    if m.branch_labels:
        out["branch_labels"] = list(m.branch_labels)
    if m.description:
        out["description"] = m.description
    return out
