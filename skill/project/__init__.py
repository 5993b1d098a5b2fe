"""Project-aware dbmig: read the user's migration project (Flyway, Liquibase, Alembic), replay
its history into the schema model, chain new migrations onto it and write them in place.

Entry points: `load_project`, `inspect_project` (what `dbmig inspect` prints), `with_project`
(the one call `dbmig.api.generate` makes), `write_migration`, `validate_project`.

They are imported on first use: the CLI reads `project.markers` at every start (is the folder
it runs in a project?), which must not load the project reader and the schema model.
"""
from ..lazyexports import lazy_exports

_HOME = {"inspect_project": "inspect", "inspect_text": "inspect", "load_project": "load",
         "replay_offline": "load", "Project": "model", "ProjectError": "model", "with_project": "request",
         "placement": "write", "write_migration": "write", "validate_project": "lint"}

__all__ = sorted(_HOME)

__getattr__ = lazy_exports(__name__, _HOME)
