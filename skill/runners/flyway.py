"""Flyway's file conventions, executed as Flyway would: `V<version>__*.sql` in version order,
each in one transaction unless its sidecar `.sql.conf` says `executeInTransaction=false`;
undo runs `U<version>__*.sql` newest first. Scripts go through the database's own command-line
client (psql, mariadb), which parses them as the real tools' users would."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from .engines import Scratch

_NAME = re.compile(r"^([VU])(\d+(?:[._]\d+)*)__.+\.sql$")


class FlywayError(RuntimeError):
    pass


def version_key(filename: str) -> tuple[int, ...]:
    m = _NAME.match(filename)
    if not m:
        raise FlywayError(f"{filename} does not follow V<version>__<description>.sql")
    return tuple(int(p) for p in re.split(r"[._]", m.group(2)))


def _in_transaction(files: dict[str, str], name: str) -> bool:
    conf = files.get(f"{name}.conf", "")
    return not re.search(r"^\s*executeInTransaction\s*=\s*false\s*$", conf, re.M)


def scripts(files: dict[str, str], prefix: str) -> list[str]:
    names = [n for n in files if n.startswith(prefix) and n.endswith(".sql")]
    return sorted(names, key=version_key, reverse=(prefix == "U"))


def upgrade(scratch: Scratch, files: dict[str, str], workdir: Path | None = None) -> list[str]:
    applied = []
    for name in scripts(files, "V"):
        run_script(scratch, files[name], _in_transaction(files, name), name)
        applied.append(name)
    return applied


def downgrade(scratch: Scratch, files: dict[str, str], workdir: Path | None = None) -> list[str]:
    applied = []
    for name in scripts(files, "U"):
        run_script(scratch, files[name], _in_transaction(files, name), name)
        applied.append(name)
    return applied


def run_script(scratch: Scratch, text: str, transactional: bool, name: str) -> None:
    """Run one script with the database's own client; the script goes in on stdin (the MariaDB
    client's `-e "source f"` goes on after an error and exits 0: stdin stops and exits 1)."""
    s = scratch.server
    if scratch.kind == "postgresql":
        cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", s.host, "-p", str(s.port),
               "-U", s.user, "-d", scratch.database, "-f", "-"] + (["--single-transaction"] if transactional else [])
    else:
        if transactional:     # as Flyway does; MySQL DDL still commits implicitly
            text = f"START TRANSACTION;\n{text}\nCOMMIT;\n"
        cmd = ["mariadb" if _has("mariadb") else "mysql", "-h", s.host, "-P", str(s.port), "-u", s.user,
               "--default-character-set=utf8mb4", scratch.database]
    # A password goes through the environment, never the command line (visible in `ps`).
    env = dict(os.environ, PGPASSWORD=s.password, MYSQL_PWD=s.password) if s.password else None
    proc = subprocess.run(cmd, input=text, capture_output=True, text=True, timeout=600, env=env)
    if proc.returncode != 0:
        raise FlywayError(f"{name} failed: {proc.stderr.strip()[:2000]}")


def _has(binary: str) -> bool:
    from shutil import which
    return which(binary) is not None
