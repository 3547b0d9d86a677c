"""Shops' export formats, written from a clean raw file (issue 27): a European spreadsheet
export (`;`, decimal commas, `.` grouping thousands), currency markers and thousands
separators, times since the epoch, null tokens and alphanumeric product ids. Used by
tests/python/test_export_formats.py (each format against the clean file's marts) and
tests/spark/test_spark_parity.py (the formats read the same on Spark); importable from both
test folders, like dbt_invocation.py.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

# The money columns of each raw file (docs/raw_data.md), read as exact decimals.
MONEY_COLUMNS = {
    "product_catalog": ["unit_price", "cost_price"],
    "shopping_carts": ["cart_total"],
    "cart_items": ["unit_price"],
    "orders": ["gross_total", "net_total", "total_discount_amount", "shipping_cost",
               "actual_shipping_cost", "payment_processing_fee"],
    "order_items": ["unit_price", "discount_amount", "cost_price"],
    "returns": ["refunded_amount"],
    "return_items": ["unit_price", "cost_price", "refunded_amount"],
    "events": ["price"],
}

# the timestamp columns of the raw contract (docs/raw_data.md)
TIMESTAMPS = {
    "shopping_carts": ["created_at", "updated_at"],
    "cart_items": ["added_at"],
    "orders": ["order_date"],
    "events": ["event_time"],
}
NULL_TOKENS = ["NULL", "null", "N/A", "n/a", "\\N", "None"]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def rewrite(folder: Path, table: str, change: Callable[[str, str, dict], str],
            delimiter: str = ",") -> None:
    """Rewrite <folder>/<table>.csv with every value replaced by change(column, value, row)
    (row: the raw row as a dict), and `delimiter` between columns."""
    path = folder / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
        header = list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([change(column, row[column], row) for column in header])


def grouped(digits: str, separator: str) -> str:
    """1725 -> 1,725 (separator ',') or 1.725 ('.')."""
    groups = []
    while len(digits) > 3:
        digits, groups = digits[:-3], [digits[-3:], *groups]
    return separator.join([digits, *groups])


def european(value: str) -> str:
    """1725.64 -> 1.725,64; 67.0 -> 67,0; blank stays blank."""
    if not value:
        return value
    sign, value = ("-", value[1:]) if value.startswith("-") else ("", value)
    whole, _, decimals = value.partition(".")
    return sign + grouped(whole, ".") + ("," + decimals if decimals else "")


def with_currency(value: str, column: str) -> str:
    """1725.64 -> $1,725.64, 1,725.64 USD or € 1,725.64 (by column), -5.0 -> -$5.0."""
    if not value:
        return value
    sign, value = ("-", value[1:]) if value.startswith("-") else ("", value)
    whole, _, decimals = value.partition(".")
    amount = grouped(whole, ",") + ("." + decimals if decimals else "")
    style = sum(map(ord, column)) % 3
    return [f"{sign}${amount}", f"{sign}{amount} USD", f"€ {sign}{amount}"][style]


def epoch(value: str, column: str) -> str:
    """A raw UTC time as seconds (with microseconds), milliseconds or microseconds since
    the epoch, by column; exactly the same instant."""
    if not value:
        return value
    moment = datetime.fromisoformat(value.replace(" UTC", "").replace(" ", "T"))
    seconds = (moment.replace(tzinfo=UTC) - EPOCH) // timedelta(seconds=1)
    micros = seconds * 1_000_000 + moment.microsecond
    if column == "event_time":  # whole seconds: as seconds on odd seconds, else milliseconds
        return str(seconds) if seconds % 2 else str(micros // 1000)
    if column in ("created_at", "order_date"):
        return f"{seconds}.{moment.microsecond:06d}"
    return str(micros)

def sku(value: str) -> str:
    """12 -> SKU-00012 (blank and non-numbers as they are): the same product in every file."""
    return f"SKU-{int(value):05d}" if value.strip().isdigit() else value


PRODUCT_ID_TABLES = ["product_catalog", "cart_items", "order_items", "return_items", "events"]
COMMERCE_TABLES = ["customers", "product_catalog", "shopping_carts", "cart_items", "orders",
                   "order_items", "returns", "return_items"]


def null_token(value: str, row: dict) -> str:
    """A blank written as one of NULL_TOKENS, chosen by the row's values but its event time (so
    exact copies stay exact copies, and events that differ only by their time, near-duplicates,
    stay so); a value as it is."""
    if value:
        return value
    written = "".join(v for column, v in row.items() if column != "event_time")
    return NULL_TOKENS[sum(map(ord, written)) % len(NULL_TOKENS)]


def write_every_format(raw: Path) -> None:
    """Every format at once, over the raw files of a folder: the commerce files as a European
    export (`;`, decimal commas, `.` grouping thousands), the events with currency markers,
    times in seconds or milliseconds since the epoch and null tokens for a missing brand,
    category or session; product ids as SKUs everywhere. The same data as before, written
    otherwise."""
    for table in COMMERCE_TABLES:
        money = MONEY_COLUMNS.get(table, [])

        def commerce(column, value, _, money=money):
            if column == "product_id":
                return sku(value)
            return european(value) if column in money or column == "age" else value

        rewrite(raw, table, commerce, delimiter=";")

    def events(column, value, row):
        if column == "product_id":
            return sku(value)
        if column == "price":
            return with_currency(value, column)
        if column == "event_time":
            return epoch(value, column)
        if column in ("brand", "category_code", "user_session"):
            return null_token(value, row)
        return value

    rewrite(raw, "events", events)

