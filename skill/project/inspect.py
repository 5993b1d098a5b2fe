"""`inspect_project` / `dbmig inspect`: what dbmig found in a project, read-only."""
from __future__ import annotations

from ..schema import TableDef, VirtualSchema
from .load import load_project, migrations_summary
from .model import Fact, Project, ProjectError
from .request import replayed


def inspect_project(project_dir: str, migration_tool: str | None = None, database: str | None = None,
                    replay: str = "offline", replay_dsn: str | None = None, dsn: str | None = None) -> dict:
    """What dbmig reads from the project; with `dsn` (read-only) also which of its migrations the
    live database has applied, by the tool's own record."""
    project = load_project(project_dir, migration_tool)
    database = database or (project.database.value if project.database else None)
    out = {"project_dir": str(project.root), "tool": project.tool, "config": project.config,
           "database": _fact(project.database), "database_version": _fact(project.database_version),
           "locations": project.locations, "history": migrations_summary(project), "next": next_step(project),
           "next_command": project.command}
    if database is None:
        out["schema"] = None
        out["notes"] = ["The project does not say which database it targets: pass database to replay its history."]
        return out
    result = replayed(project, database, replay, replay_dsn)
    out["schema"] = {"database": database, "replay": replay, "statements": result.statements,
                     "tables": tables(result.schema)}
    out["unmodelled"] = [u.as_dict() for u in result.unmodelled]
    out["outside_model"] = [u.as_dict() for u in result.outside]
    out["unknown_tables"] = dict(sorted(result.unknown.items()))
    if dsn:
        from ..dialects import get_dialect
        from .applied import applied_state
        state = applied_state(project, dsn, get_dialect(database))
        out["applied"] = state.summary()
        out["notes"] = state.warnings()
    return out


def _fact(fact: Fact | None) -> dict | None:
    return {"value": fact.value, "source": fact.source} if fact else None


def next_step(project: Project) -> dict:
    n = project.next
    if project.tool == "flyway":
        return {"version": n.version, "location": n.location}
    if project.tool == "alembic":
        return {"down_revision": n.down_revision, "heads": n.heads, "versions": n.location,
                "file_template": n.file_template}
    return {"master": n.master, "folder": n.location, "include_all": n.include_all, "format": n.format}


def tables(schema: VirtualSchema) -> dict:
    return {t.name: _table(t) for t in sorted(schema.tables.values(), key=lambda t: t.name.lower())}


def _table(t: TableDef) -> dict:
    return {
        "columns": [{"name": c.name, "type": str(c.type) if c.type else None, "nullable": c.nullable,
                     **({"default": c.default} if c.default is not None else {})} for c in t.columns.values()],
        "constraints": [{"name": None if c.name.startswith("<") else c.name, "kind": c.kind,
                         **({"columns": c.columns} if c.columns else {}),
                         **({"expression": c.expression} if c.expression else {}),
                         **({"references": f"{c.ref_table} ({', '.join(c.ref_columns)})"} if c.ref_table else {})}
                        for c in t.constraints.values()],
        "indexes": [{"name": i.name, "columns": i.columns, "unique": i.unique,
                     **({"using": i.using} if i.using else {}), **({"keys": i.keys} if i.keys else {}),
                     **({"include": i.include} if i.include else {}),
                     **({"where": i.where} if i.where else {})} for i in t.indexes.values()],
    }


def inspect_text(report: dict) -> str:
    db, version = report["database"], report["database_version"]
    lines = [f"{report['tool']} project at {report['project_dir']} (config: {report['config'] or 'none'})",
             f"database: {db['value'] + ' (' + db['source'] + ')' if db else 'unknown'}"
             + (f", version {version['value']} ({version['source']})" if version else ""),
             f"locations: {', '.join(report['locations'])}",
             f"history: {len(report['history'])} migrations"
             + (f", last {report['history'][-1]['path']}" if report["history"] else ""),
             "next: " + ", ".join(f"{k} {v}" for k, v in report["next"].items() if v not in (None, [], False)),
             f"apply with: {report['next_command']}"]
    if report.get("schema"):
        s = report["schema"]
        lines.append(f"schema ({s['replay']} replay of {s['statements']} statements on {s['database']}): "
                     f"{len(s['tables'])} tables")
        for name, t in s["tables"].items():
            lines.append(f"  {name}: " + ", ".join(f"{c['name']} {c['type']}" + ("" if c["nullable"] else " NOT NULL")
                                                  for c in t["columns"]))
        for u in report["unmodelled"]:
            lines.append(f"not modelled: {u['file']}:{u['line']}: {u['reason']}"
                         + (f" (unknown: {', '.join(u['tables'])})" if u["tables"] else ""))
        for u in report["outside_model"]:
            lines.append(f"outside the model: {u['file']}:{u['line']}: {u['reason']}")
    if report.get("applied"):
        a = report["applied"]
        lines.append(f"live database: {len(a['applied'])} applied, {len(a['pending'])} pending"
                     + (f" (record: {a['record']})" if a["record"] else " (the tool has not run there)"))
        lines += [f"  pending: {p}" for p in a["pending"]]
    lines += [f"note: {n}" for n in report.get("notes", [])]
    return "\n".join(lines)


__all__ = ["inspect_project", "inspect_text", "ProjectError"]
