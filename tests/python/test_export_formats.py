"""Numbers, times and missing values as shops' exports write them (issue 27): the same data
in another export format must publish the same marts as the clean file.

- A European spreadsheet export: `;` between columns, a decimal comma and `.` grouping
  thousands in every amount (`1.725,64`), `67,0` for a whole number (DECISIONLOG E1).
- Amounts with a currency marker (`$28.01`, `28.01 USD`, `€`, `£`) and `,` grouping thousands
  (`1,725.64`); before, every cart line was quarantined and every order of 1,000 or more.
- Times as seconds, milliseconds or microseconds since the epoch (E2); before, every event
  was quarantined and the funnel published 0 users.
- Missing values written `NULL`, `null`, `N/A`, `n/a`, `\\N`, `None` (E3); before, `null` and
  `n/a` became brands and a cart with `updated_at` = `NULL` was quarantined.
- Product ids written as alphanumeric SKUs (`SKU-00123`), the same in every file (E12);
  before, every product, cart, order and return line was quarantined.
- A number that reads two ways (`1,234`) in a file whose money values do not show the decimal
  separator stops the run with a message naming the file, the column, the value and the var
  raw_decimal_separator; with the var set, it is read.

The committed sample is rewritten (conftest.copy_sample_as_raw_files; the formats in
tests/export_formats.py) with every format at once, each table in one of the two number
formats (the decimal separator is decided per table), built in full (every data test, the
audit balance included) and compared with the build of the sample itself
(conftest.mart_differences); one build for all keeps the suite short, and each test names
what it checks. The edge cases of each rule are dbt unit tests beside the staging models.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from export_formats import (
    MONEY_COLUMNS,
    TIMESTAMPS,
    epoch,
    european,
    null_token,
    rewrite,
    sku,
    with_currency,
)

from conftest import (
    ALL_TABLES,
    copy_sample_as_raw_files,
    mart_differences,
    run_dbt,
)
from reference.common import RAW_COLUMNS


def build_of(raw: Path, workdir: Path, **dbt_vars):
    """dbt build of a raw folder: every model and data test (the audit balance,
    assert_audit_balances, included); the unit tests, whose input is fixed, run in the
    plain `dbt build` of `make test`."""
    build = run_dbt(["build", "--exclude-resource-type", "unit_test"], workdir,
                    {"raw_path": str(raw), **dbt_vars})
    assert build.success
    return build


@pytest.fixture(scope="module")
def clean_build(sample_build):
    """The committed sample as it is: the session's build of it (conftest.sample_build; read
    as seeds, which give the marts of its files: tests/spark checks that on both engines)."""
    return sample_build


PRODUCT_MARTS = ["abandoned_products", "abandoned_products_v2", "product_performance",
                 "product_performance_v2"]
# a missing value the marts read, written as a null token (the sample's blanks there)
NULL_TOKEN_COLUMNS = {"events": ["brand", "category_code", "user_session"],
                      "shopping_carts": ["updated_at"], "cart_items": ["added_at"]}


# the tables written with a currency marker and `,` grouping thousands; the others are
# written as a European spreadsheet export (the decimal separator is decided per table)
CURRENCY_TABLES = ["shopping_carts", "cart_items", "order_items", "return_items"]


@pytest.fixture(scope="module")
def european_build(tmp_path_factory):
    """One export in every shop format at once (one build for all, to keep the suite short;
    each assertion below names the format it checks): customers, products, orders, returns
    and events as a European spreadsheet export (`;`, decimal commas, `.` grouping
    thousands), carts and the lines of carts, orders and returns with a currency marker
    (`$28.01`, `28.01 USD`, `€ 28.01`) and `,` grouping thousands (`1,725.64`); every time
    since the epoch (seconds, milliseconds or microseconds), every blank the marts read
    written as a null token (every spelling mixed in a column), every product id an
    alphanumeric SKU."""
    raw = copy_sample_as_raw_files(tmp_path_factory.mktemp("raw_european"))
    for table in ALL_TABLES:
        money = MONEY_COLUMNS.get(table, [])
        times = TIMESTAMPS.get(table, [])
        tokens = NULL_TOKEN_COLUMNS.get(table, [])
        currency = table in CURRENCY_TABLES

        def change(column, value, row, money=money, times=times, tokens=tokens,
                   currency=currency):
            if column in tokens and not value:
                return null_token(value, row)
            if column in times:
                return epoch(value, column)
            if column == "product_id":
                return sku(value)
            if column in money:
                return with_currency(value, column) if currency else european(value)
            return european(value) if column == "age" else value

        rewrite(raw, table, change, delimiter="," if currency else ";")
    return raw, build_of(raw, tmp_path_factory.mktemp("european_build"))


def test_the_formats_publish_the_marts_of_the_clean_file(european_build, clean_build):
    """Every mart is the clean file's, but for the two that publish product_id: they hold the
    same rows under the SKU (version 2) or a null id (version 1, whose product_id is a whole
    number). Before: every cart line and order quarantined (decimal commas, currency markers),
    every order of 1,000 or more (thousands separators), every event (epoch times), every
    product line (SKUs)."""
    raw, build = european_build
    header = (raw / "orders.csv").read_text().splitlines()[0]
    assert header.count(";") == len(RAW_COLUMNS["orders"]) - 1, header
    assert "$" in (raw / "cart_items.csv").read_text()
    assert "SKU-" in (raw / "cart_items.csv").read_text()
    differences = mart_differences(build, clean_build)
    # data_quality_raw_files lists the files, whose bytes differ by design; their rows do not
    assert set(differences) <= {*PRODUCT_MARTS, "data_quality_raw_files"}, differences
    rows_per_file = ("select source_table, raw_file, rows_read from marts.data_quality_raw_files"
                     " order by source_table")
    assert build.query(rows_per_file) == clean_build.query(rows_per_file)
    for mart in ("abandoned_products", "product_performance"):
        clean = clean_build.query(f"select * from marts.{mart}_v2 order by product_id")
        as_skus = sorted(((sku(row[0]), *row[1:]) for row in clean), key=lambda r: r[0])
        assert build.query(f"select * from marts.{mart}_v2 order by product_id") == as_skus
        assert build.query(f"select count(*), count(product_id) from marts.{mart}") == [
            (len(clean), 0)]
    assert build.query(
        "select count(*) from marts.data_quality_audit where step = 'invalid_product_id'"
        " and rows_removed > 0") == [(0,)]


def test_every_line_and_order_is_kept_and_read_exactly(european_build, clean_build):
    """The reviewer's numbers: no cart line or order quarantined for its amount, every order
    of 1,000 or more kept, the abandoned value and the revenue to the cent."""
    _, build = european_build
    checks = {
        "lines": "select count(*), sum(unit_price) from staging.valid_ecom__cart_items",
        "big orders": "select count(*), sum(net_total) from staging.valid_ecom__orders"
                      " where net_total >= 1000",
        "orders": "select count(*), sum(gross_total), sum(payment_processing_fee)"
                  " from staging.valid_ecom__orders",
        "kpis": "select abandoned_value, carts from marts.cart_kpis",
        "revenue": "select sum(revenue) from marts.customer_kpis",
        "events": "select count(*), sum(price) from staging.valid_clickstream__events",
    }
    for name, sql in checks.items():
        assert build.query(sql) == clean_build.query(sql), name
    [(big_orders, _)] = build.query(checks["big orders"])
    assert big_orders > 0


def test_times_since_the_epoch_are_read_as_utc(european_build, clean_build):
    """Before: every event quarantined, a funnel of 0 users published."""
    raw, build = european_build
    assert (raw / "events.csv").read_text().splitlines()[1].split(";")[0].isdigit()
    funnel = "select total_users, purchasers from marts.funnel_kpis"
    [(users, _)] = build.query(funnel)
    assert users > 0
    assert build.query(funnel) == clean_build.query(funnel)
    times = ("select min(created_at), max(updated_at), count(updated_at)"
             " from staging.valid_ecom__carts")
    assert build.query(times) == clean_build.query(times)


def test_null_tokens_are_missing_values(european_build, clean_build):
    """Before: `null` and `n/a` became brands, and a cart with updated_at `NULL` was
    quarantined."""
    raw, build = european_build
    assert "NULL" in (raw / "shopping_carts.csv").read_text()
    assert build.query(
        "select count(*) from marts.brand_performance where lower(brand) in"
        " ('null', 'n/a', 'none', '\\n')") == [(0,)]
    sql = ("select count(*) from staging.valid_ecom__carts where updated_at is null"
           " and is_updated_at_missing")
    [(kept,)] = build.query(sql)
    assert kept > 0
    assert build.query(sql) == clean_build.query(sql)
    assert build.query(
        "select count(*) from staging.quarantine_ecom__carts where dq_reason = 'invalid_updated_at'"
    ) == [(0,)]


# --------------------------------------------------------------------------------------------
# a number that reads two ways is never guessed
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def whole_totals(tmp_path_factory) -> Path:
    """Carts whose totals are all whole numbers, one of them `1,234`: the file's money values
    do not show its decimal separator, and `1,234` is 1234 or 1.234."""
    raw = copy_sample_as_raw_files(tmp_path_factory.mktemp("raw_whole_totals"))
    seen = []

    def whole(column: str, value: str, _: dict) -> str:
        if column != "cart_total" or not value:
            return value
        seen.append(value)
        return "1,234" if len(seen) == 1 else str(int(Decimal(value)))

    rewrite(raw, "shopping_carts", whole)
    return raw


def test_a_number_that_reads_two_ways_stops_the_run_with_a_message(whole_totals, tmp_path):
    result = run_dbt(["build", "--select", "+stg_ecom__carts", "--exclude-resource-type",
                      "unit_test"], tmp_path,
                     {"raw_path": str(whole_totals), "enable_events": False})
    output = result.output
    assert not result.success
    assert "column cart_total of" in output
    assert "shopping_carts.csv" in output
    assert "'1,234'" in output
    assert "raw_decimal_separator" in output


def test_the_var_reads_a_number_that_reads_two_ways(whole_totals, tmp_path):
    build = run_dbt(["build", "--select", "+stg_ecom__carts", "--exclude-resource-type",
                     "unit_test"], tmp_path,
                    {"raw_path": str(whole_totals), "enable_events": False,
                     "raw_decimal_separator": "."})
    assert build.success
    assert build.query(
        "select count(*) from staging.stg_ecom__carts where cart_total = 1234") == [(1,)]
