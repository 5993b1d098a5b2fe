"""Project-aware dbmig: read the user's migration project (Flyway, Liquibase, Alembic), replay
its history into the schema model, chain new migrations onto it and write them in place.

Entry points: `load_project`, `inspect_project` (what `dbmig inspect` prints), `fill_request`
(the one call `dbmig.api.generate` makes), `write_migration`, `validate_project`.
"""
from .model import Project, ProjectError
from .load import load_project, replay_offline

__all__ = ["Project", "ProjectError", "load_project", "replay_offline"]
