"""The short human-readable text that accompanies each structured result.

For generate it is a summary: the files to write in apply order (under phase headings with
their gates for T3), and how many warnings and manual rollback steps the result has. The
contents of the files, the validation tests, the guide, the warnings and the manual steps are
in the structured content only: repeating them here would send them twice (the budget counts
both parts, and the warnings alone were ~80 tokens of a median T1 result).
"""
from __future__ import annotations


def generate_text(result: dict, files: list[dict]) -> str:
    """`files`: every file in apply order (`MigrationResult.files`)."""
    lines = [f"{result['tier']} {result['migration_tool']} migration for {result['database']}: write these "
             f"{len(files)} file(s) in order. In the structured content: {_in_structured(result)}."]
    lines += _phase_files(result, files)
    lines += _rollback(result, {f["filename"] for f in files})
    lines += _omitted(result)
    return "\n".join(lines)


def _in_structured(result: dict) -> str:
    """What to read there besides the files, most urgent first."""
    rollback = result.get("rollback_script") or {}
    counted = [(len(result.get("warnings", [])), "warning(s) (read before applying)"),
               (len(rollback.get("manual_steps", [])), "manual rollback step(s)"),
               (len(result.get("validation_tests", [])), "validation test(s)")]
    return ", ".join([f"{n} {what}" for n, what in counted if n] + ["the deployment guide"])


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
    return [] if rollback["filename"] in listed else [f"Rollback: {rollback['filename']}"]


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
