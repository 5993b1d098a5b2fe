"""Intake: the request's change as `changes` (preferred), `sql`, or the description grammar."""
from __future__ import annotations

from ..dialects import Dialect
from ..errors import InvalidRequest
from ..models import Change, MigrationRequest


def changes_for(request: MigrationRequest, dialect: Dialect) -> tuple[list[Change], list[str]]:
    if request.changes and request.sql:
        raise InvalidRequest("give either `changes` or `sql`, not both", field="sql")
    if request.changes:
        return list(request.changes), []
    if request.sql:
        from .sql import changes_from_sql
        return changes_from_sql(request.sql, dialect)
    from ..schema import parse_schema
    from .description import read_description
    reading = read_description(request.migration_description,
                               parse_schema(request.schema_sql, dialect.sqlglot), dialect.sqlglot)
    return reading.changes, reading.notes
