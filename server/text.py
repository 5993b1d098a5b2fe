"""The short human-readable text that accompanies each structured result.

Order follows what a reviewer reads first: the files, then the warnings. Everything else
is in the structured content and is only named here.
"""
from __future__ import annotations


def generate_text(result: dict, files: list[dict], with_files: bool = True) -> str:
    """`files`: every file in apply order (`MigrationResult.files`)."""
    lines = [f"{result['tier']} {result['migration_tool']} migration for {result['database']}: "
             f"{len(files)} file(s), apply in this order."]
    lines += _phase_files(result, files, with_files)
    lines += _rollback(result, {f["filename"] for f in files}, with_files)
    lines += _bullets("Warnings", result.get("warnings", []))
    lines += _omitted(result)
    return "\n".join(lines)


def _phase_files(result: dict, files: list[dict], with_files: bool) -> list[str]:
    phases = {f["filename"]: p for p in result.get("phases") or [] for f in p["files"]}
    lines, current = [], None
    for f in files:
        phase = phases.get(f["filename"])
        if phase and phase is not current:
            current = phase
            gate = f" (before it: {phase['gate_before']})" if phase.get("gate_before") else ""
            lines.append(f"\n## phase {phase['name']}{gate}")
        lines += _file(f, with_files)
    if not with_files:
        lines.append("(file contents are complete in the structured content)")
    return lines


def _file(f: dict, with_content: bool) -> list[str]:
    if not with_content:
        return [f"- {f['filename']}"]
    return [f"\n--- {f['filename']} ---", f["content"].rstrip()]


def _rollback(result: dict, shown: set[str], with_files: bool) -> list[str]:
    rollback = result.get("rollback_script")
    if not rollback:
        return []
    lines = [] if rollback["filename"] in shown else ["\nRollback:"] + _file(rollback, with_files)
    return lines + _bullets("Manual rollback steps", rollback.get("manual_steps", []))


def _bullets(title: str, items: list[str]) -> list[str]:
    return [f"\n{title}:"] + [f"- {item}" for item in items] if items else []


def _omitted(result: dict) -> list[str]:
    omitted = result.get("omitted")
    return [f"\nOmitted: {', '.join(omitted['sections'])}. {omitted['reason']} {omitted['how']}"] if omitted else []


def detail_text(result: dict, section: str, value_json: str | None) -> str:
    head = f"{section} of the {result['tier']} {result['migration_tool']} migration for {result['database']}"
    return f"{head}:\n{value_json}" if value_json is not None else f"{head}: see the structured content."


def findings_text(report: dict) -> str:
    findings = report.get("findings", [])
    lines = [f"verdict: {report.get('verdict')}; {len(findings)} finding(s)"]
    lines += [finding_line(f) for f in findings]
    return "\n".join(lines + _omitted(report))


def finding_line(f: dict) -> str:
    where = f"{f['file']}:{f['line']}"
    fix = f" Safe alternative: {f['safe_alternative']}" if f.get("safe_alternative") else ""
    return f"- [{f['severity']}] {f['rule_id']} {where} {f['message']}{fix}"


def explain_text(report: dict) -> str:
    statements = report.get("statements", [])
    lines = [f"{len(statements)} statement(s)"] + [statement_line(i, s) for i, s in enumerate(statements, 1)]
    return "\n".join(lines + _omitted(report))


def statement_line(index: int, s: dict) -> str:
    changes = ", ".join(word for word, yes in (("rewrites the table", s["rewrite"]), ("scans it", s["scan"])) if yes)
    lines = [f"{index}. {s['file']}:{s['line']} {s['sql'].strip()}",
             f"   {s['what']} Lock: {s['lock']}; blocks {s['blocks']}. {changes.capitalize()}".rstrip(),
             f"   Duration: {s['estimated_duration']}"]
    lines += [f"   Risk: {risk}" for risk in s["risks"]]
    return "\n".join(lines + ([f"   Safe alternative: {s['safe_alternative']}"] if s.get("safe_alternative") else []))


def error_text(body: dict) -> str:
    field = f" (field `{body['field']}`)" if body.get("field") else ""
    lines = [f"{body['code']}{field}: {body['message']}"]
    if body.get("allowed"):
        lines.append("allowed: " + ", ".join(map(str, body["allowed"])))
    lines.append(f"suggestion: {body['suggestion']}")
    return "\n".join(lines)
