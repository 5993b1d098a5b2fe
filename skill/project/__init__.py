"""Project-aware dbmig: read the user's migration project (Flyway, Liquibase, Alembic), replay
its history into the schema model, chain new migrations onto it and write them in place.

Entry points: `load_project`, `inspect_project` (what `dbmig inspect` prints), `with_project`
(the one call `dbmig.api.generate` makes), `write_migration`, `validate_project`.

They are imported on first use: the CLI reads `project.markers` at every start (is the folder
it runs in a project?), which must not load the project reader and the schema model.
"""
from importlib import import_module

_HOME = {"inspect_project": "inspect", "inspect_text": "inspect", "load_project": "load",
         "replay_offline": "load", "Project": "model", "ProjectError": "model", "with_project": "request",
         "placement": "write", "write_migration": "write", "validate_project": "lint"}

__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value
