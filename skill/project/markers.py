"""The files that make a folder a migration project, per tool: where each tool itself looks for
its configuration. Kept free of imports so that the CLI can tell whether the folder it runs in is
a project (as `flyway`, `liquibase` and `alembic` read their config from it) without loading the
project reader."""
from __future__ import annotations

import os

CONFIGS = {
    "flyway": ("flyway.toml", "flyway.conf", "conf/flyway.toml", "conf/flyway.conf"),
    "liquibase": ("liquibase.properties", "src/main/resources/liquibase.properties"),
    "alembic": ("alembic.ini",),
}


def configs_in(folder: str | os.PathLike) -> dict[str, str]:
    """The first config file of each tool found in `folder`, by tool."""
    out = {}
    for tool, files in CONFIGS.items():
        hit = next((f for f in files if os.path.isfile(os.path.join(folder, f))), None)
        if hit:
            out[tool] = hit
    return out
