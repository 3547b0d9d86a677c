"""The raw columns are written once, in the raw contract (macros/raw/raw_contract.sql,
read in Python by scripts/raw_contract.py). What restates them agrees with it, column for
column and in order: the generator's output (scripts/shopgen/schema.py), the sources'
yml, and the column tables of docs/raw_data.md (any order there)."""

from __future__ import annotations

import pytest

from conftest import PROJECT_DIR
from raw_contract import contract_columns, raw_columns
from shopgen.schema import TABLE_COLUMNS

pytestmark = pytest.mark.check  # parse-level: run by `make check`

RAW_DATA_DOC = PROJECT_DIR / "docs" / "raw_data.md"
# the section of docs/raw_data.md of a table without a `### <table>` heading of its own
DOC_SECTIONS = {"events": "## Clickstream events ("}


def differences(listed: dict[str, list[str]], where: str, in_order: bool = True) -> list[str]:
    """How `listed` (table -> raw columns in order) differs from the contract (when not
    `in_order`: the same columns, each once, in any order)."""
    contract = raw_columns()
    if not in_order:
        contract = {table: sorted(columns) for table, columns in contract.items()}
        listed = {table: sorted(columns) for table, columns in listed.items()}
    problems = []
    for table in sorted(set(contract) | set(listed)):
        if table not in listed:
            problems.append(f"{where} has no table {table}")
        elif table not in contract:
            problems.append(f"{where} has table {table}, which is not in the raw contract")
        elif listed[table] != contract[table]:
            problems.append(f"{where}, {table}: {', '.join(listed[table])}; "
                            f"the raw contract: {', '.join(contract[table])}")
    return problems


def documented_columns(text: str) -> dict[str, list[str]]:
    """table -> the columns of the first `| column | as written | in staging |` table of
    its section of docs/raw_data.md (a cell may name several columns: `a, b`)."""
    documented = {}
    for table in raw_columns():
        heading = "\n" + DOC_SECTIONS.get(table, f"### {table}\n")
        if heading not in text:
            continue
        section = text.split(heading, 1)[1]
        rows = section.split("| column | as written | in staging |\n|---|---|---|\n", 1)[1]
        columns = []
        for line in rows.splitlines():
            if not line.startswith("|"):
                break
            columns += [c.strip() for c in line.split("|")[1].split(",")]
        documented[table] = columns
    return documented


def test_the_generator_writes_the_contract_columns():
    problems = differences(TABLE_COLUMNS, "scripts/shopgen/schema.py")
    assert not problems, "\n".join(problems)


def test_the_sources_list_the_contract_columns(parsed_manifest):
    # the raw tables' sources (not raw_files, the check's own record of what it read)
    sources = {source["name"]: list(source["columns"])
               for source in parsed_manifest["sources"].values()
               if source["package_name"] == "ecommerce_behavior"
               and source["source_name"] in ("ecom", "clickstream", "marketing")}
    problems = differences(sources, "the sources' yml (models/staging/*/_*__sources.yml)")
    assert not problems, "\n".join(problems)


def test_docs_raw_data_lists_the_contract_columns():
    """Each contract column once (the document groups related columns in one row)."""
    problems = differences(documented_columns(RAW_DATA_DOC.read_text()), "docs/raw_data.md",
                           in_order=False)
    assert not problems, "\n".join(problems)


def test_a_column_out_of_place_is_named():
    listed = {table: list(columns) for table, columns in raw_columns().items()}
    listed["orders"].remove("agent_id")
    listed["events"][0:2] = ["event_type", "event_time"]
    del listed["returns"]
    listed["wishlists"] = ["wishlist_id"]

    problems = differences(listed, "somewhere")

    assert problems[0].startswith("somewhere, events: event_type, event_time, product_id")
    assert problems[1].startswith("somewhere, orders: order_id,") and "agent_id" not in (
        problems[1].split(";")[0])
    assert problems[2:] == [
        "somewhere has no table returns",
        "somewhere has table wishlists, which is not in the raw contract",
    ]


def test_the_contract_reads_kinds_and_staged_names():
    """The Python reading of the macro: a renamed column (`order_date timestamp as
    ordered_at`) and a plain one."""
    orders = {c.name: c for c in contract_columns("orders")}
    assert (orders["order_date"].kind, orders["order_date"].staged_as) == (
        "timestamp", "ordered_at")
    assert (orders["gross_total"].kind, orders["gross_total"].staged_as) == (
        "money", "gross_total")
