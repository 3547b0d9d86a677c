"""Generator options: the command-line parser, argument validation, sizes and messiness.

``MESS`` maps each messiness level to a ``Mess`` record of per-row quirk probabilities; the
table of rates is documented under *Messiness* in ``scripts/generate_data.py``.
"""

import argparse
import datetime as dt
from dataclasses import dataclass

import numpy as np

from .common import REGISTERED_BASE, REGISTERED_LIMIT

MESSINESS_LEVELS = ("none", "light", "heavy")
FORMATS = ("csv", "parquet")
MAX_DAYS = 3650
GUEST_SHARE = 0.4               # share of customers that are guests


def guest_count(customers: int) -> int:
    """Number of guest customers among ``customers``."""
    return int(round(GUEST_SHARE * customers))


def product_count(customers: int) -> int:
    """Size of the product catalog for ``customers`` customers."""
    return max(50, int(round(1.3 * customers)))


@dataclass(frozen=True)
class Mess:
    """Per-row probabilities of every quirk for one messiness level."""

    status_noise: float = 0.0
    text_noise: float = 0.0
    blank_ts: float = 0.0
    dup_cart_items: float = 0.0
    before_signup: float = 0.0
    blank_bool: float = 0.0
    guest_age_nan: float = 0.0
    not_enrolled: float = 0.0
    blank_agent: float = 0.0
    order_date_space: float = 0.0
    double_month: bool = False
    dup_events: float = 0.0
    bad_price: float = 0.0
    empty_brand: float = 0.0
    empty_code: float = 0.0
    empty_session: float = 0.0
    shared_session: float = 0.0
    # marketing (marketing.py): utm spellings and stray tags of orders, spend-row quirks
    utm_case_noise: float = 0.0         # utm values with case / padding variants
    utm_separator_noise: float = 0.0    # utm values with the other separator (_ <-> -)
    utm_unknown: float = 0.0            # share of orders with a utm value of no campaign
    clicks_over_impressions: float = 0.0    # spend rows with clicks > impressions
    dup_spend_rows: float = 0.0         # exact duplicate spend rows
    spend_currency: float = 0.0         # spend written with a currency sign (``$12.50``)
    blank_spend_campaign: float = 0.0   # spend rows with a blank campaign_id
    negative_spend: float = 0.0         # spend rows with a negative spend (a credit)
    unknown_order_campaign: float = 0.0  # share of campaign_id tags naming no campaign
    broken_campaigns: bool = False      # end before start, duplicate id, unreadable budget,
                                        # spend rows of a deleted campaign

    @property
    def messy(self) -> bool:
        """True for the messy levels: rare quirks then occur at least once per table."""
        return self.status_noise > 0


MESS = {
    "none": Mess(),
    "light": Mess(status_noise=0.20, text_noise=0.10, blank_ts=0.03, dup_cart_items=0.005,
                  before_signup=0.02, blank_bool=0.01, guest_age_nan=0.5, not_enrolled=0.12,
                  blank_agent=0.05, dup_events=0.0007, bad_price=0.0005, empty_brand=0.24,
                  empty_code=0.27, empty_session=0.0002, shared_session=0.0004,
                  utm_case_noise=0.10, utm_separator_noise=0.05, utm_unknown=0.005,
                  clicks_over_impressions=0.005, dup_spend_rows=0.003, spend_currency=0.02),
    "heavy": Mess(status_noise=0.45, text_noise=0.25, blank_ts=0.08, dup_cart_items=0.015,
                  before_signup=0.03, blank_bool=0.03, guest_age_nan=0.5, not_enrolled=0.18,
                  blank_agent=0.10, order_date_space=0.15, double_month=True, dup_events=0.003,
                  bad_price=0.002, empty_brand=0.30, empty_code=0.33, empty_session=0.001,
                  shared_session=0.002, utm_case_noise=0.25, utm_separator_noise=0.10,
                  utm_unknown=0.015, clicks_over_impressions=0.015, dup_spend_rows=0.01,
                  spend_currency=0.05, blank_spend_campaign=0.01, negative_spend=0.005,
                  unknown_order_campaign=0.02, broken_campaigns=True),
}


def validate_arguments(customers, events, seed, messiness, fmt, start_date, days) -> dt.date:
    """Check arguments; return the parsed start date. Raises ValueError with a clear message."""
    for name, v in (("customers", customers), ("events", events), ("seed", seed), ("days", days)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must be an integer, got {v!r}")
    if customers < 1:
        raise ValueError("customers must be >= 1")
    n_reg = customers - guest_count(customers)
    if REGISTERED_BASE + n_reg > REGISTERED_LIMIT:
        raise ValueError(f"customers must be <= {int((REGISTERED_LIMIT - REGISTERED_BASE) / 0.6)} "
                         "(registered ids CUST-<n> must stay below 100000)")
    if events < 0:
        raise ValueError("events must be >= 0")
    if seed < 0:
        raise ValueError("seed must be >= 0")
    if messiness not in MESSINESS_LEVELS:
        raise ValueError(f"messiness must be one of {', '.join(MESSINESS_LEVELS)}")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    return parse_start_date(start_date)


def parse_start_date(start_date) -> dt.date:
    """A ``date`` or ``YYYY-MM-DD`` text -> ``date`` within 1990-01-01 .. 2100-01-01."""
    try:
        start = (start_date if isinstance(start_date, dt.date)
                 else dt.date.fromisoformat(str(start_date)))
    except ValueError:
        raise ValueError(f"start date must be YYYY-MM-DD, got {start_date!r}") from None
    if not dt.date(1990, 1, 1) <= start <= dt.date(2100, 1, 1):
        raise ValueError("start date must be between 1990-01-01 and 2100-01-01")
    return start


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of ``scripts/generate_data.py``."""
    p = argparse.ArgumentParser(
        description="Generate the raw e-commerce tables (ecom_retailer_v3 + REES46 events).")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--customers", required=True, type=int, help="number of customers")
    p.add_argument("--events", required=True, type=int, help="exact number of event rows")
    p.add_argument("--seed", required=True, type=int, help="random seed (>= 0)")
    p.add_argument("--messiness", required=True, choices=MESSINESS_LEVELS)
    p.add_argument("--format", dest="fmt", default="csv", choices=FORMATS)
    p.add_argument("--start-date", default="2024-01-01", help="YYYY-MM-DD (default 2024-01-01)")
    p.add_argument("--days", type=int, default=365, help="window length in days (default 365)")
    p.add_argument("--daily-files", action="store_true",
                   help="write the events as one file per day in the folder <out>/events/"
                        " (<YYYY-MM-DD>.csv or .parquet) instead of one file <out>/events.csv")
    p.add_argument("--no-marketing", dest="marketing", action="store_false",
                   help="an older shop's export: write no campaigns / campaign_spend files"
                        " and no campaign_id / utm_campaign columns in orders")
    return p
