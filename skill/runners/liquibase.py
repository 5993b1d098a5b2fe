"""The Liquibase CLI, run for real: `update` and `rollback-count` on a scratch database, and
`update-sql` against an offline URL for the databases without a server here (SQL Server, Oracle).

The CLI is found from `LIQUIBASE_BIN`, then `liquibase` on PATH, then the npm package
`liquibase@4.28` under `.tools` in the working directory (where the README's setup puts it in a
checkout); it needs Java. No credentials are written anywhere: a password goes through the
environment.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from ..errors import MissingDependency
from . import lifecycle
from .engines import Scratch
from .workdir import write_files

NPM_CLI = Path(".tools/node_modules/liquibase/dist/liquibase/liquibase")
INSTALL = ("install it with `npm install --prefix .tools liquibase@4.28` in the directory you run dbmig from "
           "(it then runs .tools/node_modules/liquibase/dist/liquibase/liquibase), put `liquibase` on PATH, "
           "or set LIQUIBASE_BIN to the CLI; it needs Java 17+")
# Liquibase's short names for the offline URL.
OFFLINE = {"postgresql": "postgresql", "mysql": "mariadb", "sqlserver": "mssql", "oracle": "oracle"}
QUIET = ["--show-banner=false", "--log-level=severe"]
# Each call is a short-lived JVM: the C1 compiler only and the serial GC halve its start-up.
JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"


class LiquibaseError(RuntimeError):
    pass


def find() -> Path | None:
    """Where the CLI is, or None. A `.tools` copy in the working directory counts only when this
    user (or root) owns it: a shared directory such as /tmp must not choose what dbmig runs."""
    if os.environ.get("LIQUIBASE_BIN"):
        path = Path(os.environ["LIQUIBASE_BIN"])
        return path if path.is_file() else None
    if on_path := shutil.which("liquibase"):
        return Path(on_path)
    local = Path.cwd() / NPM_CLI
    if local.is_file() and local.stat().st_uid in (0, os.geteuid()):
        return local
    return None


def binary() -> Path:
    path = find()
    if path is None:
        where = (f"LIQUIBASE_BIN={os.environ['LIQUIBASE_BIN']} is not a file"
                 if os.environ.get("LIQUIBASE_BIN") else "Liquibase CLI not found (LIQUIBASE_BIN, PATH, ./.tools)")
        raise MissingDependency(f"{where}: {INSTALL}", suggestion=INSTALL)
    return path


def java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def require() -> Path:
    """The CLI, and Java to run it: a structured error saying what to install otherwise."""
    path = binary()
    if java() is None:
        raise MissingDependency("the Liquibase CLI needs Java 17+, and none was found (JAVA_HOME, PATH): "
                                "install a Java runtime (e.g. `apt-get install openjdk-17-jre-headless`)",
                                suggestion="install Java 17+ or set JAVA_HOME, then call again")
    return path


def available() -> bool:
    """True when the CLI and a Java runtime are there (tests skip or fail on this)."""
    return find() is not None and java() is not None


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


def run(search_path: Path, name: str, args: list[str], password: dict[str, str] | None = None) -> str:
    """One CLI command on the changelogs under `search_path`. The CLI runs in an empty directory
    of its own: it reads liquibase.properties and its libraries from its working directory, and
    those must never come from a request or a project."""
    cmd = [str(require()), *QUIET, f"--changelog-file={name}", f"--search-path={Path(search_path).resolve()}", *args]
    env = {**os.environ, "JAVA_OPTS": os.environ.get("JAVA_OPTS", JAVA_OPTS), **(password or {})}
    with lifecycle.temp_dir("liquibase") as cwd:
        proc = lifecycle.run(cmd, cwd=cwd, env=env, timeout=600)
    if proc.returncode != 0:
        command = next((a for a in reversed(args) if not a.startswith("-")), args[-1])
        raise LiquibaseError(f"liquibase {command} failed: {_reason(proc.stderr + proc.stdout)}")
    return proc.stdout


def _reason(output: str) -> str:
    """Liquibase's message without the Java stack frames."""
    lines = [ln for ln in output.splitlines() if ln.strip() and not ln.lstrip().startswith(("at ", "..."))]
    return "\n".join(lines)[:3000]


def _put(files: dict[str, str], workdir: Path) -> Path:
    """Write the files into `workdir/changelogs`, the search path, apart from what the runner
    keeps in `workdir` itself (the offline history file)."""
    search = Path(workdir) / "changelogs"
    write_files(files, search)
    return search


def _connection(scratch: Scratch) -> list[str]:
    return [f"--url={scratch.jdbc_url()}", f"--username={scratch.server.user}"]


def _password(scratch: Scratch) -> dict[str, str]:
    """Through the environment, never the command line (visible in `ps`)."""
    return {"LIQUIBASE_COMMAND_PASSWORD": scratch.server.password} if scratch.server.password else {}


def upgrade(scratch: Scratch, files: dict[str, str], workdir: Path) -> list[str]:
    search = _put(files, workdir)
    names = changelogs(files)
    for name in names:
        run(search, name, [*_connection(scratch), "update"], _password(scratch))
    return names


def release_locks(scratch: Scratch, files: dict[str, str], workdir: Path) -> None:
    """What a user runs after a killed `update`: Liquibase could not clear its changelog lock."""
    run(_put(files, workdir), changelogs(files)[0], [*_connection(scratch), "release-locks"], _password(scratch))


def downgrade(scratch: Scratch, files: dict[str, str], workdir: Path) -> list[str]:
    """Each changelog's own changeSets, newest changelog first."""
    search = _put(files, workdir)
    names = changelogs(files)[::-1]
    for name in names:
        count = changeset_count(files[name], name)
        run(search, name, [*_connection(scratch), "rollback-count", f"--count={count}"], _password(scratch))
    return names


def _offline(files: dict[str, str], workdir: Path, database: str, command: str) -> str:
    """Run a command against an offline URL with a fresh (empty) history file."""
    search = _put(files, workdir)
    history = Path(workdir).resolve() / "offline-history.csv"
    history.unlink(missing_ok=True)
    url = f"offline:{OFFLINE[database]}?changeLogFile={history}&outputLiquibaseSql=none"
    return run(search, changelog(files), [f"--url={url}", command])


def offline_update_sql(files: dict[str, str], workdir: Path, database: str) -> str:
    """The SQL Liquibase would run for `update`, with no database."""
    return _offline(files, workdir, database, "update-sql")


def offline_rollback_sql(files: dict[str, str], workdir: Path, database: str) -> str:
    """The SQL Liquibase would run to roll the whole changelog back, with no database."""
    return _offline(files, workdir, database, "future-rollback-sql")


def validate(files: dict[str, str], workdir: Path, database: str) -> str:
    """Liquibase's own checks, including the XSD for XML changelogs."""
    return _offline(files, workdir, database, "validate")
