"""The benchmark's floor: the clickstream headline outputs in one hand-written DuckDB script.

What a DuckDB expert would write by hand for the same results as the clickstream
family of the project (clean events, sessions, user funnel open and strict,
product performance, KPIs), with no dbt, no tests and no intermediate tables kept:
the lower bound the project's build is measured against.

Usage: python scripts/bench_floor.py --raw-path DIR [--db FILE] [--session-timeout-minutes 30]
Prints the funnel KPIs as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import duckdb

SQL = """
create or replace temp table clean_events as
with raw as (
    select * from {reader}
),
typed as (
    select
        try_cast(replace(regexp_replace(trim(event_time), ' ?UTC$', ''), 'T', ' ')
            as timestamp) as event_time,
        lower(trim(event_type)) as event_type,
        try_cast(trim(product_id) as bigint) as product_id,
        nullif(lower(trim(brand)), '') as brand,
        nullif(lower(trim(category_code)), '') as category_code,
        try_cast(trim(price) as decimal(18, 4)) as price,
        try_cast(trim(user_id) as bigint) as user_id,
        nullif(trim(user_session), '') as user_session
    from (select distinct * from raw)
)
select
    *,
    epoch_us(event_time) * 10 + case event_type
        when 'view' then 1 when 'cart' then 2 when 'remove_from_cart' then 3 else 4
    end as order_key
from typed
where price > 0 and event_time is not null and user_id is not null
    and product_id is not null
    and event_type in ('view', 'cart', 'purchase', 'remove_from_cart');

create or replace temp table sessionized as
with gaps as (
    select *,
        case when user_session is null and (
            lag(event_time) over (partition by user_id, user_session is null
                                  order by event_time) is null
            or event_time - lag(event_time) over (
                partition by user_id, user_session is null order by event_time)
               > interval {timeout} minute)
        then 1 else 0 end as new_session
    from clean_events
)
select *,
    case when user_session is not null then user_id::varchar || '|' || user_session
    else user_id::varchar || '|#' || sum(new_session) over (
        partition by user_id, user_session is null order by event_time
        rows between unbounded preceding and current row)::varchar
    end as session_key
from gaps;

create or replace temp table users as
with firsts as (
    select user_id,
        min(order_key) filter (where event_type = 'view') as first_view,
        count(*) filter (where event_type = 'view') as views,
        count(*) filter (where event_type = 'cart') as carts,
        count(*) filter (where event_type = 'purchase') as purchases,
        sum(price) filter (where event_type = 'purchase') as revenue,
        max(order_key) filter (where event_type = 'purchase') as last_purchase
    from sessionized group by user_id
),
strict_carts as (
    select s.user_id, min(s.order_key) as first_strict_cart
    from sessionized s join firsts f using (user_id)
    where s.event_type = 'cart' and s.order_key > f.first_view
    group by s.user_id
)
select firsts.*, strict_carts.first_strict_cart is not null as strict_cart,
    coalesce(last_purchase > first_strict_cart, false) as strict_purchase
from firsts left join strict_carts using (user_id);

create or replace temp table product_performance as
select product_id,
    count(*) filter (where event_type = 'view') as views,
    count(*) filter (where event_type = 'cart') as carts,
    count(*) filter (where event_type = 'purchase') as purchases,
    coalesce(sum(price) filter (where event_type = 'purchase'), 0) as revenue
from sessionized group by product_id;
"""

KPIS = """
select
    (select count(*) from users) as total_users,
    (select count(distinct session_key) from sessionized) as total_sessions,
    (select sum(views) from users) as view_events,
    (select sum(carts) from users) as cart_events,
    (select sum(purchases) from users) as purchase_events,
    (select sum(revenue) from users) as revenue,
    (select count(*) filter (where views > 0) from users) as viewers,
    (select count(*) filter (where carts > 0) from users) as cart_users,
    (select count(*) filter (where purchases > 0) from users) as purchasers,
    (select count(*) filter (where strict_cart) from users) as strict_cart_users,
    (select count(*) filter (where strict_purchase) from users) as strict_purchasers,
    (select count(*) from product_performance) as products
"""


def sql_text(path: Path) -> str:
    """A path as an SQL string literal (a quote in it is doubled, never ends the string)."""
    return "'" + str(path).replace("'", "''") + "'"


def reader_for(raw_path: Path) -> str:
    parquet, csv = raw_path / "events.parquet", raw_path / "events.csv"
    if parquet.exists():
        return f"read_parquet({sql_text(parquet)})"
    if csv.exists():
        return f"read_csv({sql_text(csv)}, header = true, all_varchar = true)"
    raise SystemExit(f"bench_floor: no events.parquet or events.csv in {raw_path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-path", required=True, type=Path)
    parser.add_argument("--db", default=":memory:")
    parser.add_argument("--session-timeout-minutes", type=int, default=30)
    args = parser.parse_args()
    # the same resources as the dbt build (profiles.yml): memory cap and spill directory
    con = duckdb.connect(args.db, config={
        "memory_limit": os.environ.get("DUCKDB_MEMORY_LIMIT", "50%"),
        "temp_directory": os.environ.get("DUCKDB_TEMP_DIRECTORY", "warehouse/duckdb_tmp"),
        "preserve_insertion_order": False,
    })
    con.execute(SQL.format(reader=reader_for(args.raw_path), timeout=args.session_timeout_minutes))
    names = [d[0] for d in con.execute(KPIS).description]
    row = con.execute(KPIS).fetchone()
    print(json.dumps({k: (float(v) if v is not None else None)
                      for k, v in zip(names, row, strict=True)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
