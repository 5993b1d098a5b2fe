"""sqlglot's modules, imported on their first use rather than with the module that names them.

Importing sqlglot costs ~125 ms and ~29 MiB (its package imports every dialect). A PostgreSQL
generate call reads SQL with PostgreSQL's own parser (pglast) and never asks sqlglot anything,
yet the planners, the schema reader and the types module name `exp` at their top. They name
these stand-ins instead: `exp.Command`, `errors.ParseError`, `sqlglot.parse_one` import sqlglot
at the first attribute read, as a plain import would have.

After that first read the stand-in holds a copy of the module's namespace, so each later
`exp.X` is an ordinary attribute look-up (lint rules test node types in tight loops). Names
used at a module's top level (tuples of node types, enum maps) must be built in a function
instead, or the import is no longer lazy.
"""
from __future__ import annotations

import importlib


class LazyModule:
    """Stands for the module `name` until an attribute is read, then mirrors it."""

    def __init__(self, name: str):
        self.__dict__["_LazyModule__module_name"] = name

    def __getattr__(self, attribute: str):
        # only called for names not yet in __dict__: the first read, or a name the module lacks
        module = importlib.import_module(self.__module_name)
        self.__dict__.update(vars(module))
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self.__module_name!r}>"


sqlglot = LazyModule("sqlglot")
exp = LazyModule("sqlglot.expressions")
sqlglot_errors = LazyModule("sqlglot.errors")
