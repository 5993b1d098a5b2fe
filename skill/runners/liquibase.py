"""The Liquibase CLI, run for real: `update` and `rollback-count` on a scratch database, and
`update-sql` against an offline URL for the databases without a server here (SQL Server, Oracle).

The CLI is the npm package `liquibase@4.28` under `<repo>/.tools` (or `LIQUIBASE_BIN`); it needs
Java. No credentials are written anywhere: the scratch servers trust local connections.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from .engines import Scratch

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / ".tools/node_modules/liquibase/dist/liquibase/liquibase"
# Liquibase's short names for the offline URL.
OFFLINE = {"postgresql": "postgresql", "mysql": "mariadb", "sqlserver": "mssql", "oracle": "oracle"}
QUIET = ["--show-banner=false", "--log-level=severe"]
# Each call is a short-lived JVM: the C1 compiler only and the serial GC halve its start-up.
JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"


class LiquibaseError(RuntimeError):
    pass


def binary() -> Path:
    path = Path(os.environ.get("LIQUIBASE_BIN") or DEFAULT_BIN)
    if not path.is_file():
        raise LiquibaseError(f"Liquibase CLI not found at {path}: run `npm install --prefix .tools "
                             "liquibase@4.28` in the repository, or set LIQUIBASE_BIN")
    return path


def available() -> bool:
    """True when the CLI and a Java runtime are there (tests skip or fail on this)."""
    try:
        binary()
    except LiquibaseError:
        return False
    from shutil import which
    return bool(os.environ.get("JAVA_HOME") or which("java"))


def changelogs(files: dict[str, str]) -> list[str]:
    """The changelogs among the files, in apply order (a zero-downtime plan has one per phase:
    `-1-expand`, `-2-migrate`, ...); the rollback review files are not changelogs."""
    names = sorted(n for n in files if n.startswith("changelog") and not n.endswith(".rollback.sql"))
    if not names:
        raise LiquibaseError(f"no changelog among {sorted(files)}")
    return names


def changelog(files: dict[str, str]) -> str:
    """The one changelog among the files, for commands that take a single changelog."""
    names = changelogs(files)
    if len(names) != 1:
        raise LiquibaseError(f"expected one changelog among {sorted(files)}, found {names}")
    return names[0]


def changeset_count(text: str, name: str) -> int:
    pattern = {"xml": r"<changeSet\b", "yaml": r"^\s*- changeSet:", "sql": r"^--changeset\s"}
    return len(re.findall(pattern[name.rsplit(".", 1)[-1]], text, re.M))


def run(workdir: Path, name: str, args: list[str], password: dict[str, str] | None = None) -> str:
    cmd = [str(binary()), *QUIET, f"--changelog-file={name}", f"--search-path={workdir}", *args]
    env = {**os.environ, "JAVA_OPTS": os.environ.get("JAVA_OPTS", JAVA_OPTS), **(password or {})}
    proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise LiquibaseError(f"liquibase {args[-1]} failed: {_reason(proc.stderr + proc.stdout)}")
    return proc.stdout


def _reason(output: str) -> str:
    """Liquibase's message without the Java stack frames."""
    lines = [ln for ln in output.splitlines() if ln.strip() and not ln.lstrip().startswith(("at ", "..."))]
    return "\n".join(lines)[:3000]


def _write(files: dict[str, str], workdir: Path) -> str:
    _write_all(files, workdir)
    return changelog(files)


def _write_all(files: dict[str, str], workdir: Path) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    for filename, content in files.items():
        (workdir / filename).parent.mkdir(parents=True, exist_ok=True)
        (workdir / filename).write_text(content)


def _connection(scratch: Scratch) -> list[str]:
    return [f"--url={scratch.jdbc_url()}", f"--username={scratch.server.user}"]


def _password(scratch: Scratch) -> dict[str, str]:
    """Through the environment, never the command line (visible in `ps`)."""
    return {"LIQUIBASE_COMMAND_PASSWORD": scratch.server.password} if scratch.server.password else {}


def upgrade(scratch: Scratch, files: dict[str, str], workdir: Path) -> list[str]:
    _write_all(files, Path(workdir))
    names = changelogs(files)
    for name in names:
        run(Path(workdir), name, [*_connection(scratch), "update"], _password(scratch))
    return names


def release_locks(scratch: Scratch, files: dict[str, str], workdir: Path) -> None:
    """What a user runs after a killed `update`: Liquibase could not clear its changelog lock."""
    _write_all(files, Path(workdir))
    run(Path(workdir), changelogs(files)[0], [*_connection(scratch), "release-locks"], _password(scratch))


def downgrade(scratch: Scratch, files: dict[str, str], workdir: Path) -> list[str]:
    """Each changelog's own changeSets, newest changelog first."""
    _write_all(files, Path(workdir))
    names = changelogs(files)[::-1]
    for name in names:
        count = changeset_count(files[name], name)
        run(Path(workdir), name, [*_connection(scratch), "rollback-count", f"--count={count}"],
            _password(scratch))
    return names


def _offline(files: dict[str, str], workdir: Path, database: str, command: str) -> str:
    """Run a command against an offline URL with a fresh (empty) history file."""
    workdir = Path(workdir)
    name = _write(files, workdir)
    history = workdir / "offline-history.csv"
    history.unlink(missing_ok=True)
    url = f"offline:{OFFLINE[database]}?changeLogFile={history}&outputLiquibaseSql=none"
    return run(workdir, name, [f"--url={url}", command])


def offline_update_sql(files: dict[str, str], workdir: Path, database: str) -> str:
    """The SQL Liquibase would run for `update`, with no database."""
    return _offline(files, workdir, database, "update-sql")


def offline_rollback_sql(files: dict[str, str], workdir: Path, database: str) -> str:
    """The SQL Liquibase would run to roll the whole changelog back, with no database."""
    return _offline(files, workdir, database, "future-rollback-sql")


def validate(files: dict[str, str], workdir: Path, database: str) -> str:
    """Liquibase's own checks, including the XSD for XML changelogs."""
    return _offline(files, workdir, database, "validate")
