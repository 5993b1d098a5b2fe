"""A request with a `dsn`: the fields it leaves out filled from the live database, before planning.

Precedence (DESIGN.md): what the request gives explicitly wins, then the live database, then
a project's history. So `schema` is the live schema of the tables the changes name (and of the
tables whose foreign keys point at them) unless the request has one; `table_rows` is the live
count of each named table unless the request gives that table's count; `database_version` is
the server's unless given. The filled request carries no `dsn`: nothing after this step can
show it, and the scripts are the ones the same request with those fields typed in would get.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..dialects.base import Dialect
from ..errors import InvalidRequest
from ..models import IDENTIFIER_RE, Change, DeploymentGuide, MigrationRequest, PlanRequest
from ..plan.model import Plan

if TYPE_CHECKING:      # the readers load only for a request with a dsn
    from .guards import Counted
    from .read import LiveFacts

# what `database_version` accepts: a server version outside it (too long) is left to the caller
VERSION_RE = re.compile(next(m.pattern for m in MigrationRequest.model_fields["database_version"].metadata
                             if getattr(m, "pattern", None)))


@dataclass(frozen=True)
class Named:
    """A table a change names, and whether the live database must have it."""

    table: str
    field: str
    exists: bool | None         # True: must exist, False: must not, None: either (created earlier)


@dataclass
class Live:
    """What one live read gave a request, for the steps after planning."""

    facts: LiveFacts
    dialect: Dialect
    dsn: str = field(repr=False)
    counts: list[Counted] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)       # project history vs live database

    def warnings(self, plan: Plan) -> list[str]:
        """Drift, the touched tables' live facts, then the plan's guards and column facts counted live."""
        from .guards import live_counts
        from .report import table_warnings
        self.counts = live_counts(self.dsn, self.dialect, plan.steps, plan.changes, self.facts.read_at)
        return self.drift + table_warnings(self.facts) + [c.text for c in self.counts]

    def guide(self, guide: DeploymentGuide) -> DeploymentGuide:
        """The guide, saying where its estimates come from and when."""
        from .report import estimate_note, provenance
        return guide.model_copy(update={
            "pre_migration_steps": [provenance(self.facts), *guide.pre_migration_steps],
            "estimated_duration": guide.estimated_duration + estimate_note(self.facts)})


def given_fields(data: dict | MigrationRequest) -> set[str]:
    """The request fields the caller gave (by field name), before a project adds its own. A field
    sent as null is not given: MCP clients send every optional argument, most as null."""
    if isinstance(data, MigrationRequest):
        return {name for name in data.model_fields_set if getattr(data, name) is not None}
    aliases = {f.alias: name for name, f in MigrationRequest.model_fields.items() if f.alias}
    return {aliases.get(k, k) for k, v in data.items() if v is not None} if isinstance(data, dict) else set()


def with_live_facts(request: MigrationRequest | PlanRequest, dialect: Dialect, changes: list[Change] | None = None,
                    given: set[str] | None = None) -> tuple[MigrationRequest | PlanRequest, Live | None]:
    """The request with `schema`, `table_rows` and `database_version` from its `dsn` where the
    caller left them out; (request, None) without a dsn. `given`: the fields the caller gave
    (default: every field set). A field set but not given was filled by the project: the live
    value replaces it, and the replaced schema is compared with the live one (drift)."""
    if not request.dsn:
        return request, None
    from .ddl import schema_text
    from .read import read_live
    if changes is None:
        from ..intake import changes_for
        changes, _ = changes_for(request, dialect)
    given = set(request.model_fields_set) if given is None else given
    named = named_tables(changes, _field(request))
    facts = read_live(request.dsn, dialect, [n.table for n in named])
    check_named(named, facts)
    update: dict = {"dsn": None, "table_rows": {**facts.rows(), **(request.table_rows if "table_rows" in given else {})}}
    live = Live(facts, dialect, request.dsn)
    if "schema_sql" not in given:
        live_schema = schema_text([facts.tables[n] for n in sorted(facts.tables)], dialect) or None
        project, state = _applied(request, dialect)
        # migrations still pending run before this one: it meets the history's schema, not the live one
        if not (state and state.pending):
            update["schema_sql"] = live_schema
        live.drift = (state.warnings() if state else []) + _drift(request, live_schema, facts, dialect, project, state)
    if "database_version" not in given and VERSION_RE.match(facts.server.version):
        update["database_version"] = facts.server.version
    return request.model_copy(update=update), live


def _applied(request: MigrationRequest | PlanRequest, dialect: Dialect) -> tuple:
    """(the project, its migrations applied and pending on the live database); Nones without one."""
    if not getattr(request, "project_dir", None):
        return None, None
    from ..project import load_project
    from ..project.applied import applied_state
    project = load_project(request.project_dir, request.migration_tool.value)
    return project, applied_state(project, request.dsn, dialect)


def _drift(request: MigrationRequest | PlanRequest, live_schema: str | None, facts: LiveFacts, dialect: Dialect,
           project=None, state=None) -> list[str]:
    """Where the schema the project's applied migrations replay to differs from the live database,
    for the tables the request touches (the live read covers only those)."""
    if not (getattr(request, "project_dir", None) and request.schema_sql):
        return []
    from ..schema import parse_schema
    from .drift import drift_warnings, schema_drift
    if state is not None and state.pending:
        from ..project import replay_offline
        from ..project.applied import applied_project
        history = replay_offline(applied_project(project, state), dialect.name).schema
    else:
        history = parse_schema(request.schema_sql, dialect.sqlglot)
    return drift_warnings(schema_drift(history, parse_schema(live_schema, dialect.sqlglot), facts.named))


def _field(request: MigrationRequest | PlanRequest) -> str:
    """Where the changes came from: their own field path, or the text they were read from."""
    return ("changes.{i}.{key}" if request.changes else "sql" if getattr(request, "sql", None)
            else "migration_description")


def named_tables(changes: list[Change], field_of: str) -> list[Named]:
    """Each table the changes name, in order, with what the live database must say about it."""
    created: set[str] = set()
    out = []
    for i, ch in enumerate(changes):
        for key in ("table", "ref_table"):
            name = getattr(ch, key, None)
            if name is None:
                continue
            new = ch.op == "create_table"
            out.append(Named(name, field_of.format(i=i, key=key), None if name.lower() in created else not new))
            created |= {name.lower()} if new else set()
        if ch.op == "rename_table":
            out.append(Named(ch.new_name, field_of.format(i=i, key="new_name"), False))
            created.add(ch.new_name.lower())
    return out


def check_named(named: list[Named], facts: LiveFacts) -> None:
    """Each named table is there (as a table) or absent, as its change needs."""
    for n in named:
        found = facts.found(n.table)
        if n.exists and found is None:
            raise InvalidRequest(f"table {n.table} does not exist in the live database {facts.source}",
                                 field=n.field, suggestion="check the table name, and that the DSN names the "
                                                           "database (and schema) that holds it")
        if n.exists is False and found is not None:
            raise InvalidRequest(f"{n.table} already exists in the live database {facts.source}", field=n.field)
        if n.exists and found.relation != "table":
            raise InvalidRequest(f"{n.table} is a {found.relation} in the live database {facts.source}, "
                                 "not a table", field=n.field)


def statement_tables(sources, database: str) -> list[str]:
    """The tables the statements of migration files work on (explain and validate `files`)."""
    from ..lint.rules import SqlView
    names = [SqlView(st, database).table for src in sources for st in src.statements]
    return [n for n in dict.fromkeys(names) if n and IDENTIFIER_RE.match(n)]
