"""The incremental event models equal their full refresh, late-arriving rows included.

Scenario: a first build sees the events up to day M0 minus some late rows; the
second (incremental) build sees everything: new days, plus rows that arrive late
for days already built (within events_lookback_days), including a session-less
event that bridges two timeout sessions of one user across the boundary of the
rebuilt window, an exact copy and a bad price arriving late, and rows whose time
cannot be read (in both files: they belong to no day and must not be doubled).
A fresh full build of the same final file must give the same rows in every
incremental model (base events, sessionised events, sessions, users, the daily
funnel) and in the clickstream marts and the data-quality audit.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import (
    duckdb_path,
    generate_raw,
    read_raw_text,
    run_dbt,
    write_raw,
)

CLICKSTREAM_TABLES = [
    ("staging", "stg_clickstream__events"),
    ("intermediate", "int_events_sessionized"),
    ("intermediate", "int_event_users_aggregated"),
    ("marts", "fct_sessions"),
    ("marts", "funnel_kpis"),
    ("marts", "funnel_daily"),
    ("marts", "funnel_stages"),
    ("marts", "user_behavior_segments"),
    ("marts", "behavior_segment_summary"),
    ("marts", "product_performance"),
    ("marts", "product_performance_v2"),
    ("intermediate", "int_event_users_grouped_by_time_bucket"),
    ("intermediate", "int_product_viewers"),
    ("marts", "activity_patterns"),
    ("marts", "funnel_new_vs_returning"),
    ("marts", "data_quality_audit"),
]


def events_only(raw: Path) -> dict:
    """The vars of an events-only build on the raw_path folder `raw`."""
    return {"enable_commerce": False, "raw_path": str(raw)}


def write_events(frame: pd.DataFrame, folder: Path) -> Path:
    """`frame` (raw text) as the events.csv of a raw_path folder."""
    return write_raw(folder, "events", frame.itertuples(index=False), list(frame.columns))


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
    raw = generate_raw(tmp_path_factory.mktemp("generated"), customers=200, events=12000,
                       seed=31, messiness="none", days=40)
    events = read_raw_text(raw, "events")
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

    # an event 20 days late: older than events_lookback_days
    too_late = events[in_first].iloc[[5]].copy()
    too_late["price"] = "999.99"
    too_late["event_type"] = "purchase"

    # bad rows: an unreadable time in both files, and, arriving late for a day in the
    # window, an exact copy of an event and an event with a price that is not a number
    unreadable = events.iloc[[3, 4]].copy()
    unreadable["event_time"] = ["not a time", ""]
    in_window_day = events.index[day == days[-7]]
    late_copy = events.loc[in_window_day[:1]].copy()
    bad_price = events.loc[in_window_day[1:2]].copy()
    bad_price["price"] = "n/a"
    later_bad = pd.concat([late_copy, bad_price])

    # a new user's session-less views at 10:00 and 10:50 are two sessions until a late
    # view at 10:25 joins them: the session that started at 10:50 no longer exists
    joined = events.loc[[in_window_day[2]] * 3].copy()
    joined["user_id"] = "999999999"
    joined["user_session"] = ""
    joined["event_type"] = "view"
    joined["event_time"] = [f"{days[-7]} 10:{minute}:00 UTC" for minute in ("00", "50", "25")]

    first = pd.concat([events[in_first & ~late], unreadable, joined.iloc[:2]])
    events = pd.concat([events, unreadable, later_bad, joined], ignore_index=True)
    assert late.sum() > 10 and len(first) < len(events)
    return first, events, too_late


def test_incremental_run_equals_full_refresh_with_late_rows(event_files, tmp_path):
    """The first file, then the final one delivered into the same folder (the raw_path of
    an incremental database stays put: another one rebuilds from scratch)."""
    first, final, _ = event_files
    raw = write_events(first, tmp_path / "raw")
    raw_final = write_events(final, tmp_path / "raw_final")

    incremental_dir = tmp_path / "incremental"
    build = run_dbt(["build"], incremental_dir, events_only(raw))
    assert build.success
    [(rows_first,)] = build.query("select count(*) from staging.stg_clickstream__events")
    assert rows_first == len(first)

    write_events(final, raw)
    build = run_dbt(["build"], incremental_dir, events_only(raw))
    assert build.success
    full = run_dbt(["build"], tmp_path / "full", events_only(raw_final))
    assert full.success

    # every raw row once: 2 unreadable times, 1 exact copy and 1 bad price quarantined
    [(rows_final,)] = build.query("select count(*) from staging.stg_clickstream__events")
    assert rows_final == len(final)
    reasons = dict(build.query(
        "select dq_reason, count(*) from staging.stg_clickstream__events"
        " where dq_reason is not null group by dq_reason"
    ))
    assert reasons == {"invalid_event_time": 2, "exact_duplicate": 1, "invalid_price": 1}
    for schema, table in CLICKSTREAM_TABLES:
        assert differing_rows(build.db_path, full.db_path, schema, table) == 0, table


def test_rows_later_than_the_lookback_need_a_full_refresh(event_files, tmp_path):
    """The documented limit, shown so that the comparison above is known to be able to
    fail: a row older than events_lookback_days is not taken in by an incremental run.
    The build says so: the rows the raw-file check counted in the file no longer add up
    to the rows staging read, and that data test fails (nothing is published)."""
    first, final, too_late = event_files
    raw = write_events(first, tmp_path / "raw")
    raw_final = write_events(pd.concat([final, too_late]), tmp_path / "raw_final")
    incremental_dir = tmp_path / "incremental"
    assert run_dbt(["build"], incremental_dir, events_only(raw)).success
    write_events(pd.concat([final, too_late]), raw)
    incremental = run_dbt(["build"], incremental_dir, events_only(raw))
    full = run_dbt(["build"], tmp_path / "full", events_only(raw_final))
    assert full.success
    assert not incremental.success
    assert "Failure in test assert_raw_files_add_up_to_the_audit" in incremental.output
    # the one-row kpis differ: one row on each side of the symmetric difference
    assert differing_rows(incremental.db_path, full.db_path, "marts", "funnel_kpis") == 2
    # and a full refresh repairs it
    refreshed = run_dbt(["build", "--full-refresh"], incremental_dir, events_only(raw))
    assert refreshed.success
    assert differing_rows(refreshed.db_path, full.db_path, "marts", "funnel_kpis") == 0


def test_another_raw_path_rebuilds_the_incremental_models_from_scratch(event_files, tmp_path):
    """A database built from one folder, then a run on another shop's folder: every
    incremental model is rebuilt from scratch (it would otherwise keep the first folder's
    history) and says so; the result equals a fresh build of the second folder. A run on
    the same folder again rebuilds nothing from scratch."""
    first, _, _ = event_files
    raw_a = write_events(first, tmp_path / "shop_a")
    other = generate_raw(tmp_path / "shop_b", customers=150, events=6000, seed=47,
                         messiness="none", days=30)
    incremental_dir = tmp_path / "incremental"
    assert run_dbt(["build"], incremental_dir, events_only(raw_a)).success
    again = run_dbt(["build"], incremental_dir, events_only(raw_a))
    assert again.success and "raw inputs changed" not in again.output
    switched = run_dbt(["build"], incremental_dir, events_only(other))
    assert switched.success, switched.output[-3000:]
    assert (f'stg_clickstream__events: the raw inputs changed since it was last built '
            f'(raw_path "{raw_a}" -> "{other}")') in switched.output
    fresh = run_dbt(["build"], tmp_path / "fresh", events_only(other))
    assert fresh.success
    switched_db = duckdb_path(incremental_dir)
    for schema, table in CLICKSTREAM_TABLES:
        assert differing_rows(switched_db, fresh.db_path, schema, table) == 0, table



def test_an_events_file_replaced_by_a_shorter_one_stops_with_what_to_do(event_files, tmp_path):
    """The events file of an incremental database replaced by one with less history: the
    run stops before any model, says the file must keep its full history or a full refresh
    is needed; the full refresh builds."""
    _, final, _ = event_files
    raw = write_events(final, tmp_path / "raw")
    incremental_dir = tmp_path / "incremental"
    assert run_dbt(["build"], incremental_dir, events_only(raw)).success
    day = final["event_time"].str.slice(0, 10)
    shorter = final[day >= sorted(day.unique())[-5]]
    write_events(shorter, raw)
    stopped = run_dbt(["build"], incremental_dir, events_only(raw))
    output = stopped.output
    assert not stopped.success
    assert f"file {raw}/events.csv holds {len(shorter)} rows, fewer than the " in output
    assert "the raw file must keep its full history" in output and "FULL_REFRESH=1" in output
    refreshed = run_dbt(["build", "--full-refresh"], incremental_dir, events_only(raw))
    assert refreshed.success
