"""Print a short summary of the headline numbers of a build.

Usage: python scripts/summary.py [--db PATH]   (default: $DUCKDB_PATH or
warehouse/ecommerce_behavior.duckdb). Reads the marts that exist; a family
that was switched off is simply not shown.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

# (mart, [(column, label, format)]) shown when the mart exists
HEADLINES = [
    (
        "cart_kpis",
        "Carts",
        [
            ("as_of", "as of", "{}"),
            ("carts", "carts", "{:,}"),
            ("conversion_rate", "conversion rate", "{:.1%}"),
            ("abandonment_rate", "abandonment rate", "{:.1%}"),
            ("abandoned_value", "value left in abandoned carts", "{:,.2f}"),
            ("reengagement_rate", "abandoners who ordered within the window", "{:.1%}"),
            ("median_hours_to_order", "median hours from cart to order", "{:.1f}"),
        ],
    ),
    (
        "customer_kpis",
        "Customers",
        [
            ("customers", "customers", "{:,}"),
            ("buyers", "buyers", "{:,}"),
            ("repeat_purchase_rate", "repeat purchase rate", "{:.1%}"),
            ("aov", "average order value", "{:,.2f}"),
            ("top_revenue_customer_share", "share of customers making the top revenue", "{:.1%}"),
        ],
    ),
    (
        "funnel_kpis",
        "Clickstream funnel",
        [
            ("total_users", "users", "{:,}"),
            ("total_sessions", "sessions", "{:,}"),
            ("view_to_cart_user_rate", "viewers who carted", "{:.1%}"),
            ("cart_to_purchase_user_rate", "cart users who purchased (open)", "{:.1%}"),
            ("strict_cart_to_purchase_rate", "cart users who purchased (strict)", "{:.1%}"),
            ("revenue", "revenue", "{:,.2f}"),
        ],
    ),
]


def format_value(value, pattern: str) -> str:
    if value is None:
        return "n/a"
    try:
        return pattern.format(value)
    except (TypeError, ValueError):
        return str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        default=os.environ.get("DUCKDB_PATH", "warehouse/ecommerce_behavior.duckdb"),
        help="DuckDB file of the build",
    )
    args = parser.parse_args()
    db_path = Path(args.db)
    if not db_path.exists():
        print(f"summary: no database at {db_path}: run `make build` first.", file=sys.stderr)
        return 1

    with duckdb.connect(str(db_path), read_only=True) as con:
        marts = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        print(f"ecommerce_behavior: summary of {db_path}")
        if "data_quality_audit" in marts:
            print("\nData quality (rows read -> kept, quarantined):")
            rows = con.execute(
                """
                select
                    source_table,
                    sum(case when step_type = 'read' then rows_in end) as rows_read,
                    sum(case when step_type = 'kept' then rows_out end) as rows_kept,
                    sum(rows_removed) as rows_removed
                from marts.data_quality_audit
                group by source_table
                order by source_table
                """
            ).fetchall()
            for table, read, kept, removed in rows:
                print(f"  {table:<16} {read:>10,} -> {kept:>10,} kept, {removed:>8,} quarantined")
        for mart, title, columns in HEADLINES:
            if mart not in marts:
                continue
            values = con.execute(
                f"select {', '.join(c for c, _, _ in columns)} from marts.{mart}"
            ).fetchone()
            print(f"\n{title}:")
            for (_column, label, pattern), value in zip(columns, values, strict=True):
                print(f"  {label:<44} {format_value(value, pattern)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
