"""``generate``: the whole run, step by step, from the seed to the nine files."""

import os

import numpy as np

from .calendar import Calendar
from .carts import make_carts
from .commerce import build_commerce
from .customers import make_customers
from .events import event_batches, make_events
from .options import MESS, product_count, validate_arguments
from .products import make_products
from .schema import TABLE_COLUMNS
from .writers import to_arrow, write_events, write_events_daily, write_table


def generate(out_dir: str, customers: int, events: int, seed: int, messiness: str = "light",
             fmt: str = "csv", start_date: str = "2024-01-01", days: int = 365,
             daily_files: bool = False) -> dict[str, int]:
    """Generate the nine raw tables into ``out_dir``.

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

    Returns the number of data rows written per table.
    """
    start = validate_arguments(customers, events, seed, messiness, fmt, start_date, days)
    mess = MESS[messiness]
    cal = Calendar(start, days)
    # independent child streams, so that the commerce tables do not depend on ``events``
    r_prod, r_cus, r_cart, r_c, r_o, r_r, r_ev = np.random.default_rng(seed).spawn(7)
    prod = make_products(r_prod, product_count(customers))
    cus = make_customers(r_cus, customers, cal, mess)
    carts = make_carts(r_cart, cus, prod, cal, mess)
    tables, lines, orders = build_commerce((r_c, r_o, r_r), cus, prod, carts, cal, mess)

    os.makedirs(out_dir, exist_ok=True)
    counts: dict[str, int] = {}
    for name in TABLE_COLUMNS:
        if name == "events":
            continue
        table = to_arrow(name, tables[name])
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
