"""The Liquibase renderer: changelogs in XML, YAML and formatted SQL, native change types where
Liquibase reproduces our SQL, an explicit rollback per changeSet; and the real Liquibase CLI
checking them offline (`validate`, `update-sql`, `future-rollback-sql`) for all four databases.

Tests marked `liquibase` need the CLI and Java: under CI=true they fail without them."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import yaml

from dbmig.api import generate
from dbmig.runners import liquibase as lb

from .conftest import liquibase_bin
from .roundtrip_cases import CASES, START

NS = {"lb": "http://www.liquibase.org/xml/ns/dbchangelog"}
DATABASES = ["postgresql", "mysql", "sqlserver", "oracle"]
HEAD = (f'xmlns="{NS["lb"]}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation='
        f'"{NS["lb"]} http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd"')
DBMS = {"postgresql": "postgresql", "mysql": "mysql,mariadb", "sqlserver": "mssql", "oracle": "oracle"}


def request(case: str, database: str, fmt: str = "xml", **extra) -> dict:
    base = dict(migration_tool="liquibase", database=database, migration_type="schema",
                downtime_allowed=True, migration_description=f"lb {case.replace('_', ' ')}",
                changes=CASES[case], schema=START[database], author="ann", liquibase_format=fmt)
    return base | extra


def files_of(result) -> dict[str, str]:
    return {f.filename: f.content for f in result.files}


def changesets(xml_text: str) -> list[ET.Element]:
    return ET.fromstring(xml_text).findall("lb:changeSet", NS)


def tags(cs: ET.Element) -> list[str]:
    return [c.tag.split("}")[1] for c in cs if c.tag.split("}")[1] not in ("comment", "rollback", "preConditions")]


def native_tags(case: str, database: str) -> list[str]:
    xml_text = generate(request(case, database)).migration_script.content
    return [t for cs in changesets(xml_text) for t in tags(cs) if t != "sql"]


# --- rendering, no Liquibase needed ---------------------------------------------------------------

@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_changelog_is_deterministic_and_well_formed(case, database):
    a, b = generate(request(case, database)), generate(request(case, database))
    assert files_of(a) == files_of(b)
    sets = changesets(a.migration_script.content)
    assert sets, "no changeSet"
    ids = [cs.get("id") for cs in sets]
    assert len(set(ids)) == len(ids)
    assert all(cs.get("author") == "ann" and cs.get("dbms") == DBMS[database] for cs in sets)
    assert all(cs.find("lb:comment", NS) is not None for cs in sets)


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_changeset_has_a_rollback_or_says_why_not(case, database):
    for cs in changesets(generate(request(case, database)).migration_script.content):
        rollback = cs.find("lb:rollback", NS)
        comment = cs.find("lb:comment", NS).text
        assert rollback is not None or "NO AUTOMATIC ROLLBACK" in comment


@pytest.mark.parametrize("database", DATABASES)
def test_sql_elements_carry_the_liquibase_dbms_names(database):
    text = generate(request("drop_column", database)).migration_script.content
    sqls = ET.fromstring(text).iter("{%s}sql" % NS["lb"])
    assert {s.get("dbms") for s in sqls} == {DBMS[database]}


def test_ids_derive_from_the_request_and_count_from_one():
    result = generate(request("drop_column", "postgresql"))
    ids = [cs.get("id") for cs in changesets(result.migration_script.content)]
    assert [i.rsplit("-", 1)[1] for i in ids] == ["1", "2"]
    other = generate(request("drop_column", "postgresql", migration_description="another"))
    assert ids[0] != changesets(other.migration_script.content)[0].get("id")


@pytest.mark.parametrize("case,database,expected", [
    ("create_table", "postgresql", ["createTable"]),
    ("add_column_nullable", "postgresql", ["addColumn"]),
    ("add_column_not_null_default", "mysql", ["addColumn"]),
    ("rename_table", "mysql", ["renameTable"]),
    ("rename_column", "postgresql", ["renameColumn"]),
    ("rename_column", "mysql", []),             # Liquibase uses CHANGE: loses NOT NULL
    ("alter_column_type_widen_varchar", "postgresql", ["modifyDataType"]),
    ("alter_column_type_int_to_bigint", "mysql", []),   # MODIFY would drop the default
    ("drop_not_null", "postgresql", ["dropNotNullConstraint"]),
    ("set_default", "postgresql", ["addDefaultValue"]),
    ("set_default", "sqlserver", []),           # the default constraint is named by us
    ("drop_default", "mysql", ["dropDefaultValue"]),
    ("add_index", "mysql", ["createIndex"]),
    ("drop_index", "postgresql", ["dropIndex"]),
    ("add_foreign_key", "postgresql", ["addForeignKeyConstraint"]),
    ("add_unique", "oracle", ["addUniqueConstraint"]),
    ("add_check", "postgresql", []),            # no native addCheckConstraint in Liquibase OSS
    ("drop_constraint", "postgresql", []),      # a CHECK: dropCheckConstraint is Pro only
    ("drop_column", "postgresql", ["dropColumn"]),
    ("drop_table", "postgresql", []),
])
def test_native_or_sql(case, database, expected):
    assert native_tags(case, database) == expected


def test_native_column_types_and_defaults():
    cs = changesets(generate(request("add_column_not_null_default", "postgresql")).migration_script.content)
    column = cs[0].find("lb:addColumn/lb:column", NS)
    assert column.attrib == {"name": "score", "type": "INTEGER", "defaultValueComputed": "0"}
    assert column.find("lb:constraints", NS).attrib == {"nullable": "false"}


def test_function_defaults_stay_sql():
    changes = [{"op": "add_column", "table": "customers",
                "column": {"name": "seen", "type": "timestamp", "default": "CURRENT_TIMESTAMP"}}]
    text = generate(dict(request("add_column_nullable", "postgresql"), changes=changes)).migration_script.content
    assert tags(changesets(text)[0])[-1] == "sql"


def test_manual_step_has_no_rollback_and_stays_sql():
    raw = {"op": "raw_sql", "up": "UPDATE customers SET age = 1 WHERE id = 1"}
    result = generate(dict(request("add_index", "postgresql"), changes=[raw]))
    (cs,) = changesets(result.migration_script.content)
    assert cs.find("lb:rollback", NS) is None and tags(cs) == ["sql"]
    assert "NO AUTOMATIC ROLLBACK" in cs.find("lb:comment", NS).text
    assert "MANUAL" in result.rollback_script.content


def test_non_transactional_step_runs_outside_a_transaction():
    changes = [{"op": "add_index", "table": "customers", "columns": ["email"]}]
    result = generate(dict(request("add_index", "postgresql"), changes=changes, downtime_allowed=False))
    flags = [cs.get("runInTransaction") for f in result.files if f.filename.endswith(".xml")
             for cs in changesets(f.content)]
    assert "false" in flags


def test_rollback_review_file_names_the_count():
    result = generate(request("drop_column", "postgresql"))
    assert result.rollback_script.filename == result.migration_script.filename + ".rollback.sql"
    assert "rollback-count --count=2" in result.rollback_script.content
    assert "--count=2" in " ".join(result.deployment_guide.rollback_procedure)


def test_filename_is_deterministic_per_format():
    names = {fmt: generate(request("add_index", "mysql", fmt)).migration_script.filename
             for fmt in ("xml", "yaml", "sql")}
    assert names == {"xml": "changelog-lb_add_index.xml", "yaml": "changelog-lb_add_index.yaml",
                     "sql": "changelog-lb_add_index.sql"}


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_yaml_parses_with_the_same_changesets(case, database):
    xml_sets = changesets(generate(request(case, database)).migration_script.content)
    doc = yaml.safe_load(generate(request(case, database, "yaml")).migration_script.content)
    sets = [item["changeSet"] for item in doc["databaseChangeLog"]]
    assert len(sets) == len(xml_sets)
    for cs, x in zip(sets, xml_sets):
        assert cs["author"] == "ann" and cs["dbms"] == DBMS[database]
        assert [next(iter(c)) for c in cs["changes"]] == tags(x)
        assert ("rollback" in cs) == (x.find("lb:rollback", NS) is not None)


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_formatted_sql_has_a_changeset_and_rollback_per_step(case, database):
    text = generate(request(case, database, "sql")).migration_script.content
    assert text.startswith("--liquibase formatted sql\n")
    heads = re.findall(r"^--changeset ann:\S+ dbms:(\S+)", text, re.M)
    assert heads and set(heads) == {DBMS[database]}
    blocks = text.split("\n--changeset ")[1:]
    assert all("\n--rollback " in b or "NO AUTOMATIC ROLLBACK" in b for b in blocks)


def test_xml_escapes_sql():
    changes = [{"op": "add_check", "table": "customers", "expression": "age >= 0 AND age < 200"}]
    text = generate(dict(request("add_check", "postgresql"), changes=changes)).migration_script.content
    assert "&lt; 200" in text and ET.fromstring(text) is not None


def test_runner_counts_changesets_in_every_format():
    for fmt in ("xml", "yaml", "sql"):
        files = files_of(generate(request("drop_column", "mysql", fmt)))
        name = lb.changelog(files)
        assert lb.changeset_count(files[name], name) == 2


def test_missing_cli_is_a_clear_error(monkeypatch, tmp_path):
    from dbmig.errors import MissingDependency
    monkeypatch.setenv("LIQUIBASE_BIN", str(tmp_path / "nope"))
    with pytest.raises(MissingDependency, match="npm install --prefix .tools liquibase@4.28"):
        lb.binary()


# --- the real Liquibase, offline --------------------------------------------------------------------

@pytest.fixture
def cli():
    liquibase_bin()


def _statements(sql_out: str) -> str:
    return "\n".join(line for line in sql_out.splitlines() if line and not line.startswith("--"))


def every_op(database: str, fmt: str) -> dict[str, str]:
    """Every case's changelog, included by one master changelog: one Liquibase run checks all.
    Offline runs never look at the schema, so cases written against the same start coexist."""
    files, includes = {}, []
    for case in sorted(CASES):
        for f in generate(request(case, database, fmt)).files:
            files[f"cases/{case}/{f.filename}"] = f.content
            if not f.filename.endswith(".rollback.sql"):
                includes.append(f'<include file="cases/{case}/{f.filename}"/>')
    files["changelog.xml"] = f'<databaseChangeLog {HEAD}>{"".join(includes)}</databaseChangeLog>'
    return files


@pytest.mark.liquibase
@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("fmt", ["xml", "yaml", "sql"])
def test_every_op_passes_liquibase_offline(cli, fmt, database, tmp_path):
    """Liquibase validates every op's changelog (XSD for XML) and writes its update SQL and its
    rollback SQL (every case of the matrix has an automatic rollback)."""
    files = every_op(database, fmt)
    assert not any("NO AUTOMATIC ROLLBACK" in text for text in files.values())
    lb.validate(files, tmp_path, database)
    forward = lb.offline_update_sql(files, tmp_path, database)
    ran = set(re.findall(r"^--\s+Changeset changelog-lb_(\w+)\.\w+::", forward, re.M))
    assert ran == set(CASES), f"no SQL for {set(CASES) - ran}"
    rollback = lb.offline_rollback_sql(files, tmp_path, database)
    undone = set(re.findall(r"^--\s+Rolling Back ChangeSet: changelog-lb_(\w+)\.\w+::", rollback, re.M))
    assert undone == set(CASES), f"no rollback for {set(CASES) - undone}"


@pytest.mark.liquibase
@pytest.mark.parametrize("database", DATABASES)
def test_native_changes_render_our_sql(cli, database, tmp_path):
    """Where a Step became a native change, Liquibase's SQL carries the same types."""
    files = every_op(database, "xml")
    out = _statements(lb.offline_update_sql(files, tmp_path, database)).upper()
    natives = [el for name, text in files.items() if name.startswith("cases/") and name.endswith(".xml")
               for el in ET.fromstring(text).iter()]
    typed = {el.get(k) for el in natives for k in ("type", "newDataType") if el.get(k)}
    assert typed, "no native change carries a type"
    for t in typed:
        assert _type_in(t, out, database), f"{t} not in\n{out}"


# What Liquibase prints for a type we pass it, where it prints a synonym.
SYNONYMS = {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE", "TIMESTAMP": "TIMESTAMP", "INTEGER": "INT"}


def _type_in(native_type: str, out: str, database: str) -> bool:
    t = native_type.upper().replace(" ", "")
    flat = out.replace(" ", "")
    return t in flat or SYNONYMS.get(native_type.upper(), "§").replace(" ", "") in flat


@pytest.mark.liquibase
@pytest.mark.parametrize("database", DATABASES)
def test_native_type_table_matches_liquibase(cli, database, tmp_path):
    """Every native type of the dialect that the renderer lets through as native comes out of
    Liquibase unchanged (or as a synonym): a createTable of one column per type."""
    from dbmig.dialects import get_dialect
    from dbmig.render.liquibase import NATIVE_TYPES
    from dbmig.types import SqlType
    d = get_dialect(database)
    samples = {name: d.native_type(SqlType(name, (10, 2) if name == "decimal" else (20,) if "char" in name else ()))
               for name in d.types}
    passing = {n: t for n, t in samples.items()
               if any(re.fullmatch(p, t.upper()) for p in NATIVE_TYPES[database])}
    columns = "\n".join(f'<column name="c_{n}" type="{t}"/>' for n, t in passing.items())
    changelog = (f'<databaseChangeLog {HEAD}><changeSet id="1" author="t">'
                 f'<createTable tableName="t">{columns}</createTable></changeSet></databaseChangeLog>')
    out = _statements(lb.offline_update_sql({"changelog-types.xml": changelog}, tmp_path, database)).upper()
    for n, t in passing.items():
        m = re.search(rf"C_{n.upper()} (.*?)(, C_|\);)", out, re.S)
        assert m and _type_in(t, m.group(1), database), f"{t} became {m and m.group(1)}"
