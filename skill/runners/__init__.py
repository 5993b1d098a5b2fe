"""Running migrations for real: scratch databases on live servers and the tools that apply
files to them. The round-trip tests and `dbmig verify` share this code."""

from importlib import import_module
from types import ModuleType

TOOLS = ("flyway", "liquibase", "alembic")


def runner(tool: str) -> ModuleType:
    """The module that applies a tool's files: `upgrade(scratch, files, workdir)` and
    `downgrade(scratch, files, workdir)`, `files` being {filename: content}."""
    if tool not in TOOLS:
        raise ValueError(f"unknown tool {tool!r}")
    return import_module(f"{__name__}.{tool}")
