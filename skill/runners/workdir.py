"""Migration files from a request, written into a scratch directory for a tool to run.

A filename is a plain name: no directory part, no `..`, no control characters, so it can only
land inside the scratch directory. Names that a tool would read as its own configuration or
environment rather than as a migration are refused: content from a request must never become
Alembic's `env.py` (which runs inside dbmig) or a Liquibase defaults file.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import InvalidRequest
from ..limits import echo

# Each tool's own files, never a migration (the Liquibase CLI also runs in a directory that
# holds none of the request's files: see runners/liquibase.py). dbmig's Flyway runner reads
# only V/U scripts and their .conf sidecars, so a flyway.conf among the files changes nothing.
RESERVED = {
    "alembic": re.compile(r"(?i)(env\.py|script\.py\.mako|alembic\.ini|__init__\.py)"),
    "liquibase": re.compile(r"(?i)(.*\.properties|liquibase\.flowfile\.ya?ml|liquibase\.checks-settings\.conf)"),
}
_UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f]")


def name_problem(name: str, tool: str | None = None) -> str | None:
    """Why `name` cannot be written as a migration file, or None."""
    shown = echo(name, 100)
    if not name or name in (".", "..") or _UNSAFE.search(name):
        return (f"{shown} is not a plain file name: give the name only (no directory, no `..`, "
                "no control characters)")
    if tool in RESERVED and RESERVED[tool].fullmatch(name):
        return f"{shown} is {tool}'s own configuration or environment, not a migration file"
    return None


def check_names(names, tool: str | None = None) -> None:
    """Refuse the first unusable name, naming its request field (`files.N.filename`)."""
    for i, name in enumerate(names):
        problem = name_problem(name, tool)
        if problem:
            raise InvalidRequest(problem, field=f"files.{i}.filename",
                                 suggestion="rename the file, e.g. V1__add_email.sql, changelog.xml, a1b2_add_email.py")


def write_files(files: dict[str, str], directory: Path) -> None:
    """Write each file under `directory`. A request's names are plain (check_names); dbmig's own
    callers (tests) may use sub-folders such as `cases/x/changelog.xml`, but nothing that leaves
    the directory: an absolute path or a `..` part is refused, never followed."""
    directory = directory.resolve()
    for name, content in files.items():
        parts = name.split("/")
        if any(name_problem(part) for part in parts):
            raise ValueError(f"{name!r} would leave {directory}")
        target = directory.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
