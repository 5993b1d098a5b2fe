"""A Liquibase project: the master changelog from `liquibase.properties`, its `include` and
`includeAll` elements followed depth first (XML, YAML/JSON), each changelog once, and where the
next changelog goes: the folder of the last one, included from the master (or picked up by the
folder's `includeAll`), named in the folder's own numbering style when it has one."""
from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..sources import expat_tree
from ..sources.liquibase import context_of, runs_on, selected
from .config import LIQUIBASE_DEFAULT_MASTERS, Config
from .model import Migration, Next, ProjectError
from .paths import inside, list_files, read_text

EXTENSIONS = {".xml": "xml", ".yaml": "yaml", ".yml": "yaml", ".json": "yaml", ".sql": "sql"}


@dataclass
class Segment:
    """Part of a changelog between includes: its changeSets run at this point of the walk."""
    path: str
    first_line: int
    last_line: int
    contexts: tuple[str, ...] = ()      # the context expressions of the includes that led here
    labels: tuple[str, ...] = ()        # the labels those includes add


@dataclass
class Include:
    line: int
    target: str                 # as written
    relative: bool              # relativeToChangelogFile
    all: bool                   # includeAll
    context: str | None = None
    labels: str | None = None


def master(root: Path, config: Config) -> str:
    fact = config.get("changeLogFile", "changelog-file", "changelogFile")
    if fact is None:
        found = next((m for m in LIQUIBASE_DEFAULT_MASTERS if (root / m).is_file()), None)
        if found is None:
            raise ProjectError("liquibase.properties names no changeLogFile and no default master changelog "
                               "exists", file=config.file)
        return found
    return _resolve(root, config, fact.value, None, False, fact.source)


def _search_roots(config: Config) -> list[str]:
    fact = config.get("searchPath", "search-path")
    return [p.strip().rstrip("/") or "." for p in fact.value.split(",")] if fact else ["."]


def _resolve(root: Path, config: Config, target: str, parent: str | None, relative: bool, origin: str) -> str:
    """A path as Liquibase finds it: beside the including file, or under a search path root."""
    file, _, line = origin.rpartition(":")
    target = target.strip().removeprefix("classpath:").lstrip("/") if not relative else target.strip()
    bases = [str(PurePosixPath(parent).parent)] if relative and parent else _search_roots(config)
    for base in bases:
        candidate = str(PurePosixPath(base) / target) if base != "." else target
        inside(root, _normal(candidate), origin=file or None, line=int(line) if line.isdigit() else None)
        if (root / _normal(candidate)).exists():
            return _normal(candidate)
    raise ProjectError(f"{target} not found", file=file or None, line=int(line) if line.isdigit() else None)


def _normal(path: str) -> str:
    parts: list[str] = []
    for p in PurePosixPath(path).parts:
        if p == "..":
            if not parts:
                return path              # leaves the root: inside() refuses it
            parts.pop()
        elif p != ".":
            parts.append(p)
    return "/".join(parts)


def walk(root: Path, config: Config, start: str) -> tuple[list[Migration], list[Segment], Include | None]:
    """Every changelog in apply order, the segments to replay, and the last include of the master."""
    migrations: dict[str, Migration] = {}
    segments: list[Segment] = []
    last_include: list[Include | None] = [None]

    def visit(path: str, contexts: tuple[str, ...], labels: tuple[str, ...]) -> None:
        if path in migrations:
            return
        content = read_text(root, path)
        migrations[path] = Migration(path, content, "changelog", description=PurePosixPath(path).stem)
        includes = _includes(path, content)
        if path == start and includes:
            last_include[0] = includes[-1]
        first = 1
        for inc in includes:
            segments.append(Segment(path, first, inc.line - 1, contexts, labels))
            for target in _targets(root, config, path, inc):
                visit(target, contexts + ((inc.context,) if inc.context else ()),
                      labels + ((inc.labels,) if inc.labels else ()))
            first = inc.line + 1
        segments.append(Segment(path, first, 10**9, contexts, labels))

    visit(start, (), ())
    return list(migrations.values()), segments, last_include[0]


def _targets(root: Path, config: Config, parent: str, inc: Include) -> list[str]:
    origin = f"{parent}:{inc.line}"
    if not inc.all:
        return [_resolve(root, config, inc.target, parent, inc.relative, origin)]
    folder = _resolve(root, config, inc.target.rstrip("/"), parent, inc.relative, origin)
    # Liquibase orders includeAll by path, recursively, changelog formats only.
    return [p for p in list_files(root, folder, origin=parent, line=inc.line, recursive=True)
            if PurePosixPath(p).suffix in EXTENSIONS]


def _includes(path: str, content: str) -> list[Include]:
    kind = EXTENSIONS.get(PurePosixPath(path).suffix)
    if kind == "xml":
        return _xml_includes(path, content)
    if kind == "yaml":
        return _yaml_includes(path, content)
    return []


def _xml_includes(path: str, content: str) -> list[Include]:
    try:
        tree = expat_tree(content)
    except xml.parsers.expat.ExpatError as e:
        raise ProjectError(f"malformed XML: {xml.parsers.expat.ErrorString(e.code)}", file=path, line=e.lineno) from None
    out = []
    for log in tree.findall("databaseChangeLog"):
        for el in log.children:
            if el.tag in ("include", "includeAll"):
                target = el.attrs.get("file" if el.tag == "include" else "path")
                if not target:
                    raise ProjectError(f"<{el.tag}> without a {'file' if el.tag == 'include' else 'path'}",
                                       file=path, line=el.line)
                out.append(Include(el.line, target, _true(el.attrs.get("relativeToChangelogFile")),
                                   el.tag == "includeAll", context_of(el.attrs), el.attrs.get("labels")))
    return out


def _yaml_includes(path: str, content: str) -> list[Include]:
    import yaml
    try:
        node = yaml.compose(content)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ProjectError(f"malformed YAML: {getattr(e, 'problem', e)}", file=path,
                           line=mark.line + 1 if mark else None) from None
    log = _mapping(node).get("databaseChangeLog")
    out = []
    for item in (log.value if log is not None and log.id == "sequence" else []):
        for key, value in (item.value if item.id == "mapping" else []):
            if key.value in ("include", "includeAll"):
                attrs = {k.value: v.value for k, v in value.value} if value.id == "mapping" else {}
                target = attrs.get("file" if key.value == "include" else "path")
                if not target:
                    raise ProjectError(f"{key.value} without a target", file=path, line=key.start_mark.line + 1)
                out.append(Include(key.start_mark.line + 1, target, _true(attrs.get("relativeToChangelogFile")),
                                   key.value == "includeAll", context_of(attrs), attrs.get("labels")))
    return out


def runs_in(segment: Segment, changeset, contexts: str | None, label_filter: str | None) -> bool:
    """Whether `liquibase update` with the project's contexts and label filter runs `changeset`
    (None: outside any changeSet) of `segment`: its includes' contexts must match as well."""
    if not (contexts or label_filter):
        return True
    own = changeset.context if changeset else None
    labels = ",".join(filter(None, (*segment.labels, changeset.labels if changeset else None))) or None
    return all(selected(expression, None, contexts, None) for expression in (*segment.contexts, own)
               if expression) and selected(None, labels, None, label_filter)


def _mapping(node) -> dict:
    return {k.value: v for k, v in node.value} if node is not None and node.id == "mapping" else {}


def _true(value: object) -> bool:
    return str(value).strip().lower() == "true"


def next_step(root: Path, start: str, migrations: list[Migration], last: Include | None) -> Next:
    leaves = [m for m in migrations if m.path != start] or migrations
    newest = leaves[-1]
    folder = str(PurePosixPath(newest.path).parent)
    names = [PurePosixPath(p).name for p in list_files(root, folder)]
    return Next(location=folder, master=start, include_all=bool(last and last.all),
                format=EXTENSIONS.get(PurePosixPath(newest.path).suffix, "xml"), names=names)


def numbered_name(names: list[str], slug: str, extension: str) -> str | None:
    """`016-add-email.xml` after `015-...`: the folder's numbering (width and separator kept)."""
    numbered = [m for m in (re.match(r"^(\d+)([-_.])", n) for n in names) if m]
    if not numbered or len(numbered) * 2 < len(names):
        return None
    last = max(numbered, key=lambda m: int(m.group(1)))
    sep = last.group(2)
    return f"{str(int(last.group(1)) + 1).zfill(len(last.group(1)))}{sep}{slug.replace('_', '-' if sep == '-' else '_')}.{extension}"


# --- what sources leaves out ------------------------------------------------------------------------

def supplements(path: str, content: str, database: str) -> list[tuple[int, str]]:
    """(line, SQL) the replay adds after a change whose effect sources' SQL does not show.
    On MySQL/MariaDB Liquibase renames a column with `CHANGE old new <columnDataType>`: the
    column is restated with only that type, so NOT NULL and the default are gone afterwards
    (measured on MariaDB 10.11 with Liquibase 4.28)."""
    if database != "mysql":
        return []
    return [(line, f"ALTER TABLE {a.get('tableName')} MODIFY COLUMN {a.get('newColumnName')} "
                   f"{a.get('columnDataType')}")
            for line, a in _changes(path, content, "renameColumn") if a.get("columnDataType")]


def _changes(path: str, content: str, tag: str) -> list[tuple[int, dict]]:
    return [(line, attrs) for line, name, attrs in changes(path, content) if name == tag]


# Changes that leave tables, columns, indexes and constraints as they are.
NO_SCHEMA_EFFECT = {"insert", "loadData", "loadUpdateData", "update", "delete", "tagDatabase", "output", "empty",
                    "stop", "sql", "comment", "preConditions", "rollback", "validCheckSum", "modifySql"}
OUTSIDE = {"createView", "dropView", "renameView", "createProcedure", "dropProcedure", "createSequence",
           "dropSequence", "alterSequence", "renameSequence", "createFunction", "dropFunction", "createTrigger",
           "dropTrigger", "createSynonym", "dropSynonym", "createPackage", "createPackageBody"}


def changes(path: str, content: str) -> list[tuple[int, str, dict]]:
    """(line, tag, attributes) of every change inside a changeSet, XML or YAML, at the line
    sources gives the statements it makes of it; attribute `@dbms` is where it runs."""
    kind = EXTENSIONS.get(PurePosixPath(path).suffix)
    if kind == "xml":
        root = expat_tree(content)
        return [(c.line, c.tag, {**c.attrs, "@dbms": c.attrs.get("dbms") or cs.attrs.get("dbms")})
                for log in root.findall("databaseChangeLog") or [root]
                for cs in log.findall("changeSet") for c in cs.children]
    if kind == "yaml":
        import yaml
        log = _mapping(yaml.compose(content)).get("databaseChangeLog")
        out = []
        for item in (log.value if log is not None and log.id == "sequence" else []):
            cs = _mapping(item).get("changeSet")
            dbms = _mapping(cs).get("dbms")
            for change in (_mapping(cs).get("changes").value if cs is not None and _mapping(cs).get("changes")
                           is not None and _mapping(cs)["changes"].id == "sequence" else []):
                for key, value in (change.value if change.id == "mapping" else []):
                    attrs = {k.value: v.value for k, v in value.value if v.id == "scalar"} if value.id == "mapping" else {}
                    attrs["@dbms"] = attrs.get("dbms") or (dbms.value if dbms is not None else None)
                    out.append((key.start_mark.line + 1, key.value, attrs))
        return out
    return []


def unmodelled(path: str, content: str, database: str, lines: set[int]) -> list[tuple[int, str, str, list[str] | None]]:
    """(line, change, reason, tables) for the changes of a changelog that became no statement
    (`lines`: where sources' statements start): dbmig cannot say what they did to the schema."""
    out = []
    for line, tag, attrs in changes(path, content):
        if tag in NO_SCHEMA_EFFECT or line in lines or not runs_on(attrs["@dbms"], database):
            continue
        table = attrs.get("tableName") or attrs.get("baseTableName")
        if tag in OUTSIDE:
            out.append((line, f"<{tag}>", f"{tag} is outside dbmig's schema model", []))
        else:
            out.append((line, f"<{tag}>", f"Liquibase change {tag} is not modelled", [table] if table else None))
    return out
