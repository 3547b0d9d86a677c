"""The incremental event model equals its full refresh, late-arriving rows included.

Scenario: a first build sees the events up to day M0 minus some late rows; the
second (incremental) build sees everything: new days, plus rows that arrive late
for days already built (within events_lookback_days), including a session-less
event that bridges two timeout sessions of one user across the boundary of the
rebuilt window. A fresh full build of the same final file must give the same
rows in int_events_sessionized and the same clickstream marts.
"""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from conftest import PROJECT_DIR, run_dbt

CLICKSTREAM_TABLES = [
    ("intermediate", "int_events_sessionized"),
    ("marts", "fct_sessions"),
    ("marts", "funnel_kpis"),
    ("marts", "funnel_daily"),
    ("marts", "user_behavior_segments"),
    ("marts", "product_performance"),
]
EVENTS_ONLY = {"enable_commerce": False}


def write_events(frame: pd.DataFrame, folder) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "events.csv", index=False)


def differing_rows(db_a, db_b, schema: str, table: str) -> int:
    with duckdb.connect(str(db_a), read_only=True) as con:
        con.execute(f"attach '{db_b}' as other (read_only)")
        [(n,)] = con.execute(
            f"""
            select count(*) from (
                (select * from {schema}.{table}
                 except all select * from other.{schema}.{table})
                union all
                (select * from other.{schema}.{table}
                 except all select * from {schema}.{table})
            )
            """
        ).fetchall()
    return n


@pytest.fixture(scope="module")
def event_files(tmp_path_factory):
    """(first file, final file, a row older than the lookback) as DataFrames of raw text."""
    raw = tmp_path_factory.mktemp("generated")
    subprocess.run(
        [
            sys.executable,
            str(PROJECT_DIR / "scripts" / "generate_data.py"),
            "--out", str(raw), "--customers", "200", "--events", "12000",
            "--seed", "31", "--messiness", "none", "--days", "40",
        ],
        check=True,
        capture_output=True,
    )
    events = pd.read_csv(raw / "events.csv", dtype=str, keep_default_na=False)
    day = events["event_time"].str.slice(0, 10)
    days = sorted(day.unique())
    first_last_day = days[-6]  # M0: the last day of the first build
    in_first = day <= first_last_day

    # late rows: part of the two days before M0 arrive only with the second file
    late = in_first & day.isin(days[-8:-6]) & (events.index % 7 == 0)

    # a user whose events become session-less around M0, one of them late, so that
    # the late event bridges two timeout sessions across the rebuilt window's start
    window_users = events.loc[day.isin(days[-9:-5]), "user_id"].value_counts()
    user = window_users.index[0]
    user_rows = events.index[(events["user_id"] == user) & day.isin(days[-9:-5])]
    events.loc[user_rows, "user_session"] = ""
    late |= events.index == user_rows[len(user_rows) // 2]

    first = events[in_first & ~late]
    assert late.sum() > 10 and len(first) < len(events)
    # an event 20 days late: older than events_lookback_days
    too_late = events[in_first].iloc[[5]].copy()
    too_late["price"] = "999.99"
    too_late["event_type"] = "purchase"
    return first, events, too_late


def test_incremental_run_equals_full_refresh_with_late_rows(event_files, tmp_path):
    first, final, _ = event_files
    write_events(first, tmp_path / "raw_first")
    write_events(final, tmp_path / "raw_final")

    incremental_dir = tmp_path / "incremental"
    build = run_dbt(["build"], incremental_dir, {**EVENTS_ONLY, "raw_path": str(tmp_path / "raw_first")})
    assert build.success
    [(rows_first,)] = build.query("select count(*) from intermediate.int_events_sessionized")
    assert rows_first == len(first)

    build = run_dbt(["build"], incremental_dir, {**EVENTS_ONLY, "raw_path": str(tmp_path / "raw_final")})
    assert build.success
    full = run_dbt(["build"], tmp_path / "full", {**EVENTS_ONLY, "raw_path": str(tmp_path / "raw_final")})
    assert full.success

    [(rows_final,)] = build.query("select count(*) from intermediate.int_events_sessionized")
    assert rows_final == len(final)
    for schema, table in CLICKSTREAM_TABLES:
        assert differing_rows(build.db_path, full.db_path, schema, table) == 0, table


def test_rows_later_than_the_lookback_need_a_full_refresh(event_files, tmp_path):
    """The documented limit, shown so that the comparison above is known to be able to
    fail: a row older than events_lookback_days is not taken in by an incremental run."""
    first, final, too_late = event_files
    write_events(first, tmp_path / "raw_first")
    write_events(pd.concat([final, too_late]), tmp_path / "raw_final")
    incremental_dir = tmp_path / "incremental"
    assert run_dbt(["build"], incremental_dir, {**EVENTS_ONLY, "raw_path": str(tmp_path / "raw_first")}).success
    incremental = run_dbt(
        ["build"], incremental_dir, {**EVENTS_ONLY, "raw_path": str(tmp_path / "raw_final")}
    )
    full = run_dbt(["build"], tmp_path / "full", {**EVENTS_ONLY, "raw_path": str(tmp_path / "raw_final")})
    assert incremental.success and full.success
    # the one-row kpis differ: one row on each side of the symmetric difference
    assert differing_rows(incremental.db_path, full.db_path, "marts", "funnel_kpis") == 2
    # and a full refresh repairs it
    refreshed = run_dbt(
        ["build", "--full-refresh"],
        incremental_dir,
        {**EVENTS_ONLY, "raw_path": str(tmp_path / "raw_final")},
    )
    assert refreshed.success
    assert differing_rows(refreshed.db_path, full.db_path, "marts", "funnel_kpis") == 0
