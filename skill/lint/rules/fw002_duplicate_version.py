from . import Example, Hit, rule

_FILES = ({"filename": "V2__add_status.sql", "content": "SELECT 1;"},)


@rule(id="FW002-duplicate-version", severity="error", reason="convention", scope="set",
      message="Two Flyway scripts of the same kind share a version (1.1, 1_1 and 1.1.0 are the same version): "
              "Flyway refuses to migrate",
      safe_alternative="Give each versioned script a unique version; timestamps (V20240501_1030__...) avoid "
                       "collisions between branches.",
      ok=[Example("SELECT 1;", tool="flyway", filename="V3__add_index.sql", files=_FILES)],
      bad=[Example("SELECT 1;", tool="flyway", filename="V2.0__add_index.sql", files=_FILES)])
def check(sources, ctx):
    seen: dict[tuple, str] = {}
    for src in sources:
        fw = src.flyway
        if not fw or fw.prefix not in ("V", "U"):
            continue
        key = (fw.prefix, _normal(fw.version))
        if key in seen:
            yield Hit(file=src.filename, line=1, column=1, detail=f"{src.basename} repeats the version of {seen[key]}")
        else:
            seen[key] = src.basename


def _normal(version: tuple[int, ...]) -> tuple[int, ...]:
    while len(version) > 1 and version[-1] == 0:
        version = version[:-1]
    return version
