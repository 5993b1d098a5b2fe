"""The description corpus (tests/corpus/descriptions*.yaml): every phrasing must give exactly
its expected changes, or a refusal that says what was understood and offers alternatives.

`python -m tests.test_description_corpus` prints the accuracy per op, for the corpus and for
the held-out phrasings (written after the grammar, never tuned on before being measured).
"""
from __future__ import annotations

import collections
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from dbmig.intake.description import read_description
from dbmig.intake.description.errors import DescriptionNotUnderstood
from dbmig.schema import parse_schema

CORPUS = Path(__file__).parent / "corpus"
FILES = {"corpus": CORPUS / "descriptions.yaml", "held-out": CORPUS / "descriptions_heldout.yaml"}
SQLGLOT = {"postgresql": "postgres", "mysql": "mysql", "sqlserver": "tsql", "oracle": "oracle"}


@lru_cache(maxsize=None)
def load(which: str) -> dict:
    data = yaml.safe_load(FILES[which].read_text())
    if which != "corpus":          # the held-out file shares the corpus's schemas
        data["schemas"] = {**load("corpus")["schemas"], **data.get("schemas", {})}
    return data


def cases(which: str) -> list[dict]:
    return load(which)["cases"]


def dumped(changes) -> list[dict]:
    return [c.model_dump(exclude_defaults=True, by_alias=True) | {"op": c.op} for c in changes]


@dataclass
class Outcome:
    ok: bool
    got: object
    notes: list[str] = field(default_factory=list)


def run(case: dict, which: str) -> Outcome:
    dialect = SQLGLOT[case.get("database", "postgresql")]
    schema = parse_schema(load(which)["schemas"][case["schema"]], dialect) if case.get("schema") else None
    try:
        reading = read_description(case["text"], schema, dialect)
    except DescriptionNotUnderstood as refusal:
        body = refusal.to_dict()
        return Outcome("error" in case and _refusal_fits(body, case["error"]), body)
    got = dumped(reading.changes)
    warned = all(any(w in n for n in reading.notes) for w in case.get("warns", []))
    return Outcome(got == case.get("changes") and warned, got, reading.notes)


def _refusal_fits(body: dict, want: dict) -> bool:
    message = body["message"].lower()
    return (all(s.lower() in message for s in want.get("says", []))
            and all(a in (body.get("allowed") or []) for a in want.get("allowed", [])))


def op_of(case: dict) -> str:
    return case["changes"][0]["op"] if "changes" in case else "refusal"


def report(which: str) -> tuple[float, dict[str, tuple[int, int]]]:
    per_op: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for case in cases(which):
        tally = per_op[op_of(case)]
        tally[0] += run(case, which).ok
        tally[1] += 1
    good = sum(t[0] for t in per_op.values())
    total = sum(t[1] for t in per_op.values())
    return good / total, {op: tuple(t) for op, t in sorted(per_op.items())}


# --- the corpus ---------------------------------------------------------------------------------

def test_corpus_is_big_varied_and_has_refusals_and_held_out_phrasings():
    main, held = cases("corpus"), cases("held-out")
    assert len(main) >= 200 and sum("error" in c for c in main) >= 40
    assert len(held) >= 50
    assert len({op_of(c) for c in main}) >= 20
    assert sum(bool(c.get("schema")) for c in main) >= 40       # schema-aware resolution
    assert len({c.get("database", "postgresql") for c in main}) == 4   # types in every spelling


@pytest.mark.parametrize("case", cases("corpus"), ids=lambda c: c["text"][:60])
def test_corpus_phrasing(case):
    outcome = run(case, "corpus")
    assert outcome.ok, f"{case['text']!r}\nwant: {case.get('changes') or case.get('error')}\ngot:  {outcome.got}"


def test_corpus_accuracy_is_total_and_reported():
    accuracy, per_op = report("corpus")
    print(f"\ncorpus accuracy {accuracy:.1%}: " + ", ".join(f"{op} {g}/{n}" for op, (g, n) in per_op.items()))
    assert accuracy == 1.0


def test_held_out_accuracy_is_reported():
    accuracy, per_op = report("held-out")
    print(f"\nheld-out accuracy {accuracy:.1%}: " + ", ".join(f"{op} {g}/{n}" for op, (g, n) in per_op.items()))
    assert accuracy >= 0.9


# --- refusals ------------------------------------------------------------------------------------

REFUSALS = [c for c in cases("corpus") if "error" in c]


@pytest.mark.parametrize("case", REFUSALS, ids=lambda c: c["text"][:60])
def test_refusal_is_structured_and_names_the_field(case):
    body = run(case, "corpus").got
    assert body["code"] == "invalid_request" and body["field"] == "migration_description"
    assert body["message"].startswith("could not understand") and body["allowed"]
    assert body["unclear"] and isinstance(body["understood"], list)
    assert "changes" in body["suggestion"]


def test_refusal_of_a_later_clause_lists_what_was_understood_before_it():
    with pytest.raises(DescriptionNotUnderstood) as info:
        read_description("add email to users; rename users.name to full_name; frobnicate the cache")
    body = info.value.to_dict()
    assert [c["op"] for c in body["understood"]] == ["add_column", "rename_column"]
    assert body["unclear"] == "frobnicate the cache" and "(clause 3 of 3)" in body["message"]


def test_implausible_objects_are_refused_not_guessed():
    for text, said in [("drop table int", "'int' is a type"), ("add age integer to varchar", "varchar"),
                       ("rename column bigint on users to age", "bigint")]:
        with pytest.raises(DescriptionNotUnderstood) as info:
            read_description(text)
        assert said in info.value.message


def test_assumptions_are_warnings():
    reading = read_description("add_phone_to_customers and link orders to customers")
    assert any("assumed type varchar(255) for customers.phone" in n for n in reading.notes)
    assert any("customers.id" in n for n in reading.notes)


def test_reading_is_deterministic():
    text = "AddUserRefToProducts; make products.title required, backfilling with 'untitled'"
    assert dumped(read_description(text).changes) == dumped(read_description(text).changes)


if __name__ == "__main__":
    for which in FILES:
        accuracy, per_op = report(which)
        print(f"{which}: {accuracy:.1%} of {len(cases(which))}")
        for op, (good, total) in per_op.items():
            print(f"  {op:20} {good:3}/{total:<3} {good / total:.0%}")
