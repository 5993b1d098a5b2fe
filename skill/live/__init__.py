"""Live database awareness: read a real database's schema, row counts and version, read-only.

`with_live_facts(request, dialect)` fills a request's missing `schema`, `table_rows` and
`database_version` from its `dsn` (skill/api.py calls it before intake); `read_live` is the
read itself; `schema_drift` compares two schemas (a project's replayed history and the live
database). One module per database holds its catalog queries (postgresql.py, mysql.py,
sqlserver.py, oracle.py); session.py keeps every connection read-only and bounded.

The names are imported on first use: every generate call asks `with_live_facts`, and one
without a dsn must not load the readers, the drift comparison and the connection layer.
"""
from ..lazyexports import lazy_exports

_HOME = {"DriftItem": "drift", "drift_warnings": "drift", "schema_drift": "drift", "LiveFacts": "read",
         "read_live": "read", "Live": "request", "given_fields": "request", "with_live_facts": "request"}

__all__ = sorted(_HOME)

__getattr__ = lazy_exports(__name__, _HOME)
