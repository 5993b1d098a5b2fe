"""The wheel installs one top-level package, `dbmig`, mapped from skill/ and server/."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {"dbmig"} | {"dbmig." + ".".join(p.parent.relative_to(ROOT / "skill").parts)
                         for p in (ROOT / "skill").rglob("__init__.py") if p.parent != ROOT / "skill"}
    found |= {"dbmig.server." + ".".join(p.parent.relative_to(ROOT / "server").parts)
              for p in (ROOT / "server").rglob("__init__.py") if p.parent != ROOT / "server"}
    found |= {"dbmig.server"}
    assert listed == found
    assert config["package-dir"] == {"dbmig": "skill", "dbmig.server": "server"}
