"""Plain SQL script pieces shared by Flyway files, Liquibase formatted SQL and review files."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .common import one_line
from ..dialects.base import Dialect
from ..plan.model import Step

def terminate(statement: str, dialect: Dialect) -> str:
    """End a statement the way the database's script runner expects: SQL Server's GO after
    every batch, Oracle's "/" only after a PL/SQL block (after `stmt;` SQL*Plus runs it twice)."""
    if dialect.has("batch_delimited") and statement.lstrip().upper().startswith("CREATE PROCEDURE"):
        return dialect.sql("batch_delimited", statement=statement)   # a body full of ';'
    end = "" if statement.rstrip().endswith(";") else dialect.statement_end
    text = f"{statement}{end}"
    after = dialect.batch_separator_after
    if dialect.batch_separator and (after is None or after.match(statement)):
        return f"{text}\n{dialect.batch_separator}"
    return text


@dataclass
class Block:
    title: str
    statements: list[str]
    comments: list[str] = field(default_factory=list)


def _with_session(steps: list[Step], statements_of) -> list[tuple[Step, list[str]]]:
    """Each step's statements, led by its session settings unless the script set them already."""
    current: list[str] = []
    out = []
    for s in steps:
        statements = statements_of(s)
        lead = s.session if s.session != current and statements else []
        current = s.session if statements else current
        out.append((s, lead + (statements or [])))
    return out


def guard_statements(step: Step, dialect: Dialect) -> list[str]:
    """A plain script has no preconditions: each guard runs as a block that raises before the
    step. A batched loop already checks its guards inside its own block."""
    out, inline = [], "\n".join(step.forward)
    for g in step.guards:
        if g.query in inline:
            continue
        check = dialect.sql("batch_guard", query=g.query, message=dialect.literal(g.message))
        proc = "dbmig_guard_" + hashlib.sha1(g.query.encode()).hexdigest()[:8]
        out += [x.rstrip() for x in dialect.statements("guard_block", guard=check, proc=proc)]
    return out


def forward_blocks(steps: list[Step], dialect: Dialect) -> list[Block]:
    # titles and comments go on `--` lines: one line each, or text would run on as SQL
    return [Block(one_line(s.description), [terminate(x, dialect) for x in statements],
                  [f"lock: {s.lock.level}; blocks {s.lock.blocks}; {s.estimate}"]
                  + (["CONFIRMED DESTRUCTIVE: this step removes data (see warnings)"] if s.destructive else []))
            for s, statements in _with_session(steps, lambda s: guard_statements(s, dialect) + s.forward)]


def reverse_blocks(steps: list[Step], dialect: Dialect) -> list[Block]:
    blocks = []
    for s, statements in _with_session(list(reversed(steps)), lambda s: s.reverse):
        if s.reverse is None:
            blocks.append(Block(f"undo: {one_line(s.description)}", [],
                                [f"MANUAL: {one_line(m)}" for m in s.manual_steps]))
        elif statements:
            blocks.append(Block(f"undo: {one_line(s.description)}", [terminate(x, dialect) for x in statements]))
    return blocks


def manual_steps(steps: list[Step]) -> list[str]:
    return [m for s in steps for m in s.manual_steps]
