"""Live database awareness: read a real database's schema, row counts and version, read-only.

`with_live_facts(request, dialect)` fills a request's missing `schema`, `table_rows` and
`database_version` from its `dsn` (skill/api.py calls it before intake); `read_live` is the
read itself; `schema_drift` compares two schemas (a project's replayed history and the live
database). One module per database holds its catalog queries (postgresql.py, mysql.py,
sqlserver.py, oracle.py); session.py keeps every connection read-only and bounded.
"""
from .drift import DriftItem, drift_warnings, schema_drift
from .read import LiveFacts, read_live
from .request import Live, given_fields, with_live_facts

__all__ = ["DriftItem", "Live", "LiveFacts", "drift_warnings", "given_fields", "read_live", "schema_drift",
           "with_live_facts"]
