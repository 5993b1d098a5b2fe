"""Shared fixtures. Real-engine tests need PostgreSQL / MariaDB / Liquibase: under CI=true a
missing one FAILS the test (never a silent skip); on a laptop without them they skip."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dbmig.runners.engines import Server

IN_CI = os.environ.get("CI", "").lower() == "true"
ROOT = Path(__file__).resolve().parents[1]


def require(ok: bool, what: str) -> None:
    if ok:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not available", pytrace=False)
    pytest.skip(f"{what} not available (under CI=true this fails instead)")


_servers: dict[str, Server | None] = {}


def live_server(kind: str) -> Server:
    if kind not in _servers:
        server = Server.local(kind)
        try:
            server.connect("postgres" if kind == "postgresql" else "mysql").close()
            _servers[kind] = server
        except Exception:  # noqa: BLE001 - any connection failure means "not available"
            _servers[kind] = None
    require(_servers[kind] is not None, f"{kind} server at 127.0.0.1")
    return _servers[kind]


def liquibase_bin() -> str:
    path = os.environ.get("LIQUIBASE_BIN") or str(ROOT / ".tools/node_modules/liquibase/dist/liquibase/liquibase")
    require(Path(path).exists() and shutil.which("java") is not None, "Liquibase CLI + Java")
    return path


@pytest.fixture
def pg() -> Server:
    return live_server("postgresql")


@pytest.fixture
def mariadb() -> Server:
    return live_server("mysql")
