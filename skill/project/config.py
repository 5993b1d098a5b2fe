"""The tool's own configuration: which tool, which database, where the migrations live.

Read as data, never executed: `flyway.conf` / `flyway.toml`, `liquibase.properties`,
`alembic.ini` (and `env.py` through `ast`, for a literal URL). The database comes from the
connection URL; a version only where a URL or compose file states one (`jdbc:tc:postgresql:15:`,
`image: postgres:15`), never guessed.
"""
from __future__ import annotations

import ast
import configparser
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..dialects import ALIASES, DATABASES
from .markers import configs_in
from .model import TOOLS, Fact, ProjectError
from .paths import inside, read_text

# Where each tool looks when its config names nothing (the tools' and Spring Boot's defaults).
FLYWAY_DEFAULT_LOCATIONS = ("sql", "db/migration", "src/main/resources/db/migration")
LIQUIBASE_DEFAULT_MASTERS = ("db.changelog-master.xml", "changelog.xml", "db/changelog/db.changelog-master.xml",
                             "db/changelog/db.changelog-master.yaml", "changelog/db.changelog-master.xml",
                             "src/main/resources/db/changelog/db.changelog-master.yaml",
                             "src/main/resources/db/changelog/db.changelog-master.xml")
COMPOSE_FILES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")


@dataclass
class Config:
    """What a tool's config file says, each value with its `file:line`."""
    tool: str
    file: str | None
    values: dict[str, Fact] = field(default_factory=dict)

    def get(self, *keys: str) -> Fact | None:
        return next((self.values[k] for k in keys if k in self.values), None)


# --- which tool --------------------------------------------------------------------------------

def detect(root: Path, tool: str | None) -> Config:
    """The project's tool and its config; `tool` (the request's) settles a repository with two."""
    found = configs_in(root)
    if tool:
        if tool not in TOOLS:
            raise ProjectError(f"unknown migration_tool {tool!r}", field="migration_tool", allowed=list(TOOLS))
        return read_config(root, tool, found.get(tool))
    if len(found) > 1:
        raise ProjectError(f"project_dir has configs of several tools ({', '.join(sorted(found.values()))})",
                           field="migration_tool", allowed=sorted(found),
                           suggestion="pass migration_tool to say which one to use")
    if found:
        (tool, file), = found.items()
        return read_config(root, tool, file)
    if _flyway_default_location(root):
        return Config("flyway", None)
    if any((root / m).is_file() for m in LIQUIBASE_DEFAULT_MASTERS):
        return Config("liquibase", None)
    raise ProjectError("no migration project found: expected flyway.conf/flyway.toml, liquibase.properties "
                       "or alembic.ini (or Flyway scripts under " + ", ".join(FLYWAY_DEFAULT_LOCATIONS) + ")",
                       suggestion="point project_dir at the folder that holds the tool's config")


def _flyway_default_location(root: Path) -> str | None:
    for loc in FLYWAY_DEFAULT_LOCATIONS:
        path = root / loc
        if path.is_dir() and any(p.name[:1] in "VR" and "__" in p.name for p in path.glob("*.sql")):
            return loc
    return None


def read_config(root: Path, tool: str, file: str | None) -> Config:
    if file is None:
        return Config(tool, None)
    inside(root, file)
    text = read_text(root, file)
    if file.endswith(".toml"):
        return Config(tool, file, _toml_values(text, file))
    if file.endswith(".ini"):
        return Config(tool, file, _ini_values(text, file))
    return Config(tool, file, _properties(text, file))


def _properties(text: str, file: str) -> dict[str, Fact]:
    """Java properties (`key=value` or `key: value`); `flyway.` / `liquibase.command.` prefixes dropped."""
    out = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#!":
            continue
        m = re.match(r"([^=:\s]+)\s*[=:]\s*(.*)$", line)
        if m:
            key = re.sub(r"^(?:flyway\.|liquibase\.command\.|liquibase\.)", "", m.group(1))
            out[key] = Fact(m.group(2).strip(), f"{file}:{n}")
    return out


def _ini_values(text: str, file: str) -> dict[str, Fact]:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=file)
    except configparser.Error as e:
        raise ProjectError(f"does not parse: {str(e).splitlines()[0]}", file=file,
                           line=getattr(e, "lineno", None)) from None
    lines = text.splitlines()
    out = {}
    for key, value in (parser.items("alembic") if parser.has_section("alembic") else []):
        n = next((i for i, ln in enumerate(lines, 1) if re.match(rf"\s*{re.escape(key)}\s*[=:]", ln)), 1)
        out[key] = Fact(value.strip(), f"{file}:{n}")
    return out


def _toml_values(text: str, file: str) -> dict[str, Fact]:
    """flyway.toml: `[flyway] locations = [...]`, `[environments.<env>] url = ...`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise ProjectError(f"does not parse: {e}", file=file, line=int(m.group(1)) if m else None) from None
    flyway = data.get("flyway", {})
    env = data.get("environments", {}).get(flyway.get("environment", "default"), {})
    out = {}
    settings = [("locations", flyway.get("locations")), ("url", env.get("url"))]
    settings += [(key, flyway.get(key)) for key in PLACEHOLDER_SETTINGS]
    settings += [(f"placeholders.{k}", v) for k, v in (flyway.get("placeholders") or {}).items()]
    for key, value in settings:
        if value is not None and value != "":
            text_value = ",".join(value) if isinstance(value, list) else str(value).lower() \
                if isinstance(value, bool) else str(value)
            out[key] = Fact(text_value, f"{file}:{_line_of(text, key.rpartition('.')[2])}")
    return out


# flyway.toml keys of [flyway] that shape placeholder replacement (flyway.conf: flyway.<key>)
PLACEHOLDER_SETTINGS = ("placeholderPrefix", "placeholderSuffix", "placeholderReplacement", "defaultSchema", "schemas",
                        "table", "user")


def _line_of(text: str, key: str) -> int:
    return next((n for n, ln in enumerate(text.splitlines(), 1) if re.match(rf"\s*{key}\s*=", ln)), 1)


# --- which database ------------------------------------------------------------------------------

_SCHEMES = {**{name: name for name in DATABASES}, **ALIASES, "pgsql": "postgresql"}


def database_from_url(url: Fact | None) -> tuple[Fact | None, Fact | None]:
    """(database, version) a JDBC or SQLAlchemy URL states; Testcontainers URLs carry a version."""
    if url is None:
        return None, None
    m = re.match(r"(?:jdbc:)?(?:(tc):)?([a-z]+)(?:\+\w+)?(?::([0-9][\w.\-]*))?:", url.value.strip(), re.I)
    db = _SCHEMES.get(m.group(2).lower()) if m else None
    if db is None:
        return None, None
    version = m.group(3) if m.group(1) else None
    flavour = "mariadb-" if m.group(2).lower() == "mariadb" and version else ""
    return Fact(db, url.source), Fact(flavour + version, url.source) if version else None


def version_from_compose(root: Path, database: str | None) -> Fact | None:
    """`image: postgres:15` / `mariadb:10.11` in the project's compose file."""
    images = {"postgresql": r"postgres(?:ql)?", "mysql": r"(mariadb|mysql)"}
    if database not in images:
        return None
    for name in COMPOSE_FILES:
        if not (root / name).is_file() or (root / name).is_symlink():
            continue
        for n, line in enumerate(read_text(root, name).splitlines(), 1):
            m = re.match(rf"\s*image:\s*[\"']?(?:[\w./-]+/)?{images[database]}:(\d+(?:\.\d+)*)", line)
            if m:
                flavour = "mariadb-" if "mariadb" in line else ""
                return Fact(flavour + m.groups()[-1], f"{name}:{n}")
    return None


def literal_url_in_env(root: Path, env_py: str) -> Fact | None:
    """A URL written as a string literal in Alembic's env.py (read with ast, never imported)."""
    try:
        tree = ast.parse(read_text(root, env_py))
    except SyntaxError as e:
        raise ProjectError(f"Python syntax error: {e.msg}", file=env_py, line=e.lineno) from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                re.match(r"^[a-z]+(?:\+\w+)?://", node.value):
            return Fact(node.value, f"{env_py}:{node.lineno}")
    return None
