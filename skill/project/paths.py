"""Reading inside project_dir only: no symlinks, no path that leaves the root.

A project is user input. A `../` in a Flyway location, an include that climbs out, or a symlink
to /etc would let a request read (or, with --write, change) files outside the project.
"""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from .model import ProjectError


def project_root(project_dir: str | os.PathLike) -> Path:
    root = Path(project_dir).expanduser()
    if not root.exists():
        raise ProjectError(f"project_dir {str(project_dir)!r} does not exist")
    if not root.is_dir():
        raise ProjectError(f"project_dir {str(project_dir)!r} is not a directory")
    if not os.access(root, os.R_OK | os.X_OK):
        raise ProjectError(f"project_dir {str(project_dir)!r} is not readable")
    return root.resolve()


def inside(root: Path, relative: str, *, origin: str | None = None, line: int | None = None) -> Path:
    """root/relative, refused when it leaves the root or passes through a symlink."""
    rel = PurePosixPath(relative.replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts:
        raise ProjectError(f"path {relative!r} leaves project_dir", file=origin, line=line)
    path = root
    for part in rel.parts:
        if part in ("", "."):
            continue
        path = path / part
        if path.is_symlink():
            raise ProjectError(f"{rel_name(root, path)} is a symlink: dbmig reads and writes only "
                               "real files inside project_dir", file=origin, line=line)
    return path


def rel_name(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def read_text(root: Path, relative: str, *, origin: str | None = None, line: int | None = None) -> str:
    path = inside(root, relative, origin=origin, line=line)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProjectError(f"{relative} not found", file=origin, line=line) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ProjectError(f"cannot read {relative}: {getattr(e, 'strerror', None) or e}",
                           file=origin, line=line) from None


def list_files(root: Path, folder: str, *, origin: str | None = None, line: int | None = None,
               recursive: bool = False) -> list[str]:
    """Relative paths of the regular files in a folder (sorted), refusing symlinks."""
    base = inside(root, folder, origin=origin, line=line)
    if not base.is_dir():
        raise ProjectError(f"folder {folder} not found", file=origin, line=line)
    out = []
    for entry in sorted(base.rglob("*") if recursive else base.iterdir()):
        if entry.is_symlink():
            raise ProjectError(f"{rel_name(root, entry)} is a symlink: dbmig reads only real files "
                               "inside project_dir", file=origin, line=line)
        if entry.is_file():
            out.append(rel_name(root, entry))
    return out
