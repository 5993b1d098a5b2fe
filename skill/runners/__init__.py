"""Running migrations for real: scratch databases on live servers and the tools that apply
files to them. The round-trip tests and `dbmig verify` share this code."""

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from ..errors import MissingDependency

TOOLS = ("flyway", "liquibase", "alembic")
VERIFY_EXTRA = "pip install 'dbmig[verify]'"


def runner(tool: str) -> ModuleType:
    """The module that applies a tool's files: `upgrade(scratch, files, workdir)` and
    `downgrade(scratch, files, workdir)`, `files` being {filename: content}."""
    if tool not in TOOLS:
        raise ValueError(f"unknown tool {tool!r}")
    return import_module(f"{__name__}.{tool}")


def need_modules(modules: list[str], purpose: str) -> None:
    """The dry run's drivers, Alembic and embedded PostgreSQL are the `verify` extra (see
    pyproject.toml): say which is missing and how to install it, before anything starts."""
    missing = [m for m in modules if find_spec(m) is None]
    if missing:
        raise MissingDependency(f"{purpose} needs the optional extra dbmig[verify] ({', '.join(missing)} "
                                f"not installed): {VERIFY_EXTRA}", suggestion=f"run `{VERIFY_EXTRA}` where "
                                "dbmig runs (for an MCP server: in its environment) and call again")
