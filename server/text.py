"""The short human-readable text that accompanies each structured result.

For generate it is a summary: the files to write in apply order (under phase headings with
their gates for T3), the warnings and manual rollback steps. The contents of the files, the
validation tests and the guide are in the structured content only: repeating them here would
send every script twice.
"""
from __future__ import annotations


def generate_text(result: dict, files: list[dict]) -> str:
    """`files`: every file in apply order (`MigrationResult.files`)."""
    tests = result.get("validation_tests", [])
    lines = [f"{result['tier']} {result['migration_tool']} migration for {result['database']}: {len(files)} "
             f"file(s) to write in this order; their contents, {len(tests)} validation test(s) and the deployment "
             "guide are in the structured content."]
    lines += _phase_files(result, files)
    lines += _rollback(result, {f["filename"] for f in files})
    lines += _bullets("Warnings", result.get("warnings", []))
    lines += _omitted(result)
    return "\n".join(lines)


def _phase_files(result: dict, files: list[dict]) -> list[str]:
    phases = {f["filename"]: p for p in result.get("phases") or [] for f in p["files"]}
    lines, current = [], None
    for f in files:
        phase = phases.get(f["filename"])
        if phase and phase is not current:
            current = phase
            gate = f" (before it: {phase['gate_before']})" if phase.get("gate_before") else ""
            lines.append(f"phase {phase['name']}{gate}:")
        lines.append(f"- {f['filename']}")
    return lines


def _rollback(result: dict, listed: set[str]) -> list[str]:
    rollback = result.get("rollback_script")
    if not rollback:
        return []
    lines = [] if rollback["filename"] in listed else [f"Rollback: {rollback['filename']}"]
    return lines + _bullets("Manual rollback steps", rollback.get("manual_steps", []))


def _bullets(title: str, items: list[str]) -> list[str]:
    return [f"{title}:"] + [f"- {item}" for item in items] if items else []


def _omitted(result: dict) -> list[str]:
    omitted = result.get("omitted")
    return [f"Omitted: {', '.join(omitted['sections']) or 'nothing'}. {omitted['reason']} {omitted['how']}"] \
        if omitted else []


def detail_text(result: dict, section: str) -> str:
    head = f"{section} of the {result['tier']} {result['migration_tool']} migration for {result['database']}"
    return f"{head}: in the structured content." if section in result else f"{head}: not part of this result."


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
