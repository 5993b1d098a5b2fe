"""What every renderer shares: the Jinja2 environment, file naming, header facts."""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..models import CONTEXT_FIELDS, MigrationRequest
from ..resources import resource_root

TEMPLATES = resource_root() / "templates"


@lru_cache(maxsize=1)
def env() -> Environment:
    # auto_reload off: the templates ship with the package, so a stat of each one per render
    # (Jinja2's up-to-date check) only costs time.
    e = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                    keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                    autoescape=False, auto_reload=False)
    e.filters["py"] = repr
    return e


def render(template: str, **data) -> str:
    return env().get_template(template).render(**data)


# a migration name's CamelCase: capitalised words run together (not MySQL, PostgreSQL, iPhone)
_CAMEL_NAME = re.compile(r"\b(?:[A-Z][a-z0-9]+){2,}\b")


def slug(text: str, limit: int = 60) -> str:
    """File-name words of a description; a migration name's CamelCase words stay words
    (`AddSkuToProducts` -> add_sku_to_products)."""
    words = _CAMEL_NAME.sub(lambda m: re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", m.group(0)), text)
    s = re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")
    return (s[:limit].rstrip("_")) or "migration"


def request_id(request: MigrationRequest) -> str:
    """A stable id derived from the request's migration (never from the clock, nor from the facts
    about the database it is planned against: CONTEXT_FIELDS)."""
    payload = request.model_dump_json(exclude={"author", *CONTEXT_FIELDS})
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def one_line(text: str) -> str:
    """Descriptions go into comments: keep them on one line and free of comment terminators."""
    return re.sub(r"\s+", " ", text).replace("*/", "* /").replace("-->", "-- >").strip()


def resumable_units(steps: list, separate: bool = False) -> list[list]:
    """Where a run can resume: a non-transactional step commits what ran before it, so it starts
    a new unit (Alembic revision) unless it comes first; transactional steps after it may share
    its unit, since a batched loop run again finds nothing left to do. `separate`: every step
    its own unit (see `ToolContext.step_units`)."""
    units: list[list] = []
    for step in steps:
        if units and step.transactional and not separate:
            units[-1].append(step)
        else:
            units.append([step])
    return units or [[]]


def transaction_groups(steps: list, separate: bool = False) -> list[tuple[bool, list]]:
    """Consecutive steps with the same transaction mode. A non-transactional step commits what
    ran before it, so each run is its own unit (Flyway file, Alembic revision): a rerun after an
    interruption resumes at the interrupted unit instead of repeating committed DDL.
    `separate`: every step its own unit (see `ToolContext.step_units`)."""
    groups: list[tuple[bool, list]] = []
    for step in steps:
        if groups and groups[-1][0] == step.transactional and not separate:
            groups[-1][1].append(step)
        else:
            groups.append((step.transactional, [step]))
    return groups or [(True, [])]
