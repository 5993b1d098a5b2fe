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
import importlib.machinery
import sys


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


# --- what dbmig adds to sqlglot's dialects -----------------------------------------------------
# MySQL's spatial column types: sqlglot has their token types (for ClickHouse) but its MySQL
# tokenizer lacks the words, so `g POINT NOT NULL` did not parse and a schema holding one was
# refused whole. (MULTIPOINT and GEOMETRYCOLLECTION have no token type in sqlglot.)
_TYPE_WORDS = {"sqlglot.dialects.mysql": ("MySQL", ("POINT", "LINESTRING", "POLYGON", "MULTILINESTRING",
                                                    "MULTIPOLYGON"))}


def _add_type_words(module) -> None:
    from sqlglot.tokens import TokenType
    dialect, words = _TYPE_WORDS[module.__name__]
    keywords = getattr(module, dialect).Tokenizer.KEYWORDS
    for word in words:
        keywords.setdefault(word, TokenType[word])


class _OnImport:
    """Adds the words to a dialect's tokenizer when sqlglot first loads that dialect (sqlglot loads
    each on its first use, whoever asks: dbmig, or the process that imported dbmig). A finder of
    sys.meta_path, which only needs find_spec."""

    def find_spec(self, name, path, target=None):
        if name not in _TYPE_WORDS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is not None and spec.loader is not None:
            run = spec.loader.exec_module

            def exec_module(module):
                run(module)
                _add_type_words(module)
            spec.loader.exec_module = exec_module
        return spec


def extend_sqlglot() -> None:
    """Once per process: extend the dialects loaded already, and the others as they load."""
    if any(isinstance(f, _OnImport) for f in sys.meta_path):
        return
    for name in _TYPE_WORDS:
        if name in sys.modules:
            _add_type_words(sys.modules[name])
    sys.meta_path.insert(0, _OnImport())
