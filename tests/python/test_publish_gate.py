"""The history check of the publish gate (scripts/publish_gate.py) at its boundaries, on
hand-made marts (no dbt): the relative tolerance and its absolute floor, the lookback of
each family, new and vanished days, no publication in place; and the arguments that turn
it off on purpose. The scenarios with real builds are in test_publish_refusals.py."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from dbt_invocation import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
import publish  # noqa: E402
import publish_gate  # noqa: E402

RULE = {
    "history_max_relative_change": 0.01,
    "history_min_absolute_change": 2,
    "events_lookback_days": 3,
    "commerce_history_lookback_days": 7,
}
LATEST = dt.date(2024, 6, 30)


def marts(path: Path, events: dict, carts: dict | None = None, orders: dict | None = None):
    """A database with the marts the history check reads: `events` day -> (view events,
    revenue) in funnel_daily (no cart or purchase events), `carts` day -> (carts,
    abandoned value), `orders` day -> orders (one converted cart each in fct_carts)."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.funnel_daily (event_date date, view_events bigint, "
                    "cart_events bigint, purchase_events bigint, revenue decimal(38, 4))")
        for day, (views, revenue) in events.items():
            con.execute("insert into marts.funnel_daily values (?, ?, 0, 0, ?)",
                        [day, views, Decimal(revenue)])
        if carts is None:
            return path
        con.execute("create table marts.cart_conversion_daily (period date, carts bigint, "
                    "abandoned_value decimal(38, 4))")
        con.execute("create table marts.fct_carts (order_id varchar, ordered_at timestamp)")
        for day, (count, value) in carts.items():
            con.execute("insert into marts.cart_conversion_daily values (?, ?, ?)",
                        [day, count, Decimal(value)])
        for day, count in (orders or {}).items():
            for number in range(count):
                con.execute("insert into marts.fct_carts values (?, ?)",
                            [f"O-{day}-{number}", dt.datetime.combine(day, dt.time(12))])
    return path


def day(offset: int) -> dt.date:
    """The day `offset` days before the publication's latest day."""
    return LATEST - dt.timedelta(days=offset)


def moved(tmp_path: Path, old: dict, new: dict, **rule) -> dict:
    """(family, day) -> the figures that moved (or 'missing'), publication `old` against
    build `new` (each `marts` arguments)."""
    for name in ("published.duckdb", "build.duckdb"):
        (tmp_path / name).unlink(missing_ok=True)
    check = publish_gate.check_history(
        marts(tmp_path / "published.duckdb", **old), "published",
        marts(tmp_path / "build.duckdb", **new), {**RULE, **rule})
    return {(m.family, m.day): ("missing" if m.missing else sorted(m.figures))
            for m in check.moved}


def test_a_figure_moves_beyond_the_relative_tolerance_and_its_floor(tmp_path):
    old = {day(10): (1000, "100.00"), day(11): (1000, "100.00"), day(12): (10, "5.00"),
           day(13): (10, "5.00"), day(0): (1, "1.00")}
    new = {day(10): (1010, "101.00"),   # exactly 1 %: kept
           day(11): (1011, "100.00"),   # 1.1 % of the events: moved
           day(12): (12, "7.00"),       # 20 % and 40 %, but by 2: under the floor
           day(13): (13, "5.00"),       # by 3: moved
           day(0): (1, "1.00")}
    assert moved(tmp_path, {"events": old}, {"events": new}) == {
        ("events", day(11)): ["funnel events"],
        ("events", day(13)): ["funnel events"],
    }


def test_only_days_older_than_the_lookback_are_compared_and_new_days_never_block(tmp_path):
    old = {day(offset): (100, "10.00") for offset in range(6)}
    new = {day(offset): (200, "20.00") for offset in range(-2, 6) if offset != 1}
    # events_lookback_days 3: days 0-3 may still change; day 4 and 5 are settled. Day 1
    # vanished: a day never disappears, wherever it is. Days -2 and -1 are new.
    assert moved(tmp_path, {"events": old}, {"events": new}) == {
        ("events", day(1)): "missing",
        ("events", day(4)): ["funnel events", "revenue"],
        ("events", day(5)): ["funnel events", "revenue"],
    }
    assert moved(tmp_path, {"events": old}, {"events": new}, events_lookback_days=5) == {
        ("events", day(1)): "missing",
    }


def test_commerce_has_its_own_lookback_and_figures(tmp_path):
    events = {day(0): (1, "1.00")}
    carts = {day(offset): (10, "500.00") for offset in range(10)}
    orders = {day(offset): 5 for offset in range(10)}
    new_carts = {**carts, day(7): (10, "400.00"), day(8): (10, "400.00"), day(9): (10, "500.00")}
    new_orders = {**orders, day(9): 8}
    assert moved(
        tmp_path, {"events": events, "carts": carts, "orders": orders},
        {"events": events, "carts": new_carts, "orders": new_orders},
    ) == {
        ("commerce", day(8)): ["abandoned value"],  # day 7 is inside the 7 days
        ("commerce", day(9)): ["orders"],
    }


def test_no_publication_in_place_compares_nothing(tmp_path):
    check = publish_gate.check_history(
        None, None, marts(tmp_path / "build.duckdb", {day(0): (1, "1.00")}), RULE)
    assert check.moved == [] and check.compared_with is None
    assert check.report()["note"] == "no publication in place: nothing to compare"


def test_the_refusal_lists_the_days_that_moved_most(tmp_path):
    old = {day(offset): (100, "10.00") for offset in range(4, 30)}
    new = {day(offset): (100 + offset, "10.00") for offset in range(4, 30)}
    check = publish_gate.check_history(
        marts(tmp_path / "published.duckdb", old), "published",
        marts(tmp_path / "build.duckdb", new), RULE)
    lines = check.refusal(RULE, full_refresh=False)
    shown = [line for line in lines if line.startswith("  2024-")]
    assert len(shown) == publish_gate.MOVED_DAYS_SHOWN
    assert shown[0] == f"  {day(29)} events: funnel events 100 -> 129 (+29.0%)"
    assert "  ... and 12 more day(s)" in lines


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_accepted_change_needs_a_reason(reason, capsys):
    with pytest.raises(SystemExit) as stopped:
        publish.main(["--accept-history-change", reason])
    assert stopped.value.code == 2
    assert "--accept-history-change needs a reason" in capsys.readouterr().err


def test_a_history_var_that_is_not_a_number_is_refused_before_the_build(capsys):
    with pytest.raises(SystemExit):
        publish.main(["--vars", "{history_max_relative_change: lots}"])
    assert "the var history_max_relative_change must be a number" in capsys.readouterr().err


def test_an_incremental_model_out_of_sync_is_told_to_rebuild(tmp_path):
    """An upgrade that changes an incremental model's columns through a macro alone: dbt stops
    with "schemas ... out of sync" and advice that does not fit this project (change
    on_schema_change); the publish step names the model and the command that rebuilds it."""
    node = "model.ecommerce_behavior.int_events_sessionized"
    (tmp_path / "run_results.json").write_text(json.dumps({"results": [
        {"unique_id": node, "status": "error", "message": (
            "Compilation Error in model int_events_sessionized\n  The source and target schemas"
            " on this incremental model are out of sync!")},
        {"unique_id": "model.ecommerce_behavior.fct_carts", "status": "success",
         "message": "OK"},
    ]}))
    reasons, _ = publish.audit_build(1, tmp_path, started=0)
    advice = [r for r in reasons if "make build FULL_REFRESH=1" in r]
    assert len(advice) == 1 and advice[0].startswith(node), reasons
    (tmp_path / "run_results.json").write_text(json.dumps({"results": [
        {"unique_id": node, "status": "error", "message": "Runtime Error: out of memory"}]}))
    reasons, _ = publish.audit_build(1, tmp_path, started=0)
    assert not any("FULL_REFRESH" in r for r in reasons), reasons
