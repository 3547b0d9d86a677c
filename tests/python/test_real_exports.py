"""Raw exports as real shops write them (issue 18): timestamps with a time zone, and keys
repeated with conflicting content.

- Time zones (DECISIONLOG D8): `Z`, `UTC`, `GMT` and numeric offsets are converted to UTC
  down to the marts; a zone that cannot be read sends the row to quarantine as
  `unreadable_time_zone`, counted in the audit; a time without zone is read in the var
  `raw_timezone` (default UTC).
- Conflicting duplicates (DECISIONLOG D4b): the row kept for a key follows the documented keep
  rule (carts: latest updated_at, then the furthest status; every table: then the most
  complete row), the others are quarantined with the duplicate-key reason.
- Plausibility (DECISIONLOG D10): quantities, line and event prices and order totals above
  the `max_plausible_*` vars are quarantined, so one bad line cannot move a KPI; catalog
  prices, cart totals and refunds above them are flagged.
- Knock-on effects: converted carts whose order is in quarantine, order lines and returns of
  quarantined orders are counted in the audit, and the cart marts say how many converted
  carts have no usable order.

The edge cases of each rule are dbt unit tests beside the staging models
(`_ecom__unit_tests.yml`, `_clickstream__unit_tests.yml`); this module checks that they reach
the marts and the audit in a real build of the committed sample with a few rows appended.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest

from conftest import (
    append_rows,
    copy_sample_as_raw_files,
    first_row,
    read_raw_text,
    run_dbt,
)
from reference.carts import compute as reference_carts


def _customer_id(raw: Path) -> str:
    return first_row(raw / "customers.csv")["customer_id"]


def _cart(customer_id: str, cart_id: str, created_at: str, updated_at: str, status: str,
          cart_total: str = "0.0") -> dict:
    return {"cart_id": cart_id, "customer_id": customer_id, "created_at": created_at,
            "updated_at": updated_at, "cart_total": cart_total, "status": status}


@pytest.fixture(scope="module")
def zoned_build(tmp_path_factory):
    raw = copy_sample_as_raw_files(tmp_path_factory.mktemp("raw_zoned"))
    customer = _customer_id(raw)
    append_rows(raw / "shopping_carts.csv", [
        _cart(customer, "CART-TZ-EAST", "2024-01-10T00:00:00+03:00",
              "2024-01-10T00:45:00.5+0300", "emptied"),
        _cart(customer, "CART-TZ-WEST", "2024-01-10 00:00:00-05:00", "", "emptied"),
        _cart(customer, "CART-TZ-BAD", "2024-01-10T00:00:00 EST", "", "emptied"),
        # conflicting copies: same time, other status; alphabetically `abandoned` came first
        _cart(customer, "CART-DUP-STATUS", "2024-01-10T01:00:00", "2024-01-10T02:00:00",
              "abandoned"),
        _cart(customer, "CART-DUP-STATUS", "2024-01-10T01:00:00", "2024-01-10T02:00:00",
              "converted"),
        # the later update wins over the earlier one (which sorts first as text)
        _cart(customer, "CART-DUP-LATEST", "2024-01-10T01:00:00", "2024-01-10T02:00:00",
              "converted"),
        _cart(customer, "CART-DUP-LATEST", "2024-01-10T01:00:00", "2024-01-10T03:00:00",
              "abandoned"),
    ])
    order = first_row(raw / "orders.csv")
    append_rows(raw / "orders.csv", [
        {**order, "order_id": "ORD-TZ", "customer_id": customer,
         "order_date": "2024-01-10T00:00:00+03:00"},
        {**order, "order_id": "ORD-TZ-BAD", "customer_id": customer,
         "order_date": "2024-01-10T00:00:00+99:00"},
        # the more complete copy wins (the other has a blank email and sorts first as text)
        {**order, "order_id": "ORD-DUP", "customer_id": customer, "total_items": "1",
         "email": ""},
        {**order, "order_id": "ORD-DUP", "customer_id": customer, "total_items": "2",
         "email": "dup@example.com"},
    ])
    event = first_row(raw / "events.csv")
    append_rows(raw / "events.csv", [
        {**event, "user_id": "990001", "user_session": "tz-session",
         "event_time": "2024-01-10T00:30:00+03:00"},
        {**event, "user_id": "990002", "user_session": "tz-session-bad",
         "event_time": "2024-01-10 00:30:00 Europe/Moscow"},
    ])
    build = run_dbt(["build"], tmp_path_factory.mktemp("zoned_build"), {"raw_path": str(raw)})
    assert build.success  # every data test, the audit balance (assert_audit_balances) included
    return build


def test_offsets_are_converted_to_utc_in_the_marts(zoned_build):
    rows = dict(
        (cart_id, (created_at, created_date, last_activity_at))
        for cart_id, created_at, created_date, last_activity_at in zoned_build.query(
            "select cart_id, created_at, created_date, last_activity_at from marts.fct_carts"
            " where cart_id like 'CART-TZ-%'"
        )
    )
    assert set(rows) == {"CART-TZ-EAST", "CART-TZ-WEST"}
    east_created, east_date, east_activity = rows["CART-TZ-EAST"]
    assert east_created == datetime(2024, 1, 9, 21, 0)
    assert str(east_date) == "2024-01-09"
    assert east_activity == datetime(2024, 1, 9, 21, 45, 0, 500000)
    assert rows["CART-TZ-WEST"][0] == datetime(2024, 1, 10, 5, 0)

    [(ordered_at,)] = zoned_build.query(
        "select ordered_at from staging.valid_ecom__orders where order_id = 'ORD-TZ'")
    assert ordered_at == datetime(2024, 1, 9, 21, 0)

    [(started_at, started_date)] = zoned_build.query(
        "select started_at, started_date from marts.fct_sessions where user_id = 990001")
    assert started_at == datetime(2024, 1, 9, 21, 30)
    assert str(started_date) == "2024-01-09"


@pytest.mark.parametrize(
    "model, key_column, key",
    [
        ("quarantine_ecom__carts", "cart_id", "CART-TZ-BAD"),
        ("quarantine_ecom__orders", "order_id", "ORD-TZ-BAD"),
        ("quarantine_clickstream__events", "user_id", "990002"),
    ],
)
def test_an_unreadable_zone_is_quarantined_with_its_reason(zoned_build, model, key_column, key):
    rows = zoned_build.query(
        f"select dq_reason, raw_values from staging.{model}"
        f" where cast({key_column} as varchar) = '{key}'"
    )
    assert [reason for reason, _ in rows] == ["unreadable_time_zone"]
    assert json.loads(rows[0][1])[key_column] == key


def test_the_audit_counts_unreadable_zones(zoned_build):
    removed = dict(zoned_build.query(
        "select source_table, rows_removed from marts.data_quality_audit"
        " where step = 'unreadable_time_zone'"
    ))
    assert removed == {"shopping_carts": 1, "cart_items": 0, "orders": 1, "events": 1}


def test_conflicting_cart_copies_keep_the_latest_then_the_furthest_status(zoned_build):
    kept = dict(zoned_build.query(
        "select cart_id, cart_status from marts.fct_carts where cart_id like 'CART-DUP-%'"))
    assert kept == {"CART-DUP-STATUS": "converted", "CART-DUP-LATEST": "abandoned"}
    rejected = zoned_build.query(
        "select cart_id, dq_reason, raw_values from staging.quarantine_ecom__carts"
        " where cart_id like 'CART-DUP-%' order by cart_id"
    )
    assert [(cart_id, reason, json.loads(raw)["status"], json.loads(raw)["updated_at"])
            for cart_id, reason, raw in rejected] == [
        ("CART-DUP-LATEST", "duplicate_cart_id", "converted", "2024-01-10T02:00:00"),
        ("CART-DUP-STATUS", "duplicate_cart_id", "abandoned", "2024-01-10T02:00:00"),
    ]


def test_conflicting_order_copies_keep_the_most_complete(zoned_build):
    assert zoned_build.query(
        "select email, total_items from staging.valid_ecom__orders where order_id = 'ORD-DUP'"
    ) == [("dup@example.com", 2)]
    assert zoned_build.query(
        "select dq_reason from staging.quarantine_ecom__orders where order_id = 'ORD-DUP'"
    ) == [("duplicate_order_id",)]


def test_raw_timezone_reads_naive_times_in_that_zone(tmp_path):
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    customer = _customer_id(raw)
    append_rows(raw / "shopping_carts.csv", [
        _cart(customer, "CART-NAIVE", "2024-01-10T00:00:00", "2024-07-10 00:00:00", "emptied"),
        _cart(customer, "CART-OFFSET", "2024-01-10T00:00:00+03:00", "2024-01-10T00:00:00Z",
              "emptied"),
    ])
    build = run_dbt(["build", "--select", "+stg_ecom__carts"], tmp_path / "build",
                    {"raw_path": str(raw), "raw_timezone": "America/New_York",
                     "enable_events": False})
    assert build.success
    rows = {cart_id: (created_at, updated_at) for cart_id, created_at, updated_at in build.query(
        "select cart_id, created_at, updated_at from staging.stg_ecom__carts"
        " where cart_id in ('CART-NAIVE', 'CART-OFFSET')")}
    # New York is UTC-5 in January, UTC-4 in July; a written zone wins over the var
    assert rows == {
        "CART-NAIVE": (datetime(2024, 1, 10, 5, 0), datetime(2024, 7, 10, 4, 0)),
        "CART-OFFSET": (datetime(2024, 1, 9, 21, 0), datetime(2024, 1, 10, 0, 0)),
    }


def test_a_raw_timezone_that_is_not_a_zone_name_stops_with_a_message(tmp_path):
    result = run_dbt(["compile", "--select", "stg_ecom__carts"], tmp_path,
                     {"raw_timezone": "UTC'; drop table x; --"})
    assert not result.success
    assert "is not a time zone name" in result.output


# --------------------------------------------------------------------------------------------
# plausibility bounds (DECISIONLOG D10) and the knock-on effects of quarantined orders
# --------------------------------------------------------------------------------------------

def _rewrite_rows(path: Path, change: dict[str, dict]) -> None:
    """Rewrite a raw CSV file, updating the rows whose first column is a key of `change`."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    found = set()
    for row in rows:
        key = row[header[0]]
        if key in change:
            row.update(change[key])
            found.add(key)
    assert found == set(change), f"rows not found in {path.name}: {set(change) - found}"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _count(build, sql: str) -> int:
    [(n,)] = build.query(sql)
    return n


@pytest.fixture(scope="module")
def lost_orders(sample_build):
    """Two matched (cart, order) pairs of the committed sample whose customer has no other
    order: once the order is quarantined, nothing else can match the cart."""
    pairs = sample_build.query(
        "select c.cart_id, c.order_id from marts.fct_carts c"
        " where c.order_id is not null and c.customer_id in ("
        "   select customer_id from staging.valid_ecom__orders"
        "   group by customer_id having count(*) = 1)"
        " order by c.cart_id limit 2"
    )
    assert len(pairs) == 2
    return pairs


@pytest.fixture(scope="module")
def implausible_build(tmp_path_factory, sample_build, lost_orders):
    raw = copy_sample_as_raw_files(tmp_path_factory.mktemp("raw_implausible"))
    [abandoned_cart] = sample_build.query(
        "select cart_id from marts.fct_carts where cart_outcome = 'abandoned'"
        " order by cart_id limit 1")[0:1]
    line = first_row(raw / "cart_items.csv")
    append_rows(raw / "cart_items.csv", [
        # the line: 1,000,000 units at 1,000,000,000,000 each
        {**line, "cart_item_id": "99000001", "cart_id": abandoned_cart[0],
         "quantity": "1000000", "unit_price": "1000000000000"},
        {**line, "cart_item_id": "99000002", "cart_id": abandoned_cart[0],
         "quantity": "1", "unit_price": "5000000"},
    ])
    event = first_row(raw / "events.csv")
    append_rows(raw / "events.csv", [
        {**event, "event_type": "purchase", "price": "2500000", "user_id": "990003"}])
    order = first_row(raw / "orders.csv")
    append_rows(raw / "orders.csv", [
        {**order, "order_id": "ORD-HUGE", "net_total": "50000000", "gross_total": "50000000"}])
    # two quarantined orders: a negative and an unreadable net total (a thousands-separated
    # one, `1,234.50`, is read since issue 27: test_export_formats.py)
    (_, order_a), (_, order_b) = lost_orders
    _rewrite_rows(raw / "orders.csv", {order_a: {"net_total": "-12.00"},
                                       order_b: {"net_total": "12.34.56"}})
    build = run_dbt(["build"], tmp_path_factory.mktemp("implausible_build"),
                    {"raw_path": str(raw)})
    assert build.success  # every data test, the audit balance (assert_audit_balances) included
    return raw, build


def test_implausible_values_are_quarantined_with_their_reason(implausible_build):
    _, build = implausible_build
    assert build.query(
        "select cast(cart_item_id as varchar), dq_reason from staging.quarantine_ecom__cart_items"
        " where cart_item_id >= 99000001 order by 1"
    ) == [("99000001", "implausible_quantity"), ("99000002", "implausible_unit_price")]
    assert build.query(
        "select dq_reason from staging.quarantine_clickstream__events where user_id = 990003"
    ) == [("implausible_price",)]
    assert build.query(
        "select dq_reason from staging.quarantine_ecom__orders where order_id = 'ORD-HUGE'"
    ) == [("implausible_order_total",)]
    removed = dict(build.query(
        "select source_table || '.' || step, rows_removed from marts.data_quality_audit"
        " where step like 'implausible%' and step_type = 'remove'"))
    assert removed == {
        "cart_items.implausible_quantity": 1, "cart_items.implausible_unit_price": 1,
        "order_items.implausible_quantity": 0, "order_items.implausible_unit_price": 0,
        "return_items.implausible_quantity_returned": 0, "orders.implausible_order_total": 1,
        "events.implausible_price": 1,
    }


def test_one_bad_line_does_not_move_the_kpis(implausible_build, sample_build):
    _, build = implausible_build
    kpis = "select abandoned_value, abandoned_carts, carts from marts.cart_kpis"
    assert build.query(kpis) == sample_build.query(kpis)
    funnel = "select * from marts.funnel_kpis"
    assert build.query(funnel) == sample_build.query(funnel)
    top = ("select category, abandoned_value from marts.abandoned_categories"
           " order by abandoned_value desc, category limit 3")
    assert build.query(top) == sample_build.query(top)


def test_converted_carts_of_quarantined_orders_are_counted(implausible_build, sample_build,
                                                           lost_orders):
    raw, build = implausible_build
    carts = sorted(cart_id for cart_id, _ in lost_orders)
    assert build.query(
        "select cart_id, order_id, is_converted, is_order_quarantined from marts.fct_carts"
        " where is_order_quarantined order by cart_id"
    ) == [(cart_id, None, True, True) for cart_id in carts]
    kpis = ("select converted_carts, matched_carts, converted_carts_without_order,"
            " converted_carts_with_quarantined_order from marts.cart_kpis")
    [(converted, matched, without, quarantined)] = sample_build.query(kpis)
    assert build.query(kpis) == [(converted, matched - 2, without + 2, quarantined + 2)]
    # and as the independent reference computes them from the raw files
    ref = reference_carts(raw).kpis
    assert (ref["converted_carts_without_order"], ref["converted_carts_with_quarantined_order"]) \
        == (without + 2, quarantined + 2)

    orders = {order_id for _, order_id in lost_orders}
    order_lines = read_raw_text(raw, "order_items")
    returns = read_raw_text(raw, "returns")
    return_lines = read_raw_text(raw, "return_items")
    effects = dict(build.query(
        "select source_table || '.' || step, rows_flagged from marts.data_quality_audit"
        " where step_type = 'knock_on'"))
    assert effects == {
        "shopping_carts.converted_cart_order_quarantined": 2,
        "order_items.line_of_quarantined_order": int(order_lines["order_id"].isin(orders).sum()),
        "returns.return_of_quarantined_order": int(returns["order_id"].isin(orders).sum()),
        "return_items.return_line_of_quarantined_order":
            int(return_lines["order_id"].isin(orders).sum()),
    }
    assert effects["order_items.line_of_quarantined_order"] > 0
    removed = dict(build.query(
        "select step, rows_removed from marts.data_quality_audit where source_table = 'orders'"
        " and step in ('negative_net_total', 'invalid_net_total')"))
    assert removed == {"negative_net_total": 1, "invalid_net_total": 1}


# --- a mistyped far-future date (docs/business_rules.md, "as_of") ----------------------


def test_a_mistyped_year_moves_neither_as_of_nor_any_other_outcome(tmp_path, sample_build):
    """One cart and one event dated 2030 in the committed sample (2024): they lie beyond the
    data, so both families' as_of stay where they were, every other cart keeps its outcome,
    the product flags keep their recent window (the event itself still counts as a view of
    all time), and the audit flags the two rows."""
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    append_rows(raw / "shopping_carts.csv", [
        _cart(_customer_id(raw), "CART-YEAR-2030", "2030-11-02 10:00:00",
              "2030-11-02 10:30:00", "open")])
    event = first_row(raw / "events.csv")
    append_rows(raw / "events.csv", [{**event, "event_time": "2030-11-02 10:00:00 UTC"}])
    build = run_dbt(["build"], tmp_path / "run", {"raw_path": str(raw)})
    assert build.success
    for query in (
        "select as_of from marts.cart_kpis",
        "select product_id, recent_views, recent_purchases, is_recent_high_view_zero_purchase"
        " from marts.product_performance order by product_id",
        "select * from marts.fct_carts where cart_id <> 'CART-YEAR-2030' order by cart_id",
    ):
        assert build.query(query) == sample_build.query(query), query
    flagged = build.query(
        "select source_table, rows_flagged from marts.data_quality_audit"
        " where step = 'timestamp_beyond_data' and rows_flagged > 0 order by source_table")
    assert flagged == [("events", 1), ("shopping_carts", 1)]
    assert sample_build.query(
        "select count(*) from marts.data_quality_audit"
        " where step = 'timestamp_beyond_data' and rows_flagged > 0") == [(0,)]
