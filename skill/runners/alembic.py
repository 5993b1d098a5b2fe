"""Alembic through its own command API: our revision files in a minimal environment
(templates/alembic/env.py), `command.upgrade(cfg, "head")` / `command.downgrade(cfg, "base")`
online, and `--sql` (offline) mode for the databases with no server here."""
from __future__ import annotations

import ast
import hashlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config

from ..render.common import TEMPLATES
from .engines import Scratch
from .workdir import write_files

# Offline mode needs only the URL's dialect, never a driver or a server.
OFFLINE_URLS = {"postgresql": "postgresql://", "mysql": "mysql://", "sqlserver": "mssql://",
                "oracle": "oracle://"}
ENV_FILES = ("env.py", "script.py.mako")


@dataclass
class OfflineSql:
    upgrade: str
    downgrade: str | None            # None: downgrade() raises (manual rollback steps)


def environment(files: dict[str, str], workdir: Path) -> Path:
    """Write env.py, script.py.mako (always ours) and versions/ (the .py revisions only, each a
    plain name inside it) under workdir."""
    root = Path(workdir) / "alembic"
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    for name in ENV_FILES:
        shutil.copyfile(TEMPLATES / "alembic" / name, root / name)
    for old in versions.glob("*.py"):        # a second call sees exactly its files
        old.unlink()
    revisions = {n: c for n, c in files.items() if n.endswith(".py")}
    write_files(revisions, versions)
    for missing in _missing_parents(revisions.values()):
        # Named by a digest: the id comes from the request and may hold any character.
        digest = hashlib.sha256(missing.encode()).hexdigest()[:12]
        (versions / f"dbmig_parent_{digest}.py").write_text(_stub(missing))
    return root


def _ids(content: str) -> dict[str, object]:
    """revision / down_revision of a revision file, read without importing it."""
    out = {}
    for node in ast.parse(content).body:
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            out[target.id] = ast.literal_eval(node.value)
    return out


def _missing_parents(contents) -> set[str]:
    """A request's `down_revision` names a revision of the user's project: stand in for it with
    an empty revision so the chain resolves (upgrading through it changes nothing)."""
    ids = [_ids(c) for c in contents]
    known = {i.get("revision") for i in ids}
    downs = {d for i in ids for d in _as_list(i.get("down_revision"))}
    return downs - known


def _as_list(value) -> list[str]:
    values = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple)) else []
    return [v for v in values if isinstance(v, str)]


def _stub(revision: str) -> str:
    return (f'"""Stand-in for the parent revision {revision} (dbmig runner)."""\n'
            f"revision = {revision!r}\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n\n\n"
            "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n")


def config(root: Path, url: str, buffer: io.StringIO | None = None) -> Config:
    cfg = Config(output_buffer=buffer)
    cfg.set_main_option("script_location", str(root))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))   # ConfigParser interpolation
    return cfg


def upgrade(scratch: Scratch, files: dict[str, str], workdir: Path) -> list[str]:
    root = environment(files, workdir)
    command.upgrade(config(root, scratch.sqlalchemy_url()), "head")
    return sorted(n for n in files if n.endswith(".py"))


def downgrade(scratch: Scratch, files: dict[str, str], workdir: Path) -> list[str]:
    """Undo exactly these revisions: down to the parent of the oldest one, not to `base` (going
    through a stand-in parent would forget the earlier phases still applied)."""
    root = environment(files, workdir)
    command.downgrade(config(root, scratch.sqlalchemy_url()), downgrade_target(files))
    return sorted((n for n in files if n.endswith(".py")), reverse=True)


def downgrade_target(files: dict[str, str]) -> str:
    ids = [_ids(c) for n, c in files.items() if n.endswith(".py")]
    mine = {i.get("revision") for i in ids}
    parents = {d for i in ids for d in _as_list(i.get("down_revision"))} - mine
    return parents.pop() if len(parents) == 1 else "base"


def offline_sql(files: dict[str, str], workdir: Path, database: str) -> OfflineSql:
    """The SQL Alembic would run (`alembic upgrade head --sql`, `downgrade head:base --sql`)."""
    root = environment(files, workdir)
    up = io.StringIO()
    command.upgrade(config(root, OFFLINE_URLS[database], up), "head", sql=True)
    down = io.StringIO()
    try:
        command.downgrade(config(root, OFFLINE_URLS[database], down), "head:base", sql=True)
    except NotImplementedError:
        return OfflineSql(up.getvalue(), None)
    return OfflineSql(up.getvalue(), down.getvalue())
