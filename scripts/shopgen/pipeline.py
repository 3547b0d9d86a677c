"""``generate``: the whole run, step by step, from the seed to the raw files."""

import os

import numpy as np

from .calendar import Calendar
from .carts import make_carts
from .commerce import build_commerce
from .customers import make_customers
from .events import event_batches, make_events
from .marketing import make_marketing
from .options import MESS, product_count, validate_arguments
from .products import make_products
from .schema import written_columns, written_tables
from .writers import to_arrow, write_events, write_events_daily, write_table


def generate(out_dir: str, customers: int, events: int, seed: int, messiness: str = "light",
             fmt: str = "csv", start_date: str = "2024-01-01", days: int = 365,
             daily_files: bool = False, marketing: bool = True) -> dict[str, int]:
    """Generate the raw tables into ``out_dir``: the nine commerce and event tables, and
    the marketing family unless ``marketing`` is false.

    Parameters
    ----------
    out_dir: directory to write (created if missing); files ``<table>.csv`` or ``.parquet``.
    customers: number of customers (about 40 % guests).
    events: exact number of clickstream rows.
    seed: seed of ``numpy.random.default_rng``; same arguments give byte-identical files.
    messiness: ``none`` | ``light`` | ``heavy`` (see ``scripts/generate_data.py``).
    fmt: ``csv`` | ``parquet``.
    start_date: first day of the window (``YYYY-MM-DD``); the window lasts ``days`` days.
    daily_files: write the events as one file per day in ``out_dir/events/`` (a table
    delivered as a folder of files, docs/raw_data.md) instead of ``events.<fmt>``.
    marketing: write ``campaigns`` and ``campaign_spend`` and the orders' campaign tags
    (``campaign_id``, ``utm_campaign``); false gives an older shop's export without them,
    whose files are byte-identical to the same files of a run with marketing.

    Returns the number of data rows written per table.
    """
    start = validate_arguments(customers, events, seed, messiness, fmt, start_date, days)
    mess = MESS[messiness]
    cal = Calendar(start, days)
    # independent child streams, so that the commerce tables do not depend on ``events`` and
    # no table but the marketing ones (and the orders' tags) depends on ``marketing``;
    # children are keyed by their index, so adding the eighth left the first seven unchanged
    r_prod, r_cus, r_cart, r_c, r_o, r_r, r_ev, r_mkt = np.random.default_rng(seed).spawn(8)
    prod = make_products(r_prod, product_count(customers))
    cus = make_customers(r_cus, customers, cal, mess)
    carts = make_carts(r_cart, cus, prod, cal, mess)
    tables, lines, orders = build_commerce((r_c, r_o, r_r), cus, prod, carts, cal, mess)
    if marketing:
        tables["campaigns"], tables["campaign_spend"], tags = make_marketing(
            r_mkt, customers, orders, cal, mess)
        tables["orders"].update(tags)

    os.makedirs(out_dir, exist_ok=True)
    counts: dict[str, int] = {}
    for name in written_tables(marketing):
        if name == "events":
            continue
        table = to_arrow(name, tables[name], written_columns(name, marketing))
        write_table(table, os.path.join(out_dir, f"{name}.{fmt}"), fmt)
        counts[name] = table.num_rows
    del tables, table
    ev = make_events(r_ev, events, cus, prod, carts, lines, orders, cal, mess)
    if daily_files:
        counts["events"] = write_events_daily(event_batches(ev, prod, cal),
                                              os.path.join(out_dir, "events"), fmt)
    else:
        counts["events"] = write_events(event_batches(ev, prod, cal),
                                        os.path.join(out_dir, f"events.{fmt}"), fmt)
    return counts
