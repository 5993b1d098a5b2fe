"""A Flyway project: its locations, versioned scripts in version order then repeatable ones
(Flyway runs `R__` scripts after all versioned ones, ordered by description), and the next
version in the project's own style: `V42__` -> 43, `V1.2.3__` -> 1.2.4, `V1_2_3__` -> 1_2_4,
a timestamp version -> one unit (second, minute or day) later, never the clock (deterministic)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

from ..sources import flyway_name
from .config import FLYWAY_DEFAULT_LOCATIONS, Config
from .model import Migration, Next, ProjectError
from .paths import list_files, read_text

# Maven/Gradle put `classpath:` locations under src/main/resources.
CLASSPATH_ROOTS = ("src/main/resources", "")
_TIMESTAMP_FORMATS = {14: ("%Y%m%d%H%M%S", timedelta(seconds=1)), 12: ("%Y%m%d%H%M", timedelta(minutes=1)),
                      8: ("%Y%m%d", timedelta(days=1))}


def locations(root: Path, config: Config) -> list[str]:
    fact = config.get("locations")
    if fact is None:
        found = [loc for loc in FLYWAY_DEFAULT_LOCATIONS if (root / loc).is_dir()]
        if not found:
            raise ProjectError("no Flyway location: the config names none and none of "
                               + ", ".join(FLYWAY_DEFAULT_LOCATIONS) + " exists", file=config.file)
        return found[:1]
    file, line = _where(fact.source)
    return [_location(root, raw.strip(), file, line) for raw in fact.value.split(",") if raw.strip()]


def _where(source: str) -> tuple[str, int]:
    file, _, line = source.rpartition(":")
    return file, int(line)


def _location(root: Path, raw: str, file: str, line: int) -> str:
    scheme, _, path = raw.partition(":") if re.match(r"^[a-z]+:", raw) else ("filesystem", "", raw)
    if scheme not in ("filesystem", "classpath"):
        raise ProjectError(f"location {raw!r}: only filesystem: and classpath: locations can be read",
                           file=file, line=line)
    path = path.strip().rstrip("/") or "."
    if scheme == "classpath":
        for base in CLASSPATH_ROOTS:
            candidate = str(PurePosixPath(base) / path) if base else path
            if (root / candidate).is_dir():
                return candidate
        raise ProjectError(f"location {raw!r} not found under src/main/resources", file=file, line=line)
    return path


def history(root: Path, locs: list[str], config: Config) -> list[Migration]:
    """Versioned scripts by version, then repeatable ones by description; `.conf` sidecars attached."""
    files = []
    for loc in locs:
        files += list_files(root, loc, origin=config.file, recursive=True)
    names = set(files)
    versioned, repeatable = [], []
    for path in files:
        fw = flyway_name(PurePosixPath(path).name)
        if fw.prefix not in ("V", "R"):
            continue
        conf = f"{path}.conf"
        sidecar = read_text(root, conf) if conf in names else None
        m = Migration(path, placeholders(read_text(root, path), config, path),
                      "versioned" if fw.prefix == "V" else "repeatable",
                      _version_text(path) if fw.prefix == "V" else None, fw.description, sidecar=sidecar)
        (versioned if fw.prefix == "V" else repeatable).append((_order_key(fw.version), fw.description, m))
    return [m for *_, m in sorted(versioned, key=lambda x: x[:2])] + \
           [m for *_, m in sorted(repeatable, key=lambda x: x[1])]


def placeholders(text: str, config: Config, path: str) -> str:
    """The script as Flyway runs it: `${name}` replaced by `placeholders.name` from the config
    and Flyway's own `${flyway:...}` values it can know offline. A placeholder with no value
    stays, so the statement reads as unmodelled (Flyway itself would refuse the script)."""
    if _setting(config, "placeholderReplacement", "true").lower() == "false":
        return text
    prefix, suffix = _setting(config, "placeholderPrefix", "${"), _setting(config, "placeholderSuffix", "}")
    values = {k.partition(".")[2]: f.value for k, f in config.values.items() if k.startswith("placeholders.")}
    schemas = _setting(config, "schemas", "")
    known = {"flyway:defaultSchema": _setting(config, "defaultSchema", schemas.split(",")[0].strip()),
             "flyway:user": _setting(config, "user", ""), "flyway:filename": PurePosixPath(path).name,
             "flyway:table": _setting(config, "table", "flyway_schema_history")}
    values.update({k: v for k, v in known.items() if v})
    pattern = re.compile(re.escape(prefix) + r"([\w:.\-]{1,128}?)" + re.escape(suffix))
    return pattern.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _setting(config: Config, key: str, default: str) -> str:
    fact = config.get(key)
    return fact.value if fact is not None else default


def undo_scripts(root: Path, locs: list[str]) -> list[dict]:
    """The `U` scripts beside the history: not applied, but the linter checks each V has one."""
    paths = [p for loc in locs for p in list_files(root, loc, recursive=True)
             if flyway_name(PurePosixPath(p).name).prefix == "U"]
    return [{"filename": p, "content": read_text(root, p)} for p in paths]


def _version_text(path: str) -> str:
    return re.match(r"V([0-9._]+?)__", PurePosixPath(path).name).group(1)


def _order_key(version: tuple[int, ...]) -> tuple[int, ...]:
    """1.1 and 1.1.0 are the same version to Flyway."""
    while len(version) > 1 and version[-1] == 0:
        version = version[:-1]
    return version


def next_step(root: Path, locs: list[str], migrations: list[Migration]) -> Next:
    versioned = [m for m in migrations if m.kind == "versioned"]
    last = versioned[-1] if versioned else None
    location = str(PurePosixPath(last.path).parent) if last else locs[0]
    names = [PurePosixPath(p).name for p in list_files(root, location)]
    return Next(version=next_version(last.version if last else None), location=location, names=names)


def next_version(last: str | None) -> str:
    if last is None:
        return "1"
    if last.isdigit() and len(last) in _TIMESTAMP_FORMATS:
        fmt, step = _TIMESTAMP_FORMATS[len(last)]
        try:
            return (datetime.strptime(last, fmt) + step).strftime(fmt)
        except ValueError:
            pass                                  # digits that only look like a date: a plain number
    head, digits = re.match(r"^(.*?)(\d+)$", last).groups()
    return head + str(int(digits) + 1).zfill(len(digits))
