"""Write a generated migration into the project, in place: every file or none.

Where each file goes and what it is called follow the project: the Flyway location of the
newest script, the Alembic versions folder and `file_template`, the Liquibase changelog folder
(numbered as its files are) plus an `<include>` appended to the master changelog. A file that
exists already is never overwritten: the whole write stops with a structured error first.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..models import MigrationResult
from ..sources import read_sources
from . import alembic, liquibase
from .model import Project, ProjectError
from .paths import inside, read_text

ROLLBACK_REVIEW = (".rollback.sql", "_rollback.sql")


@dataclass
class Placement:
    files: list[tuple[str, str]] = field(default_factory=list)          # (path, content), new
    edits: list[tuple[str, str, str]] = field(default_factory=list)     # (path, before, after)
    skipped: list[tuple[str, str]] = field(default_factory=list)        # (filename, why)
    command: str = ""

    def as_dict(self) -> dict:
        return {"files": [p for p, _ in self.files], "edited": [p for p, _, _ in self.edits],
                "skipped": [{"filename": f, "why": why} for f, why in self.skipped],
                "next_command": self.command}


def placement(project: Project, result: MigrationResult, description: str) -> Placement:
    place = {"flyway": _flyway, "alembic": _alembic, "liquibase": _liquibase}[project.tool]
    out = place(project, result, description)
    out.command = project.command
    return out


def _join(folder: str, name: str) -> str:
    return name if folder in ("", ".") else f"{folder}/{name}"


def _flyway(project: Project, result: MigrationResult, description: str) -> Placement:
    return Placement(files=[(_join(project.next.location, f.filename), f.content) for f in result.files])


def _alembic(project: Project, result: MigrationResult, description: str) -> Placement:
    out, nxt = Placement(), project.next
    for f in result.files:
        if f.filename.endswith(".py"):
            revision = re.search(r"^revision = '([^']+)'", f.content, re.M).group(1)
            name = alembic.file_name(nxt.file_template, revision, description, nxt.create_date,
                                     project.truncate_slug)
        else:
            name = f.filename
        out.files.append((_join(nxt.location, name), f.content))
    return out


def _liquibase(project: Project, result: MigrationResult, description: str) -> Placement:
    _unique_changeset_ids(project, result)
    out, nxt = Placement(), project.next
    names = list(nxt.names)
    for f in result.files:
        if f.filename.endswith(".rollback.sql"):
            if nxt.include_all:        # includeAll would run a .sql file as a changelog
                out.skipped.append((f.filename, f"{nxt.location} is read by <includeAll>: a .sql file there "
                                                "would run as a changelog (the rollback stays in the result)"))
            else:
                out.files.append((_join(nxt.location, _review_name(out, f.filename)), f.content))
            continue
        ext = PurePosixPath(f.filename).suffix.lstrip(".")
        stem = PurePosixPath(f.filename).stem.removeprefix("changelog-")
        name = liquibase.numbered_name(names, stem, ext) or f.filename
        names.append(name)
        path = _join(nxt.location, name)
        out.files.append((path, _logical_path(f.content, f.filename, path)))
    if not nxt.include_all:
        changelogs = [p for p, _ in out.files if not p.endswith(".rollback.sql")]
        out.edits.append(_include(project, changelogs))
    return out


def _logical_path(content: str, written_as: str, path: str) -> str:
    """The changeSets' logicalFilePath names the file by its place in the project, as Liquibase
    records the project's other changelogs (by their path), not by the name dbmig gave it."""
    return re.sub(r"(logicalFilePath(?:=\"|:\s*[\"']|:))" + re.escape(written_as), lambda m: m.group(1) + path, content)


def _changeset_ids(files: list[dict]) -> dict[str, str]:
    """changeSet id -> the file that declares it (every dbms: ids are unique whatever runs)."""
    return {cs.id: src.filename for src in read_sources(files, "postgresql", "liquibase")
            for cs in src.changesets if cs.id}


def _unique_changeset_ids(project: Project, result: MigrationResult) -> None:
    used = _changeset_ids([{"filename": m.path, "content": m.content} for m in project.history])
    new = _changeset_ids([f.model_dump() for f in result.files if not f.filename.endswith(".rollback.sql")])
    clash = sorted(set(used) & set(new))
    if clash:
        raise ProjectError(f"changeSet id {clash[0]} is already used in {used[clash[0]]}",
                           field="migration_description",
                           suggestion="ids derive from the request: change the description or the author")


def _review_name(out: Placement, filename: str) -> str:
    """The rollback review file beside the changelog it reviews (the one placed just before)."""
    return PurePosixPath(out.files[-1][0]).name + ".rollback.sql" if out.files else filename


def _include(project: Project, changelogs: list[str]) -> tuple[str, str, str]:
    master = project.next.master
    before = read_text(project.root, master)
    kind = liquibase.EXTENSIONS.get(PurePosixPath(master).suffix)
    base = PurePosixPath(master).parent
    targets = [os.path.relpath(p, base).replace(os.sep, "/") for p in changelogs]
    if kind == "xml":
        return master, before, _xml_include(before, targets, master)
    if kind == "yaml":
        return master, before, _yaml_include(before, targets)
    raise ProjectError("the master changelog is formatted SQL, which cannot include another changelog",
                       file=master, suggestion="include the new changelog from an XML or YAML master by hand")


def _xml_include(text: str, targets: list[str], master: str) -> str:
    end = text.rfind("</databaseChangeLog>")
    if end < 0:
        raise ProjectError("no </databaseChangeLog> to add an <include> before", file=master)
    indent = re.findall(r"^([ \t]*)<include\b", text[:end], re.M)
    pad = indent[-1] if indent else "    "
    lines = "".join(f'{pad}<include file="{t}" relativeToChangelogFile="true"/>\n' for t in targets)
    head = text[:end]
    return head + ("" if head.endswith("\n") else "\n") + lines + text[end:]


def _yaml_include(text: str, targets: list[str]) -> str:
    items = re.findall(r"^([ \t]*)- include:", text, re.M)
    pad = items[-1] if items else "  "
    lines = "".join(f"{pad}- include:\n{pad}    file: {t}\n{pad}    relativeToChangelogFile: true\n" for t in targets)
    return text + ("" if text.endswith("\n") else "\n") + lines


# --- writing -----------------------------------------------------------------------------------

def write(project: Project, place: Placement) -> list[str]:
    """Create every new file (never replacing one) and apply the edits, or change nothing."""
    root = project.root
    targets = [(inside(root, p), c) for p, c in place.files]
    for path, _ in targets:
        if path.exists():
            raise ProjectError(f"{path.relative_to(root).as_posix()} exists already: dbmig never overwrites a "
                               "migration", field="project_dir",
                               suggestion="pass another version / description, or remove the file")
        if not path.parent.is_dir():
            raise ProjectError(f"folder {path.parent.relative_to(root).as_posix()} does not exist")
    edits = [(inside(root, p), before, after) for p, before, after in place.edits]
    for path, before, _ in edits:
        if path.read_text(encoding="utf-8") != before:
            raise ProjectError("changed while dbmig was writing; run again", file=path.relative_to(root).as_posix())
    done: list[Path] = []
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in [*targets, *((path, after) for path, _, after in edits)]:
            staged.append((_stage(path, content), path))
        for tmp, final in staged[:len(targets)]:
            os.link(tmp, final)            # fails if the name appeared meanwhile: never replaces
            done.append(final)
        for tmp, final in staged[len(targets):]:
            os.replace(tmp, final)
    except OSError as e:
        for path in done:
            path.unlink(missing_ok=True)
        raise ProjectError(f"nothing written: {e.strerror or e}") from None
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
    return [p for p, _ in place.files] + [p for p, _, _ in place.edits]


def _stage(final: Path, content: str) -> str:
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".dbmig-")
    with os.fdopen(fd, "w", encoding="utf-8") as h:
        h.write(content)
    if final.exists():
        os.chmod(tmp, final.stat().st_mode & 0o777)
    return tmp


def write_migration(data: dict) -> tuple[MigrationResult, Placement, list[str]]:
    """Generate from a request with `project_dir` and write the result into the project."""
    from ..api import generate
    from .load import load_project
    if not isinstance(data, dict) or not data.get("project_dir"):
        raise ProjectError("writing into a project needs project_dir", field="project_dir")
    result = generate(data)
    project = load_project(data["project_dir"], result.migration_tool.value)
    place = placement(project, result, data.get("migration_description") or "")
    return result, place, write(project, place)
