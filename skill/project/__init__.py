"""Project-aware dbmig: read the user's migration project (Flyway, Liquibase, Alembic), replay
its history into the schema model, chain new migrations onto it and write them in place.

Entry points: `load_project`, `inspect_project` (what `dbmig inspect` prints), `with_project`
(the one call `dbmig.api.generate` makes), `write_migration`, `validate_project`.
"""
from .inspect import inspect_project, inspect_text
from .load import load_project, replay_offline
from .model import Project, ProjectError
from .request import with_project
from .write import placement, write_migration

__all__ = ["Project", "ProjectError", "inspect_project", "inspect_text", "load_project", "placement",
           "replay_offline", "with_project", "write_migration"]
