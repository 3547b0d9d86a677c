"""The same input gives bit-identical marts, whatever the thread count.

Each data set is built three times, at 1, 2 and 4 dbt threads, into three DuckDB
files, and every table of schema `marts` (data_quality_audit included) is compared
with EXCEPT ALL both ways: every column, doubles to the last bit, duplicates counted.
The rule that makes it hold is DECISIONLOG G1: aggregate exact values (integers,
decimals) and divide once at the end.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from conftest import ECOMGEN_SAMPLE_DIR, SHARED_BUILD_THREADS, Build, run_dbt

THREADS = [1, 2, 4]
DATASETS = {
    "committed_sample": None,
    "ecomgen_sample": {"raw_path": str(ECOMGEN_SAMPLE_DIR), "enable_events": False},
}


def differing_rows(con: duckdb.DuckDBPyConnection, left: str, right: str) -> int:
    """Rows of `left` not in `right` plus rows of `right` not in `left` (as multisets)."""
    [(count,)] = con.execute(
        f"""
        select count(*) from (
            (select * from {left} except all select * from {right})
            union all
            (select * from {right} except all select * from {left})
        )
        """
    ).fetchall()
    return count


def mart_columns(build: Build) -> dict[str, list[tuple[str, str]]]:
    """mart -> [(column, type)] in table order."""
    rows = build.query(
        """
        select table_name, column_name, data_type
        from information_schema.columns
        where table_schema = 'marts'
        order by table_name, ordinal_position
        """
    )
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        out.setdefault(table, []).append((column, data_type))
    return out


# the session's shared build of each data set (conftest), made at SHARED_BUILD_THREADS
SHARED_BUILDS = {"committed_sample": "sample_build", "ecomgen_sample": "ecomgen_sample_build"}


@pytest.fixture(scope="module", params=list(DATASETS))
def builds(request, tmp_path_factory) -> dict[int, Build]:
    """Each data set at 1, 2 and 4 threads; the build at SHARED_BUILD_THREADS is the
    session's shared one (the same command), so it is not built twice."""
    name = request.param
    out = {}
    for threads in THREADS:
        if threads == SHARED_BUILD_THREADS:
            out[threads] = request.getfixturevalue(SHARED_BUILDS[name])
            continue
        build = run_dbt(
            ["build"],
            tmp_path_factory.mktemp(f"{name}_threads_{threads}"),
            DATASETS[name],
            threads=threads,
        )
        assert build.success, f"dbt build of {name} at {threads} threads failed"
        out[threads] = build
    return out


def test_builds_at_1_2_and_4_threads_give_identical_marts(builds):
    first, *others = THREADS
    reference = mart_columns(builds[first])
    assert "data_quality_audit" in reference
    assert any(t == "DOUBLE" for cols in reference.values() for _, t in cols)
    for threads in others:
        assert mart_columns(builds[threads]) == reference, f"{threads} threads: other columns"
        with duckdb.connect() as con:
            con.execute(f"attach '{builds[first].db_path}' as a (read_only)")
            con.execute(f"attach '{builds[threads].db_path}' as b (read_only)")
            differing = {
                mart: n
                for mart in reference
                if (n := differing_rows(con, f"a.marts.{mart}", f"b.marts.{mart}"))
            }
        assert not differing, f"{first} vs {threads} threads, differing rows: {differing}"


def test_the_comparison_sees_a_difference_in_the_last_bit():
    """The failure this file guards against: two sums of the same doubles in another
    order (seen in rfm_segments.avg_recency_days before G1)."""
    with duckdb.connect() as con:
        con.execute("create table a as select 253.37313275929975::double as x, 1 as k")
        con.execute("create table b as select 253.37313275929978::double as x, 1 as k")
        con.execute("create table c as select * from a union all select * from a")
        assert differing_rows(con, "a", "b") == 2
        assert differing_rows(con, "a", "c") == 1  # a duplicate row is a difference too
        assert differing_rows(con, "a", "a") == 0


def test_no_model_averages_in_floating_point(builds):
    """G1: an average is an exact sum divided once (`ratio(sum, count)`), never avg(),
    which adds doubles in whatever order the rows arrive."""
    build = builds[1]
    manifest = json.loads((build.target_path / "manifest.json").read_text())
    offenders = [
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and "avg(" in (node.get("compiled_code") or "").lower().replace(" (", "(")
    ]
    compiled = [
        n for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n.get("compiled_code")
    ]
    assert len(compiled) > 20
    assert not offenders, f"models using avg(): {offenders}"
