"""Which functions a database evaluates per row (volatile), from `data/<database>_non_volatile.txt`
(made from the catalog): as a column DEFAULT such a function rewrites the table. A module of its
own, without the lock facts and the dialects, so the lint rules ask it in a `dbmig validate`
process (a pre-commit hook) without loading them (and sqlglot with them)."""
from __future__ import annotations

import os
from functools import cache

# The package's data files are plain files beside this module (a wheel installs them so);
# importlib.resources would cost a pre-commit hook more than reading them.
_DATA = os.path.join(os.path.dirname(__file__), "data")


def data_text(name: str) -> str:
    with open(os.path.join(_DATA, name), encoding="utf-8") as f:
        return f.read()


def volatile_function(database: str, name: str) -> bool:
    """Not known to be stable or immutable: as a DEFAULT it is evaluated per row."""
    return name.lower().split(".")[-1] not in _non_volatile(database)


@cache
def _non_volatile(database: str) -> frozenset[str]:
    text = data_text(f"{database}_non_volatile.txt")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
