"""A package whose names are imported from its modules on first use (PEP 562 `__getattr__`).

`dbmig.project` and `dbmig.live` export readers that most calls never need (a generate request
without `project_dir` or `dsn`); importing the package, or one light module of it, must not load
them all."""
from __future__ import annotations

from importlib import import_module
from collections.abc import Callable


def lazy_exports(package: str, homes: dict[str, str]) -> Callable[[str], object]:
    """The package's `__getattr__`: `homes` maps each exported name to the module holding it."""
    def __getattr__(name: str):
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{homes[name]}", package), name)
        vars(import_module(package))[name] = value      # later look-ups are plain attributes
        return value
    return __getattr__
