"""The request's setting as a developer writes it into the sentence: "rename users.name to
full_name on PostgreSQL 15, Flyway, no downtime".

`read_setting` finds the phrases that name the database (and its version), the migration tool
and whether downtime is allowed, and returns them with the description left without them, so
the grammar reads only the change. `with_setting` fills the request fields the caller left out
from what the description states. A strong phrase ("on MySQL", "no downtime") that contradicts a
field given is an error, never a guess: "no downtime" in the text and `downtime_allowed: true`
cannot both be meant; a weak one ("offline", a bare "MySQL") yields to the field. Each pattern is a
bounded alternation over a description of at most 500 characters (linear, no nested repeats).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..dialects import ALIASES, DATABASES
from ..errors import InvalidRequest

# Spoken names of the databases beyond their own and the tools' (dialects.ALIASES).
SPOKEN = {"sql server": "sqlserver", "ms sql": "sqlserver", "azure sql": "sqlserver", "postgre": "postgresql"}
DATABASE_WORDS = {**{d: d for d in DATABASES}, **ALIASES, **SPOKEN}
TOOLS = ("flyway", "liquibase", "alembic")

_LEAD = r"(?P<lead>\b(?:on|in|for|with|using|via|against|targeting|as)\s+)?(?:(?:an?|the|our|my)\s+)?"
_NAMES = "|".join(sorted((re.escape(w).replace(r"\ ", r"[\s-]+") for w in DATABASE_WORDS), key=len, reverse=True))
DATABASE_RE = re.compile(_LEAD + rf"\b(?P<name>{_NAMES})\b(?:\s+(?P<version>\d{{1,4}}(?:\.\d{{1,4}}){{0,2}})\b)?"
                         r"(?:\s+(?:database|db|server|instance))?", re.I)
TOOL_RE = re.compile(_LEAD + rf"\b(?P<name>{'|'.join(TOOLS)})\b"
                     r"(?:\s+(?:migrations?|changelogs?|changesets?|revisions?|scripts?|files?))?", re.I)
NO_DOWNTIME_RE = re.compile(
    r"\b(?:with\s+)?(?:no|zero|without(?:\s+any)?)[\s-]+downtime\b|\bzero[\s-]*downtime\b|"
    r"\bwhile\s+(?:the\s+)?(?:app|application|service|site)\s+(?:is\s+|stays\s+)?(?:running|live|up|online)\b", re.I)
DOWNTIME_OK_RE = re.compile(
    r"\b(?:with\s+)?downtime\s+(?:is\s+)?(?:ok|okay|fine|allowed|acceptable|permitted)\b|"
    r"\b(?:(?:we|you|i|they)\s+)?can\s+(?:take|afford|accept|tolerate|live\s+with)\s+(?:some\s+|a\s+(?:little|short|brief)\s+)?downtime\b|"
    r"\b(?:allow|allowing|accept|accepting)\s+downtime\b|"
    r"\b(?:during|in)\s+(?:a|the|our)\s+maintenance\s+window\b", re.I)
# Weaker words: they fill a field left out, but say too little to contradict one given (a
# migration named "offline checks" is no request for downtime).
ONLINE_RE = re.compile(r"\b(?:(?:done|run|applied|performed)\s+)?online\b", re.I)
OFFLINE_RE = re.compile(r"\b(?:(?:done|run|applied|performed)\s+)?offline\b", re.I)
# What the removed phrases leave behind: empty brackets (`(PostgreSQL 15)`, never a call's
# `now()`), doubled separators, dangling ones.
_EMPTY_BRACKETS = re.compile(r"(?<![\w$])[(\[]\s*(?:[,;/&+-]+\s*)*[)\]]")
_DOUBLED = re.compile(r"\s*([,;])(?:\s*[,;\u2013\u2014])+")
_EDGES = re.compile(r"^[\s,;:.\-\u2013\u2014]+|[\s,;:\-\u2013\u2014]+$")


@dataclass(frozen=True)
class Mention:
    """One phrase of the description that states a request field."""
    name: str
    value: object
    phrase: str
    span: tuple[int, int]
    strong: bool = True


def read_setting(text: str, tables: set[str] = frozenset()) -> list[Mention]:
    """What `text` states of the request's setting, in text order. A word that is one of
    `tables` (lower case) names a table, not a database or tool."""
    out = []
    for name, pattern in (("database", DATABASE_RE), ("migration_tool", TOOL_RE)):
        for m in pattern.finditer(text):
            if m.group("name").lower() in tables:
                continue
            value = _database(m) if name == "database" else m.group("name").lower()
            # "on MySQL" says where the migration runs; a bare "MySQL" may only be mentioned
            strong = m.group("lead") is not None
            out.append(Mention(name, value, m.group(0).strip(), m.span(), strong))
            if name == "database" and m.group("version"):
                out.append(Mention("database_version", _version(m), m.group(0).strip(), m.span(), strong))
    for value, strong, pattern in ((False, True, NO_DOWNTIME_RE), (True, True, DOWNTIME_OK_RE),
                                   (False, False, ONLINE_RE), (True, False, OFFLINE_RE)):
        out += [Mention("downtime_allowed", value, m.group(0).strip(), m.span(), strong)
                for m in pattern.finditer(text)]
    return sorted(out, key=lambda x: x.span)


def with_setting(data: dict) -> tuple[dict, list[str]]:
    """(request with the fields the description states filled in, [a note saying so]). A field
    the caller gave wins over a weak word; a strong phrase that contradicts it is an error."""
    description = data.get("migration_description")
    if not isinstance(description, str):
        return data, []
    filled, used, stated = dict(data), [], {}
    for m in read_setting(description, _tables(data)):
        given = data.get(m.name)
        if given is None:
            first = stated.setdefault(m.name, m)
            if first.value != m.value:
                raise InvalidRequest(f"the description states {m.name} twice, differently: "
                                     f"{first.phrase!r} and {m.phrase!r}", field="migration_description")
            filled[m.name] = m.value
        elif _differs(m.name, given, m.value):
            if m.strong:
                raise InvalidRequest(f"{m.name} is {given!r} but the description says {m.phrase!r}", field=m.name,
                                     suggestion=f"make them agree: set {m.name} to {m.value!r} or reword the description")
            continue
        used.append(m)
    if filled.get("downtime_allowed") is None:
        raise InvalidRequest("downtime_allowed is required: may the app's users see the change lock "
                             "them out (true), or must it run beside them (false: zero-downtime plan)?",
                             field="downtime_allowed", allowed=["true", "false"],
                             suggestion='set it, or say "no downtime" or "downtime is ok" in the description')
    if not used:
        return data, []
    filled["migration_description"] = _without(description, [m.span for m in used]) or description
    return filled, [_note(stated)] if stated else []


def _note(stated: dict[str, Mention]) -> str:
    said = ", ".join(f"{k} {str(m.value).lower() if isinstance(m.value, bool) else m.value} ({m.phrase!r})"
                     for k, m in stated.items())
    return f"Read from the description: {said}."


def _spoken(m: re.Match) -> str:
    """The name as written, lower case, one space between words ("SQL  Server" -> "sql server")."""
    return re.sub(r"[\s-]+", " ", m.group("name").lower())


def _database(m: re.Match) -> str:
    return DATABASE_WORDS[_spoken(m)]


def _version(m: re.Match) -> str:
    """The version as the request field takes it; MariaDB's numbers are its own, so they keep its name."""
    return f"mariadb-{m.group('version')}" if _spoken(m) == "mariadb" else m.group("version")


def _differs(name: str, given: object, stated: object) -> bool:
    if not isinstance(given, str):
        return given != stated
    given = given.strip().lower()
    return (DATABASE_WORDS.get(given, given) if name == "database" else given) != stated


def _tables(data: dict) -> set[str]:
    """Table names the request's schema defines, lower case: a table called `oracle` stays a table."""
    schema = data.get("schema") or data.get("schema_sql")
    if not isinstance(schema, str):
        return set()
    return {m.lower() for m in re.findall(r"(?i)\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?[`\"\[]?(\w{1,128})", schema[:1_000_000])}


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    kept, at = [], 0
    for start, end in sorted(spans):
        if start >= at:
            kept.append(text[at:start])
            at = end
        else:
            at = max(at, end)
    out = " ".join("".join(kept + [text[at:]]).split())
    out = _EMPTY_BRACKETS.sub("", out)
    out = _DOUBLED.sub(r"\1", out)
    out = re.sub(r"\s+([,;])", r"\1", out)
    out = re.sub(r"(?i)[,;]?\s*\b(?:and|on|in|for|with|using)\s*$", "", out.strip())
    return _EDGES.sub("", out)
