"""Flyway's file conventions, executed as Flyway would: `V<version>__*.sql` in version order,
each in one transaction unless its sidecar `.sql.conf` says `executeInTransaction=false`;
undo runs `U<version>__*.sql` newest first. Scripts go through the database's own command-line
client (psql, mariadb), which parses them as the real tools' users would.

Like Flyway, a schema history table records each version that succeeded: a rerun after a
failure skips them and starts at the failed version (real Flyway first needs `flyway repair`
to clear the failed row), and undo reverses only applied versions."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from . import lifecycle
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


HISTORY = "flyway_schema_history"


def upgrade(scratch: Scratch, files: dict[str, str], workdir: Path | None = None) -> list[str]:
    _create_history(scratch)
    done, applied = _history(scratch), []
    for name in scripts(files, "V"):
        if _version(name) in done:
            continue
        run_script(scratch, files[name], _in_transaction(files, name), name)
        scratch.execute([f"INSERT INTO {HISTORY} (version, script) VALUES ('{_version(name)}', '{name}')"])
        applied.append(name)
    return applied


def run_repeatable(scratch: Scratch, text: str, name: str) -> None:
    """An `R__` script, recorded as Flyway records one: without a version."""
    _create_history(scratch)
    run_script(scratch, text, True, name)
    scratch.execute([f"INSERT INTO {HISTORY} (version, script) VALUES (NULL, '{name}')"])


def _create_history(scratch: Scratch) -> None:
    # the columns of Flyway's own table that its readers use (dbmig's live history reads success);
    # a repeatable script's row has no version
    scratch.execute([f"CREATE TABLE IF NOT EXISTS {HISTORY} (version VARCHAR(50), "
                     "script VARCHAR(200) NOT NULL, success BOOLEAN DEFAULT TRUE NOT NULL)"])


def downgrade(scratch: Scratch, files: dict[str, str], workdir: Path | None = None) -> list[str]:
    """Undo the applied versions, newest first (all of them when nothing was recorded)."""
    done, applied = _history(scratch), []
    for name in scripts(files, "U"):
        if done and _version(name) not in done:
            continue
        run_script(scratch, files[name], _in_transaction(files, name), name)
        if done:
            scratch.execute([f"DELETE FROM {HISTORY} WHERE version = '{_version(name)}'"])
        applied.append(name)
    return applied


def _version(filename: str) -> str:
    return _NAME.match(filename).group(2)


def _history(scratch: Scratch) -> set[str]:
    try:
        return {v for (v,) in scratch.query(f"SELECT version FROM {HISTORY}")}
    except Exception:  # noqa: BLE001 - no history table: nothing recorded
        return set()


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
        cmd = ["mariadb" if shutil.which("mariadb") else "mysql", "-h", s.host, "-P", str(s.port), "-u", s.user,
               "--default-character-set=utf8mb4", scratch.database]
    # A password goes through the environment, never the command line (visible in `ps`).
    env = dict(os.environ, PGPASSWORD=s.password, MYSQL_PWD=s.password) if s.password else None
    proc = lifecycle.run(cmd, input=text, timeout=600, env=env)
    if proc.returncode != 0:
        raise FlywayError(f"{name} failed: {proc.stderr.strip()[:2000]}")

