"""Portable column types: parsing, the mapping from sqlglot's types, and widening.

A request names a portable type (`varchar(255)`, `decimal(10,2)`, `uuid`); each dialect maps the
name to its own native type (see `skill/dialects/*.py`, `TYPES`). Schema text given by the user is
parsed by sqlglot, whose `DataType.Type` is mapped back here, so both paths meet in `SqlType`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lazysqlglot import exp
from .errors import InvalidRequest
from .limits import echo

# name -> number of arguments allowed (min, max)
PORTABLE = {
    "varchar": (1, 1), "char": (1, 1), "text": (0, 0), "smallint": (0, 0), "integer": (0, 0),
    "bigint": (0, 0), "boolean": (0, 0), "timestamp": (0, 0), "timestamptz": (0, 0),
    "date": (0, 0), "time": (0, 0), "decimal": (0, 2), "float": (0, 0), "double": (0, 0),
    "uuid": (0, 0), "json": (0, 0), "blob": (0, 0),
}

ALIASES = {
    "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint", "bool": "boolean",
    "numeric": "decimal", "number": "decimal", "real": "float", "double precision": "double",
    "character varying": "varchar", "character": "char", "datetime": "timestamp",
    "jsonb": "json", "bytea": "blob", "string": "text",
}

# sqlglot's type (the name of its `exp.DataType.Type` member) -> portable name, for schema text and
# `sql` intake. Names, not members: this module loads without sqlglot (dbmig.lazysqlglot).
FROM_SQLGLOT = {
    "VARCHAR": "varchar", "NVARCHAR": "varchar", "CHAR": "char", "NCHAR": "char",
    "TEXT": "text", "MEDIUMTEXT": "text", "LONGTEXT": "text", "SMALLINT": "smallint",
    "TINYINT": "boolean", "INT": "integer", "MEDIUMINT": "integer", "BIGINT": "bigint",
    "BOOLEAN": "boolean", "BIT": "boolean", "TIMESTAMP": "timestamp", "DATETIME": "timestamp",
    "DATETIME2": "timestamp", "TIMESTAMPTZ": "timestamptz", "TIMESTAMPLTZ": "timestamptz",
    "DATE": "date", "TIME": "time", "DECIMAL": "decimal",
    "FLOAT": "float", "DOUBLE": "double", "UUID": "uuid",
    "JSON": "json", "JSONB": "json", "BLOB": "blob", "VARBINARY": "blob", "BINARY": "blob",
    "LONGBLOB": "blob",
}

# PostgreSQL's serial types: an integer whose default is the next value of a sequence the column
# owns (dropped with it). Read only where a column's whole definition is read, never as a type alone.
SERIAL = {"SMALLSERIAL": "smallint", "SERIAL": "integer", "BIGSERIAL": "bigint"}

_TYPE_RE = re.compile(r"^\s*([a-z][a-z ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$")
_INT_RANK = {"smallint": 1, "integer": 2, "bigint": 3}
INT_RANGE = {"smallint": (-32768, 32767), "integer": (-2147483648, 2147483647),
             "bigint": (-9223372036854775808, 9223372036854775807)}


@dataclass(frozen=True)
class SqlType:
    name: str
    args: tuple[int, ...] = ()

    def __str__(self) -> str:
        return f"{self.name}({','.join(map(str, self.args))})" if self.args else self.name

    def is_(self, name: str) -> bool:
        """This portable type, whatever its length or precision (`t.is_("varchar")`)."""
        return self.name == name

    @property
    def is_integer(self) -> bool:
        return self.name in _INT_RANK

    @property
    def is_decimal(self) -> bool:
        return self.is_("decimal")

    def same_kind(self, other: "SqlType") -> bool:
        """The same portable type, whatever the length or precision."""
        return self.is_(other.name)

    def widens_to(self, new: "SqlType") -> bool:
        """True when every value of self fits new unchanged (no guard needed)."""
        if self == new:
            return True
        if self.name in _INT_RANK and new.name in _INT_RANK:
            return _INT_RANK[new.name] >= _INT_RANK[self.name]
        if self.name in ("varchar", "char") and new.name == "text":
            return True
        if self.name == new.name and self.name in ("varchar", "char"):
            return new.args[0] >= self.args[0]
        if self.name == new.name == "decimal" and len(self.args) == 2 == len(new.args):
            (p, s), (p2, s2) = self.args, new.args
            return s2 >= s and p2 - s2 >= p - s
        if self.name == "float" and new.name == "double":
            return True
        return False


def parse_type(text: str, field: str) -> SqlType:
    m = _TYPE_RE.fullmatch(text.lower()) if len(text) <= 64 else None
    name = ALIASES.get(m.group(1), m.group(1)) if m else None
    if not m or name not in PORTABLE:
        raise InvalidRequest(f"unknown type {echo(text)}", field=field, allowed=sorted(PORTABLE),
                             suggestion="use a portable type such as varchar(255) or decimal(10,2)")
    args = tuple(int(a) for a in m.groups()[1:] if a is not None)
    lo, hi = PORTABLE[name]
    if name in ("varchar", "char") and not args:
        raise InvalidRequest(f"type {echo(text)} needs a length, e.g. {name}(255)", field=field)
    if not lo <= len(args) <= hi or any(a <= 0 for a in args[:1]):
        raise InvalidRequest(f"type {echo(text)} takes {lo} to {hi} arguments", field=field)
    if name == "decimal" and len(args) == 2 and args[1] > args[0]:
        raise InvalidRequest(f"type {echo(text)}: scale is larger than precision", field=field)
    return SqlType(name, args)


def column_type(dt: exp.DataType, field: str) -> tuple[SqlType, str | None]:
    """A column's declared type, and "serial" when it is one of PostgreSQL's serial types."""
    serial = SERIAL.get(_type_name(dt))
    if serial:
        return SqlType(serial), "serial"
    return from_sqlglot(dt, field), None


def _type_name(dt: exp.DataType) -> str | None:
    return getattr(dt.this, "name", None)


def from_sqlglot(dt: exp.DataType, field: str) -> SqlType:
    """Map a type sqlglot parsed from schema/DDL text back to a portable type."""
    name = FROM_SQLGLOT.get(_type_name(dt))
    if name is None:
        raise InvalidRequest(f"type {dt.sql()} has no portable equivalent", field=field,
                             allowed=sorted(PORTABLE))
    params = [int(p.this.this) for p in dt.expressions
              if isinstance(p, exp.DataTypeParam) and isinstance(p.this, exp.Literal)]
    if name == "varchar" and not params:          # VARCHAR(MAX) / NVARCHAR(MAX)
        return SqlType("text")
    if name == "boolean" and _type_name(dt) == "TINYINT" and params not in ([], [1]):
        return SqlType("smallint")
    if name in ("varchar", "char", "decimal"):
        return SqlType(name, tuple(params[:2] if name == "decimal" else params[:1]))
    return SqlType(name)
