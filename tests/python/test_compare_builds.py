"""scripts/compare_builds.py: the mart comparison sees every kind of difference.

Cheap (no dbt build): two small DuckDB files with a `marts` schema, made here.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
from compare_builds import compare_marts  # noqa: E402

ROWS = [(1, 0.1, "a"), (2, 2.5, "b"), (2, 2.5, "b"), (3, None, None)]


def make_db(path: Path, rows: list[tuple] = ROWS, amount_type: str = "double",
            other_table: bool = True) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(f"create table marts.fct (id integer, amount {amount_type}, label varchar)")
        con.executemany("insert into marts.fct values (?, ?, ?)", rows)
        if other_table:
            con.execute("create table marts.kpis as select 42 as carts, 0.5 as rate")
    return path


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return make_db(tmp_path / "base.duckdb")


def by_mart(base: Path, new: Path) -> dict:
    return {d.mart: d for d in compare_marts(base, new)}


def test_identical_tables_in_another_row_order(base, tmp_path):
    diffs = by_mart(base, make_db(tmp_path / "new.duckdb", rows=ROWS[::-1]))
    assert sorted(diffs) == ["fct", "kpis"]
    assert all(d.identical and d.describe() == "identical" for d in diffs.values())
    assert (diffs["fct"].rows_a, diffs["fct"].rows_b) == (4, 4)


def test_a_double_changed_in_its_last_bit(base, tmp_path):
    rows = [(1, math.nextafter(0.1, 1.0), "a"), *ROWS[1:]]
    fct = by_mart(base, make_db(tmp_path / "new.duckdb", rows=rows))["fct"]
    assert not fct.identical
    assert fct.differing_rows == 2  # the old row is missing, the new one is extra
    assert fct.rows_a == fct.rows_b == 4


def test_an_extra_duplicate_row(base, tmp_path):
    fct = by_mart(base, make_db(tmp_path / "new.duckdb", rows=[*ROWS, ROWS[1]]))["fct"]
    assert not fct.identical
    assert (fct.differing_rows, fct.rows_a, fct.rows_b) == (1, 4, 5)
    assert "row count 4 vs 5" in fct.describe()


def test_a_different_column_type(base, tmp_path):
    fct = by_mart(base, make_db(tmp_path / "new.duckdb", amount_type="decimal(18,3)"))["fct"]
    assert not fct.identical
    assert "amount DOUBLE" in fct.column_note and "amount DECIMAL(18,3)" in fct.column_note


def test_a_missing_table(base, tmp_path):
    diffs = by_mart(base, make_db(tmp_path / "new.duckdb", other_table=False))
    assert diffs["fct"].identical
    assert not diffs["kpis"].identical
    assert diffs["kpis"].rows_b is None
    assert diffs["kpis"].describe() == "DIFFERENT (missing in b)"


def test_the_files_are_only_read(base, tmp_path):
    new = make_db(tmp_path / "new.duckdb")
    before = base.read_bytes(), new.read_bytes()
    by_mart(base, new)
    assert (base.read_bytes(), new.read_bytes()) == before
