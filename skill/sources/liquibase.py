"""Liquibase changelogs, XML, YAML/JSON and formatted SQL: changeSets with their ids, authors and
transactions; `<sql>` as written; every other change element as the `ToolOp` it stands for,
turned into the statement Liquibase sends by the one translator (translate.py)."""
from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field

from ..dialects import NAMES
from .model import ChangeSet, Problem, SourceFile, Statement, lazy_re
from .sqltext import line_col, new_tx, sql_statements, statement_start
from .translate import ToolColumn, ToolOp, names, statements

def expat_tree(content: str):
    """Parse XML keeping line/column of each element and of its text (ElementTree drops them)."""
    root = Element("#document", {}, 1, 1)
    stack = [root]
    parser = xml.parsers.expat.ParserCreate()

    def start(tag, attrs):
        el = Element(tag.split(":")[-1], attrs, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        stack[-1].children.append(el)
        stack.append(el)

    def text(data):
        el = stack[-1]
        if not el.text_parts:
            el.text_pos = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        el.text_parts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: stack.pop()
    parser.CharacterDataHandler = text
    parser.Parse(content, True)
    return root


@dataclass
class Element:
    """One node of a Liquibase changelog, from XML or YAML alike."""
    tag: str
    attrs: dict
    line: int
    column: int
    children: list["Element"] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)
    text_pos: tuple[int, int] | None = None
    indent: int = 0

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def find(self, tag: str) -> "Element | None":
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list["Element"]:
        return [c for c in self.children if c.tag == tag]


# --- changeSets ----------------------------------------------------------------------------

# The first line of a formatted SQL changelog.
FORMATTED_SQL = lazy_re(r"^\s*--\s*liquibase\s+formatted\s+sql", re.I)

_LB_META = {"comment", "preConditions", "validCheckSum", "tagDatabase", "modifySql", "rollback"}


def _flag(value: object, default: bool) -> bool:
    return default if value is None else str(value).strip().lower() != "false"


def runs_on(dbms: str | None, database: str) -> bool:
    """Liquibase's `dbms` attribute: a list of names, `!name` to exclude, `all`/empty for every
    one; `database` by the names Liquibase gives it."""
    names = {n.strip().lower() for n in (dbms or "").split(",") if n.strip()}
    ours = set(NAMES[database].liquibase.split(",")) if database in NAMES else {database}
    excluded = {n[1:] for n in names if n.startswith("!")}
    if not names or "all" in names or excluded:
        return not ours & excluded
    return bool(ours & names)


def context_of(attrs: dict) -> str | None:
    """A changeSet's or include's context expression: `contextFilter` (Liquibase 4.16+) or `context`."""
    return _str_or_none(attrs.get("contextFilter") or attrs.get("context"))


def selected(context: str | None, labels: str | None, contexts: str | None, label_filter: str | None) -> bool:
    """Whether `liquibase update --contexts=<contexts> --label-filter=<label_filter>` runs a changeSet
    with this context expression and these labels. Without a filter every changeSet runs; a
    changeSet without a context (labels) passes any context (label) filter."""
    runtime = _names(contexts)
    if runtime and context and not expression_matches(context, runtime):
        return False
    own = _names(labels)
    return not (label_filter or "").strip() or not own or expression_matches(label_filter, own)


def _names(text: str | None) -> set[str]:
    return {n.strip().lower() for n in (text or "").split(",") if n.strip()}


_EXPRESSION_TOKEN = lazy_re(r"\s*(\(|\)|!|[^\s()!]+)")


def expression_matches(expression: str, names: set[str]) -> bool:
    """Liquibase's context/label expression over `names`: comma-separated alternatives, each
    with `and`, `or`, `!`/`not` and parentheses (not binds tightest, then and, then or);
    names compare case-insensitively."""
    tokens = [t.lower() for t in _EXPRESSION_TOKEN.findall(expression.replace(",", " or "))]
    value, end = _or(tokens, 0, names)
    return value if end == len(tokens) else False


def _or(tokens: list[str], i: int, names: set[str]) -> tuple[bool, int]:
    return _joined("or", any, _and, tokens, i, names)


def _and(tokens: list[str], i: int, names: set[str]) -> tuple[bool, int]:
    return _joined("and", all, _not, tokens, i, names)


def _joined(word: str, combine, operand, tokens: list[str], i: int, names: set[str]) -> tuple[bool, int]:
    """Operands separated by `word`, combined (any / all)."""
    value, i = operand(tokens, i, names)
    values = [value]
    while i < len(tokens) and tokens[i] == word:
        value, i = operand(tokens, i + 1, names)
        values.append(value)
    return combine(values), i


def _not(tokens: list[str], i: int, names: set[str]) -> tuple[bool, int]:
    if i >= len(tokens):
        return False, i
    if tokens[i] in ("!", "not"):
        value, i = _not(tokens, i + 1, names)
        return not value, i
    if tokens[i] == "(":
        value, i = _or(tokens, i + 1, names)
        return value, i + (i < len(tokens) and tokens[i] == ")")
    return tokens[i].lstrip("@") in names, i + 1


def read_xml(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    try:
        root = expat_tree(src.content)
    except xml.parsers.expat.ExpatError as err:
        src.problems.append(Problem(err.lineno, err.offset + 1, f"malformed XML: {err}"))
        return
    _read_changelog(src, root, dialect, database)


def _read_changelog(src: SourceFile, root: Element, dialect: str, database: str) -> None:
    for log in root.findall("databaseChangeLog") or [root]:
        for el in log.findall("changeSet"):
            _read_changeset(src, el, dialect, database)


def _read_changeset(src: SourceFile, el: Element, dialect: str, database: str) -> None:
    cs = ChangeSet(_str_or_none(el.attrs.get("id")), _str_or_none(el.attrs.get("author")),
                   el.line, el.column, _flag(el.attrs.get("runInTransaction"), True))
    cs.has_rollback = el.find("rollback") is not None
    cs.context, cs.labels = context_of(el.attrs), _str_or_none(el.attrs.get("labels"))
    src.changesets.append(cs)
    cs.runs = runs_on(el.attrs.get("dbms"), database)
    if not cs.runs:
        return
    tx = new_tx() if cs.run_in_transaction else None
    origin = f"changeSet {cs.id} ({cs.author})"
    for change in el.children:
        if change.tag in _LB_META or not runs_on(change.attrs.get("dbms"), database):
            continue
        cs.raw_sql |= change.tag in ("sql", "sqlFile", "createProcedure")
        src.statements += change_statements(src.filename, change, dialect, database, tx, origin)


def _str_or_none(value: object) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value)


def change_statements(filename: str, el: Element, dialect: str, database: str, tx: int | None,
                      origin: str) -> list[Statement]:
    """The statements Liquibase sends for one change element."""
    if el.tag == "sql":
        return _sql_element(filename, el, dialect, tx, origin)
    build = CHANGES.get(el.tag)
    if not build:
        return []
    return [Statement(filename, sql, el.line, el.column, tx, "up", True, f"{origin} <{el.tag}>")
            for op in build(el) for sql in statements(op, database) if sql]


def _sql_element(filename: str, el: Element, dialect: str, tx: int | None, origin: str) -> list[Statement]:
    text = el.text
    pos = el.text_pos or (el.line, el.column)
    if not _flag(el.attrs.get("splitStatements"), True):
        a = statement_start(text, 0, len(text), dialect)
        line, col = line_col(text, a)
        line, col = pos[0] + line - 1, (pos[1] + col - 1 if line == 1 else col)
        return [Statement(filename, text[a:].strip(), line, col, tx, "up", False, origin)] if text.strip() else []
    return sql_statements(filename, text, dialect, tx, base=pos, origin=origin, indent=el.indent)


# --- change elements as tool ops -------------------------------------------------------------

def _table(el: Element) -> str:
    schema = el.attrs.get("schemaName")
    return f"{schema}.{el.attrs.get('tableName')}" if schema else el.attrs.get("tableName")


def _cols(el: Element, attr: str = "columnNames") -> list:
    if el.attrs.get(attr):
        return [c.strip() for c in str(el.attrs[attr]).split(",")]
    return [c.attrs.get("name") for c in el.findall("column")]


def _default(col: Element) -> str | None:
    """The SQL of a column's default attribute; literals of the text attributes are quoted."""
    a = col.attrs
    for key in ("defaultValueComputed", "defaultValueNumeric", "defaultValueBoolean"):
        if a.get(key) is not None:
            return str(a[key])
    for key in ("defaultValue", "defaultValueDate"):
        if a.get(key) is not None:
            return "'" + str(a[key]).replace("'", "''") + "'"
    return None


def _column(col: Element) -> ToolColumn:
    cons = col.find("constraints")
    c = cons.attrs if cons is not None else {}
    constraints = [piece for piece, on in (("NOT NULL", not _flag(c.get("nullable"), True)),
                                           ("PRIMARY KEY", _flag(c.get("primaryKey"), False)),
                                           ("UNIQUE", _flag(c.get("unique"), False))) if on]
    if c.get("references") or c.get("referencedTableName"):
        ref = c.get("references") or f"{c.get('referencedTableName')} ({c.get('referencedColumnNames')})"
        constraints.append(f"REFERENCES {ref}")
    return ToolColumn(col.attrs.get("name"), f"{col.attrs.get('type', 'TEXT')}", _default(col), constraints,
                      "by_default" if _flag(col.attrs.get("autoIncrement"), False) else None)


def _where(el: Element) -> str | None:
    where = el.find("where")
    text = where.text if where is not None else el.attrs.get("where")
    return text.strip() if text and str(text).strip() else None


def _not_null(el: Element) -> list[ToolOp]:
    table, column = _table(el), el.attrs.get("columnName")
    fill = []
    if el.attrs.get("defaultNullValue") is not None:
        value = "'" + str(el.attrs["defaultNullValue"]).replace("'", "''") + "'"
        fill = [ToolOp("fill_nulls", dict(table=table, column=column, value=value))]
    return fill + [ToolOp("set_not_null", dict(table=table, column=column, type=el.attrs.get("columnDataType")))]


def _foreign_key(el: Element) -> list[ToolOp]:
    a = el.attrs
    definition = (f"FOREIGN KEY ({names(_cols(el, 'baseColumnNames'))}) REFERENCES "
                  f"{names(a.get('referencedTableName'))} ({names(_cols(el, 'referencedColumnNames'))})")
    return [ToolOp("add_constraint", dict(table=a.get("baseTableName"), name=a.get("constraintName") or "?",
                                          definition=definition, not_valid=not _flag(a.get("validate"), True)))]


def _constraint(kind: str):
    def build(el: Element) -> list[ToolOp]:
        return [ToolOp("add_constraint", dict(table=_table(el), name=el.attrs.get("constraintName") or None,
                                              definition=f"{kind} ({names(_cols(el))})"))]
    return build


def _op(kind: str, **fields):
    """A change element that is one op; field values are functions of the element."""
    return lambda el: [ToolOp(kind, {k: f(el) for k, f in fields.items()})]


def _attr(name: str):
    return lambda el: el.attrs.get(name)


CHANGES = {
    "createTable": _op("create_table", table=_table, columns=lambda el: [_column(c) for c in el.findall("column")]),
    "addColumn": lambda el: [ToolOp("add_column", dict(table=_table(el), column=_column(c)))
                             for c in el.findall("column")],
    "createIndex": _op("create_index", table=_table, name=_attr("indexName"), columns=_cols,
                       unique=lambda el: _flag(el.attrs.get("unique"), False)),
    "dropIndex": _op("drop_index", name=_attr("indexName")),
    "dropColumn": lambda el: [ToolOp("drop_column", dict(table=_table(el), column=n)) for n in
                              ([el.attrs["columnName"]] if el.attrs.get("columnName")
                               else [c.attrs.get("name") for c in el.findall("column")])],
    "dropTable": _op("drop_table", table=_table),
    "renameColumn": _op("rename_column", table=_table, column=_attr("oldColumnName"), new_name=_attr("newColumnName")),
    "renameTable": _op("rename_table", table=_attr("oldTableName"), new_name=_attr("newTableName")),
    "modifyDataType": _op("modify_type", table=_table, column=_attr("columnName"), type=_attr("newDataType")),
    "addNotNullConstraint": _not_null,
    "addForeignKeyConstraint": _foreign_key,
    "addUniqueConstraint": _constraint("UNIQUE"),
    "addPrimaryKey": _constraint("PRIMARY KEY"),
    "addDefaultValue": _op("set_default", table=_table, column=_attr("columnName"), default=_default),
    "update": _op("update", table=_table, where=_where, assignments=lambda el: [
        (c.attrs.get("name"), _default(c) or "NULL") for c in el.findall("column")]),
    "delete": _op("delete", table=_table, where=_where),
}


# --- YAML and formatted SQL ------------------------------------------------------------------

def compose_bounded(content: str):
    """The YAML node tree, refusing what makes reading it explode: aliases (`*a` repeats the
    node it names, so nine levels of ten aliases each are a billion nodes from 475 bytes),
    more than MAX_YAML_NODES nodes, or nesting deeper than MAX_NESTING (the composer recurses).
    A Liquibase changelog never needs an alias."""
    import yaml
    from ..limits import MAX_NESTING, MAX_YAML_NODES

    class Loader(yaml.SafeLoader):
        nodes = depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not accepted in a "
                                                  "changelog: write the value out", self.peek_event().start_mark)
            self.nodes, self.depth = self.nodes + 1, self.depth + 1
            if self.nodes > MAX_YAML_NODES or self.depth > MAX_NESTING:
                raise yaml.composer.ComposerError(None, None, f"YAML changelog over the limits of "
                                                  f"{MAX_YAML_NODES:,} nodes and {MAX_NESTING} levels",
                                                  self.peek_event().start_mark)
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def compose_mapping_node(self, anchor):
            node = super().compose_mapping_node(anchor)
            for key, _ in node.value:
                if key.id != "scalar":         # `{[a]: b}`: no changelog key is a list or a map
                    raise yaml.composer.ComposerError(None, None, "a mapping key must be a plain value",
                                                      key.start_mark)
            return node

    loader = Loader(content)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def read_yaml(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    try:
        import yaml   # only needed for YAML/JSON changelogs
        node = compose_bounded(src.content)
    except ImportError:
        src.problems.append(Problem(1, 1, "YAML changelogs need PyYAML installed"))
        return
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        src.problems.append(Problem(line, col, f"malformed YAML: {err}"))
        return
    if node is not None:
        _read_changelog(src, _yaml_element("#document", node, src.content), dialect, database)


# YAML keys whose list items are children of the parent (XML nests them directly).
_YAML_FLATTEN = {"changes", "columns", "databaseChangeLog"}
# Scalar YAML keys that XML writes as a child element with text.
_YAML_TEXT = {"sql", "where", "rollback", "comment"}


def _yaml_element(tag: str, node, content: str, key=None) -> Element:
    mark = (key or node).start_mark      # an element is where its key is written
    el = Element(tag, {}, mark.line + 1, mark.column + 1)
    if node.id == "scalar":
        _yaml_text(el, node, content)
    elif node.id == "sequence":
        el.children += _yaml_items(node, content)
    else:
        for key, value in node.value:
            _yaml_member(el, key, value, content)
    return el


def _yaml_member(el: Element, key_node, value, content: str) -> None:
    key = key_node.value
    if value.id == "scalar" and key not in _YAML_TEXT:
        el.attrs[key] = value.value
    elif value.id == "scalar" and key == el.tag:      # `sql: {sql: "..."}`: the text of the element
        _yaml_text(el, value, content)
    elif value.id == "sequence" and key in _YAML_FLATTEN:
        el.children += _yaml_items(value, content)
    else:
        el.children.append(_yaml_element(key, value, content, key_node))


def _yaml_items(node, content: str) -> list[Element]:
    out = []
    for item in node.value:
        if item.id == "mapping" and len(item.value) == 1:
            key, value = item.value[0]
            out.append(_yaml_element(key.value, value, content, key))
        else:
            out.append(_yaml_element("item", item, content))
    return out


def _yaml_text(el: Element, node, content: str) -> None:
    el.text_parts = [node.value]
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if node.style in ("|", ">"):   # block scalar: text starts on the next line, indented
        lines = content.splitlines()
        nxt = lines[line] if line < len(lines) else ""
        el.indent = len(nxt) - len(nxt.lstrip())
        el.text_pos = (line + 1, el.indent + 1)
    else:
        el.text_pos = (line, col + (1 if node.style in ("'", '"') else 0))


# `--changeset author:id`; an author with spaces is quoted: `--changeset "Ann Lee":id`.
_CHANGESET_HEADER = lazy_re(r'^--\s*changeset\s+("[^"\n]*"|[^\s:]+)(?::(\S*))?(.*)$', re.I | re.M)
_ROLLBACK_MARK = lazy_re(r"^--\s*rollback\b|/\*\s*liquibase\s+rollback", re.I | re.M)


def read_formatted_sql(src: SourceFile, dialect: str, database: str, confs: dict) -> None:
    text = src.content
    headers = list(_CHANGESET_HEADER.finditer(text))
    for n, m in enumerate(headers):
        end = headers[n + 1].start() if n + 1 < len(headers) else len(text)
        author, cs_id = m.group(1).strip('"'), m.group(2) or ""
        attrs = dict(re.findall(r"(\w+):(\S+)", m.group(3)))
        line, col = line_col(text, m.start())
        cs = ChangeSet(_str_or_none(cs_id), _str_or_none(author), line, col,
                       _flag(attrs.get("runInTransaction"), True), raw_sql=True,
                       has_rollback=bool(_ROLLBACK_MARK.search(text, m.end(), end)))
        cs.context, cs.labels = context_of(attrs), _str_or_none(attrs.get("labels"))
        src.changesets.append(cs)
        cs.runs = runs_on(attrs.get("dbms"), database)
        if not cs.runs:
            continue
        tx = new_tx() if cs.run_in_transaction else None
        src.statements += sql_statements(src.filename, text, dialect, tx, start=m.end(), end=end,
                                         origin=f"changeSet {cs.id} ({cs.author})")
