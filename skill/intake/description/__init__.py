"""Plain-English intake: `migration_description` read as changes, deterministically.

Used when a request carries neither `changes` nor `sql`. The text is split into clauses
(`;`, `then`, `and` before a verb...), each clause is normalised to lemmas (tokens.py) and
matched against a table of phrasings (grammar.py); each phrasing's builder resolves names
against the schema (resolve.py) and returns changes that the pydantic change union then
validates. A migration name (`AddPhoneToCustomers`, `V3__add_email_to_users.sql`) is read as
the sentence it spells. A clause that cannot be read refuses the whole description, saying
what was understood and what was not: a guess would put a wrong migration in front of a
production database, and a partial reading would be a partial migration.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import TypeAdapter, ValidationError

from ...models import Change
from ...schema import VirtualSchema
from .errors import DescriptionNotUnderstood, Unclear, summary
from .grammar import NEEDS, examples, rules_for
from .matcher import State, Trace, match
from .rails import rails_sentence
from .resolve import Resolver
from .slots import SLOTS
from .tokens import Clause, lex, named_clause, normalise, split_clauses

_CHANGE = TypeAdapter(Change)


@dataclass
class Reading:
    """The changes a description names, and what was assumed to read them (warnings)."""
    changes: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_description(text: str, schema: VirtualSchema | None = None, dialect: str = "postgres") -> Reading:
    """Read `text` as changes, resolving names against `schema`; types are read in the
    spelling of `dialect` (a sqlglot dialect name) first. Raises DescriptionNotUnderstood."""
    resolver = Resolver(schema or VirtualSchema(), dialect)
    try:
        sentence = rails_sentence(text or "")
    except Unclear as unclear:
        raise _refusal(unclear, Clause(text, ()), 1, 1, []) from None
    if sentence:
        resolver.notes.append(f"read the Rails generator command as: {sentence}")
    clauses = _clauses(sentence or text or "")
    read: list[dict] = []
    for n, clause in enumerate(clauses, 1):
        tokens = normalise(clause.tokens)
        if not tokens:
            continue
        try:
            changes = _read_clause(tokens, ClauseContext(clause.text, resolver, clause.django))
        except Unclear as unclear:
            try:
                changes = _per_table(clause, resolver)
            except Unclear as on_one_table:
                unclear, changes = on_one_table, None
            if changes is None:
                raise _refusal(unclear, clause, n, len(clauses), read) from None
        for change in changes:
            resolver.apply(change)
        read += changes
    if not read:
        raise _refusal(Unclear("it names no change"), Clause(text or "", ()), 1, 1, [])
    return Reading([_CHANGE.validate_python(c) for c in _fold_backfills(read)], resolver.notes)


def parse_description(text: str, schema: VirtualSchema | None = None, dialect: str = "postgres") -> list:
    return read_description(text, schema, dialect).changes


def understood_phrasings() -> list[str]:
    return examples()


class ClauseContext:
    """What slot parsers may consult: the source text, the schema, hints for refusals."""

    def __init__(self, text: str, resolver: Resolver, django: bool):
        self.text = text
        self.resolver = resolver
        self.dialect = resolver.dialect
        self.django = django
        self.hints: dict[int, Unclear] = {}

    def hint(self, pos: int, unclear: Unclear) -> None:
        self.hints.setdefault(pos, unclear)

    def source(self, first, last) -> str:
        return self.text[first.start:last.end]

    def table_splits(self, words: list[str]) -> list[int]:
        """Where a glued `table column` run may split: by the schema, Django's model-first
        names, else after the first plural word (Rails' `AddIndexToStatusesUri`)."""
        r = self.resolver
        if r.known:
            fits = [k for k in range(1, len(words))
                    if (t := r.find_table("_".join(words[:k]))) and r.has_column(t, "_".join(words[k:]))]
            if fits:
                return fits
        if self.django:
            return [1]
        return [k for k in range(1, len(words)) if words[k - 1].endswith("s") and not words[k - 1].endswith("ss")][:1]


def _clauses(text: str) -> list[Clause]:
    """The clauses of a text; a migration name (the whole text, or a clause of one word) is
    read as the sentence it spells."""
    whole = named_clause(text)
    if whole is not None:
        return [whole]
    return [(len(c.tokens) == 1 and named_clause(c.tokens[0].text)) or c for c in split_clauses(text)]


# "add created_at timestamp to users and orders": one change, said of several tables at the end
_TABLE_LIST = re.compile(r"^(?P<head>.+\b(?:to|on|from|in|of|for))\s+"
                         r"(?P<tables>\w+(?:\s*,\s*\w+)*\s*,?\s*(?:and|&)\s+\w+|\w+(?:\s*,\s*\w+)+)\s*[.!]?$", re.I)


def _per_table(clause: Clause, resolver: Resolver) -> list[dict] | None:
    """The clause read once per table of a trailing list, or None when it has none (then the
    clause's own refusal stands). With a schema each name must be a table of it, and a reading
    that fails on one of them is the refusal; without one, a failed reading is no list."""
    m = _TABLE_LIST.match(clause.text[clause.tokens[0].start:clause.tokens[-1].end] if clause.tokens else "")
    names = re.split(r"\s*(?:,|\band\b|&)\s*", m.group("tables"), flags=re.I) if m else []
    names = [n for n in names if n]
    if len(names) < 2 or (resolver.known and not all(resolver.find_table(n) for n in names)):
        return None
    marks, out = len(resolver.notes), []
    try:
        for name in names:
            text = f"{m.group('head')} {name}"
            changes = _read_clause(normalise(tuple(lex(text))), ClauseContext(text, resolver, clause.django))
            for change in changes:
                resolver.apply(change)       # the next table's reading sees this one's result
            out += changes
    except Unclear:
        del resolver.notes[marks:]
        if resolver.known:          # every name is a table: what failed is the change on one of them
            raise
        return None
    return out


def _read_clause(tokens: list, ctx: ClauseContext) -> list[dict]:
    _balanced(tokens)
    trace, refused = Trace(), None
    for rule in rules_for(tokens[0]):
        for found in match(rule.items, State(tokens, ctx, trace, rule), SLOTS):
            notes = len(ctx.resolver.notes)
            try:
                return [_valid(c) for c in rule.build(found, ctx.resolver)]
            except Unclear as unclear:
                del ctx.resolver.notes[notes:]          # a reading that failed assumed nothing
                unclear.op = unclear.op or rule.op
                refused = refused or unclear
    raise refused or _not_matched(trace, tokens, ctx)


def _valid(change: dict) -> dict:
    try:
        _CHANGE.validate_python(change)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(p) for p in err["loc"][1:])
        raise Unclear(f"{err['input']!r} is not valid as {where}: {err['msg'].removeprefix('Value error, ')}") from None
    return change


def _balanced(tokens: list) -> None:
    depth = 0
    for t in tokens:
        depth += (t.kind == "punct" and t.text == "(") - (t.kind == "punct" and t.text == ")")
        if depth < 0:
            break
    if depth:
        raise Unclear("its parentheses are unbalanced")


def _not_matched(trace: Trace, tokens: list, ctx: ClauseContext) -> Unclear:
    pos = max(trace.pos, 0)
    hint = ctx.hints.get(pos)
    said = ctx.source(tokens[0], tokens[pos - 1]) if pos else ""
    rest = ctx.source(tokens[pos], tokens[-1]) if pos < len(tokens) else ""
    if not trace.words:
        return Unclear(f"no phrasing I know starts like {ctx.source(tokens[0], tokens[-1])!r}")
    if len(trace.ops) > 1 and hint is None:         # several readings got as far: name none
        return Unclear(f"read {said!r}, but not what follows: {rest!r}" if rest else
                       f"read {said!r}, which is not a whole change")
    op = trace.ops[0]
    if hint is not None:
        return Unclear(f"read {said!r} as {op}, then: {hint.problem}", hint.alternatives, op)
    if not rest:
        return Unclear(f"read {said!r} as {op}, which needs {NEEDS[op]}", op=op)
    expected = f" (expected {' or '.join(trace.expected)})" if len(trace.expected) <= 4 else ""
    return Unclear(f"read {said!r} as {op}, but not {rest!r}{expected}", op=op)


def _refusal(unclear: Unclear, clause: Clause, n: int, total: int, read: list[dict]) -> DescriptionNotUnderstood:
    said = clause.text[clause.tokens[0].start:clause.tokens[-1].end] if clause.tokens else clause.text
    where = f" (clause {n} of {total})" if total > 1 else ""
    message = f"could not understand {said!r}{where}: {unclear.problem}"
    if unclear.op and unclear.op not in unclear.problem:
        message += f" (read as {unclear.op})"
    if read:
        message += ". Understood before it: " + "; ".join(summary(c) for c in read)
    message += ". Nothing was generated: a description is used whole or not at all."
    return DescriptionNotUnderstood(message, understood=read, unclear=said,
                                    allowed=unclear.alternatives or examples())


def _fold_backfills(changes: list[dict]) -> list[dict]:
    """"make X not null and fill existing nulls with V": the fill belongs to the NOT NULL
    (as its backfill), which must see the nulls filled before it is set."""
    out: list[dict] = []
    for change in changes:
        before = out[-1] if out else None
        if (before and before["op"] == "set_not_null" and change["op"] == "backfill"
                and "backfill" not in before and (before["table"], before["column"]) == (change["table"], change["column"])
                and change.get("where", "").replace(" ", "").lower() in ("", f"{change['column']}isnull".lower())
                and "batch_size" not in change):
            out[-1] = before | {"backfill": change["value"]}
            continue
        out.append(change)
    return out
