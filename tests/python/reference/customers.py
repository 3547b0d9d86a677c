"""Independent pandas reference for the customer marts (differential test oracle).

It reads the RAW commerce files (CSV, every column as text) and recomputes, from the business
rules of the mart interface (docs/overview.md) with the default vars, what the customer
marts should hold: dim_customers, rfm_segments, customer_cohort_retention, customer_kpis,
discount_repeat_purchase, discount_repeat_purchase_monthly, discount_sales_monthly and
customer_value_bands.
It never reads a dbt table, so a comparison with the marts is an independent check of the SQL.

The cart side (kept carts, their outcomes and their one-to-one order matches, and `as_of`) comes
from the cart reference (reference/carts.py), which is itself independent of dbt.

Rules (the project's defaults: rfm_bins 5, active_within_days 14, inactive_after_days 56,
top_revenue_share 0.50):
  cleaning: orders and carts exactly as reference/carts.py. customers: drop exact duplicate
  rows, a blank customer_id, a duplicate customer_id (the first row by its raw values, in
  contract column order, is kept), a non-blank signup_date that is not a timestamp / date, a
  non-blank loyalty_enrollment_date that is not a valid YYYY-MM-DD date, a non-blank age (`nan`,
  any case, is blank) that is not a number, a non-blank is_guest / email_verified /
  marketing_opt_in outside true/false/t/f/1/0/yes/no (any case, padding ignored).
  customers of dim_customers: every kept customer, plus every customer_id of a kept order or
  cart that is not a kept customer (is_known_customer false). is_guest: the parsed flag, else
  (blank, or not a kept customer) customer_id starts with `GUEST-`.
  per customer: orders, lifetime_revenue = sum(net_total) (0 without orders), first / last
  ordered_at, aov = revenue / orders, avg_days_between_orders = (last - first) / (orders - 1)
  in days (orders >= 2), recency_days = as_of - last_ordered_at in days (float).
  RFM over buyers only, SQL ntile(5) (group sizes differ by at most 1, the first groups larger):
  r by recency_days desc, f by orders asc, m by lifetime_revenue asc, ties by customer_id asc
  (5 = best); fm = floor((f + m) / 2 + 0.5); segment = SEGMENT_GRID[r][fm].
  activity: recency <= 14 active, <= 56 at_risk, else inactive; never_ordered without orders.
  top revenue: buyers by revenue desc, customer_id asc; top while the revenue BEFORE the
  customer is < 50 % of all revenue (the shortest prefix reaching 50 %).
  cohorts: calendar month of the first order; a row for every month offset 0 .. as_of's month.
  value bands: age (`25.0` is 25; `nan`/blank, or no kept customer row: unknown) banded by
  the edges 25, 35, 45, 55, 65 (`<25`, `25-34`, ..., `65+`); order value bucket by average
  order value (< 50 low, < 200 medium, else high; no_orders); average days between orders
  < 30 under_30, <= 60 30-60, else over_60, single_order, no_orders.
  discounts: a buyer's first order is the earliest order_date, ties by the smallest order_id;
  it is discounted when total_discount_amount > 0 (blank = none); buyers grouped by that flag
  (and by the first order's month): buyers, repeat buyers (2+ orders), orders, revenue.
  discount sales: every kept order by the calendar month of its order_date and whether it
  was discounted (the same rule); both kinds for every month with an order: orders, buyers,
  gross_total, total_discount_amount (blank = 0) and net_total summed, their shares of the
  month.

Money is summed exactly (integer units of 0.0001, the project's decimal(18,4) scale) and
reported as float; ranks and the top-revenue prefix use the exact sums.

Usage::

    from reference.customers import compute
    ref = compute("/path/to/raw_dir")
    ref.dim_customers             # one row per customer (the columns of marts.dim_customers)
    ref.rfm_segments              # one row per rfm_segment present among buyers
    ref.cohort_retention          # one row per (cohort_month, months_since_first_order)
    ref.kpis                      # dict, one row of customer_kpis
    ref.discount_repeat           # discount_repeat_purchase (one row per first_order_discounted)
    ref.discount_repeat_monthly   # discount_repeat_purchase_monthly
    ref.discount_sales_monthly    # discount_sales_monthly
    ref.value_bands               # customer_value_bands

Run as a script to print the kpis of one or more raw folders::

    python tests/python/reference/customers.py DIR [DIR ...]
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):  # run as a script: make `reference` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reference.carts import CartReference
from reference.carts import compute as compute_carts
from reference.common import (
    NUMERIC_RE,
    RAW_COLUMNS,
    US_PER_DAY,
    Rules,
    days,
    drop_exact_duplicates,
    keep_smallest_per_key,
    label,
    rate,
    read_raw,
    text,
    timestamp,
)

TRUE_VALUES = {"true", "t", "1", "yes"}
FALSE_VALUES = {"false", "f", "0", "no"}
BOOLEAN_COLUMNS = ["is_guest", "email_verified", "marketing_opt_in"]

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNITS = 10_000  # money units per currency unit: decimal(18,4)

# rfm_segment by r_score (rows) and fm_score (columns 1..5)
SEGMENT_GRID = {
    5: ["new_customers", "promising", "potential_loyalists", "champions", "champions"],
    4: ["promising", "promising", "potential_loyalists", "loyal", "champions"],
    3: ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],
    2: ["hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose_them"],
    1: ["lost", "hibernating", "at_risk", "at_risk", "cannot_lose_them"],
}


# --------------------------------------------------------------------------------------------
# cleaning
# --------------------------------------------------------------------------------------------

def boolean(s: pd.Series) -> pd.Series:
    """true/false/t/f/1/0/yes/no (any case, padded) -> True/False; blank or other -> None."""
    return label(s).map(lambda v: True if v in TRUE_VALUES
                        else False if v in FALSE_VALUES else None)


def clean_customers(raw: pd.DataFrame) -> pd.DataFrame:
    raw = drop_exact_duplicates(raw)
    df = pd.DataFrame(index=raw.index)
    df["customer_id"] = text(raw["customer_id"])
    df["signup_date"] = timestamp(raw["signup_date"]).dt.normalize()
    for col in ("signup_channel", "loyalty_tier", "clv_bucket"):
        df[col] = label(raw[col])
    for col in BOOLEAN_COLUMNS:
        df[col] = boolean(raw[col])

    signup_ok = text(raw["signup_date"]).isna() | df["signup_date"].notna()
    enrol = text(raw["loyalty_enrollment_date"])
    enrol_date = pd.to_datetime(enrol.where(enrol.notna(), None), format="%Y-%m-%d",
                                errors="coerce")
    enrol_ok = enrol.isna() | (enrol.map(lambda v: isinstance(v, str) and bool(_DATE_RE.match(v)))
                               & enrol_date.notna())
    age = text(raw["age"])
    age = age.where(age.map(lambda v: not (isinstance(v, str) and v.lower() == "nan")), None)
    age_ok = age.isna() | age.map(lambda v: isinstance(v, str) and bool(NUMERIC_RE.match(v)))
    # `25.0` is 25 (float text); a fractional age is not a whole number: no age
    df["age"] = [int(float(v)) if ok and v is not None and float(v).is_integer() else None
                 for v, ok in zip(age, age_ok, strict=True)]
    bools_ok = pd.Series(True, index=raw.index)
    for col in BOOLEAN_COLUMNS:
        bools_ok &= text(raw[col]).isna() | df[col].notna()

    keep = (
        df["customer_id"].notna()
        & keep_smallest_per_key(raw, df["customer_id"], RAW_COLUMNS["customers"])
        & signup_ok
        & enrol_ok
        & age_ok
        & bools_ok
    ).astype(bool)
    return df[keep].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def _units(x: pd.Series) -> pd.Series:
    """Money -> exact integer units of 0.0001."""
    return np.round(x.astype(float) * _UNITS).astype("int64")


def ntile(n: int, bins: int) -> np.ndarray:
    """SQL ntile(bins) over n sorted rows: bucket 1..bins, sizes differ by at most one and the
    first (n mod bins) buckets hold the extra row."""
    base, extra = divmod(n, bins)
    sizes = [base + (1 if i < extra else 0) for i in range(bins)]
    return np.repeat(np.arange(1, bins + 1), sizes)


def score(frame: pd.DataFrame, by: str, ascending: bool, bins: int) -> pd.Series:
    """ntile over `frame` sorted by `by` (asc/desc), ties by customer_id ascending."""
    order = frame.sort_values([by, "customer_id"], ascending=[ascending, True],
                              kind="mergesort")
    return pd.Series(ntile(len(order), bins), index=order.index).reindex(frame.index)


def _month_index(ts: pd.Series) -> pd.Series:
    return ts.dt.year * 12 + ts.dt.month - 1


def _age_band(age, edges: tuple[int, ...]) -> tuple[str, int]:
    """(band, order): `<e0`, `e0-(e1-1)`, ..., `eN+`; `unknown` (last) without an age."""
    if age is None or pd.isna(age):
        return "unknown", len(edges) + 2
    for i, edge in enumerate(edges):
        if age < edge:
            return (f"<{edge}" if i == 0 else f"{edges[i - 1]}-{edge - 1}"), i + 1
    return f"{edges[-1]}+", len(edges) + 1


def value_bands(dim: pd.DataFrame, ages: pd.Series, rules: Rules) -> pd.DataFrame:
    """customer_value_bands: every customer in one band of each band type; customers, buyers,
    orders, revenue, revenue share within the band type."""
    d = dim.copy()
    age = d["customer_id"].map(ages)
    bands = [_age_band(a, rules.age_band_edges) for a in age]
    d["age_band"], d["age_band_order"] = [b for b, _ in bands], [o for _, o in bands]
    low, high = rules.order_value_low_max * _UNITS, rules.order_value_high_min * _UNITS
    per_order = d["revenue_units"] / d["orders"].where(d["orders"] > 0)
    d["order_value_bucket"] = np.select(
        [d["orders"] == 0, per_order < low, per_order < high],
        ["no_orders", "low", "medium"], "high")
    d["order_value_bucket_order"] = d["order_value_bucket"].map(
        {"low": 1, "medium": 2, "high": 3, "no_orders": 4})
    short, long_ = rules.purchase_interval_short_max_days, rules.purchase_interval_long_min_days
    gap = d["avg_days_between_orders"]
    d["purchase_interval_bucket"] = np.select(
        [d["orders"] == 0, d["orders"] == 1, gap < short, gap <= long_],
        ["no_orders", "single_order", f"under_{short:g}", f"{short:g}-{long_:g}"],
        f"over_{long_:g}")
    d["purchase_interval_bucket_order"] = d["purchase_interval_bucket"].map({
        "no_orders": 5, "single_order": 4, f"under_{short:g}": 1, f"{short:g}-{long_:g}": 2,
        f"over_{long_:g}": 3})
    total_units = int(d["revenue_units"].sum())
    rows = []
    for band_type in ("age_band", "order_value_bucket", "purchase_interval_bucket"):
        for (value, order), g in d.groupby([band_type, f"{band_type}_order"]):
            units = int(g["revenue_units"].sum())
            rows.append({
                "band_type": band_type, "band_value": value, "band_order": int(order),
                "customers": len(g), "buyers": int((g["orders"] > 0).sum()),
                "orders": int(g["orders"].sum()), "revenue": units / _UNITS,
                "revenue_share": rate(units, total_units),
            })
    return pd.DataFrame(rows, columns=["band_type", "band_value", "band_order", "customers",
                                       "buyers", "orders", "revenue", "revenue_share"])


def first_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """Per buyer, the first order: the earliest order_date, ties by the smallest order_id;
    with `first_order_discounted` (its total_discount_amount > 0; empty means none) and
    `first_order_month` (first day of its calendar month)."""
    first = orders.sort_values(["customer_id", "order_date", "order_id"],
                               kind="mergesort").drop_duplicates("customer_id")
    out = pd.DataFrame({
        "customer_id": first["customer_id"].to_numpy(),
        "first_order_id": first["order_id"].to_numpy(),
        "first_order_discounted": (first["total_discount_amount"].fillna(0) > 0).to_numpy(),
        "first_order_month": first["order_date"].dt.to_period("M").dt.to_timestamp().to_numpy(),
    })
    return out.reset_index(drop=True)


def repeat_purchase_groups(buyers: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of buyers (one row each, with orders and revenue_units): buyers,
    repeat_buyers (2+ orders), repeat_purchase_rate, orders, avg_orders_per_buyer, revenue,
    aov (revenue / orders)."""
    rows = []
    for key, g in buyers.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        units, n_orders = int(g["revenue_units"].sum()), int(g["orders"].sum())
        repeat = int((g["orders"] >= 2).sum())
        rows.append({
            **dict(zip(keys, key, strict=True)),
            "buyers": len(g),
            "repeat_buyers": repeat,
            "repeat_purchase_rate": rate(repeat, len(g)),
            "orders": n_orders,
            "avg_orders_per_buyer": rate(n_orders, len(g)),
            "revenue": units / _UNITS,
            "aov": rate(units / _UNITS, n_orders),
        })
    return pd.DataFrame(rows, columns=[*keys, "buyers", "repeat_buyers", "repeat_purchase_rate",
                                       "orders", "avg_orders_per_buyer", "revenue", "aov"])


def discount_sales_by_month(orders: pd.DataFrame) -> pd.DataFrame:
    """Per calendar month of order_date with any order, two rows (discounted False, True:
    total_discount_amount > 0, empty means none): orders, buyers (distinct customers),
    gross_sales, discount_amount, revenue (net_total), aov, and the shares of the month's
    orders and revenue; zeros for a kind without orders."""
    month = orders["order_date"].dt.to_period("M").dt.to_timestamp()
    flag = orders["total_discount_amount"].fillna(0) > 0
    rows = []
    for m in sorted(month.unique()):
        in_month = orders[month == m]
        month_units = int(_units(in_month["net_total"]).sum())
        for discounted in (False, True):
            g = in_month[flag[month == m] == discounted]
            units = int(_units(g["net_total"]).sum())
            rows.append({
                "order_month": m,
                "discounted": discounted,
                "orders": len(g),
                "buyers": g["customer_id"].nunique(),
                "gross_sales": int(_units(g["gross_total"]).sum()) / _UNITS,
                "discount_amount":
                    int(_units(g["total_discount_amount"].fillna(0)).sum()) / _UNITS,
                "revenue": units / _UNITS,
                "aov": rate(units / _UNITS, len(g)),
                "share_of_month_orders": rate(len(g), len(in_month)),
                "share_of_month_revenue": rate(units, month_units),
            })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# the computation
# --------------------------------------------------------------------------------------------

@dataclass
class CustomerReference:
    as_of: pd.Timestamp
    customers: pd.DataFrame          # the kept customers
    orders: pd.DataFrame             # the kept orders
    carts: CartReference             # the cart reference (carts, matches)
    dim_customers: pd.DataFrame
    rfm_segments: pd.DataFrame
    cohort_retention: pd.DataFrame
    kpis: dict
    discount_repeat: pd.DataFrame
    value_bands: pd.DataFrame
    discount_repeat_monthly: pd.DataFrame
    discount_sales_monthly: pd.DataFrame
    rules: Rules = field(default_factory=Rules)

    @property
    def buyers(self) -> pd.DataFrame:
        return self.dim_customers[self.dim_customers["orders"] > 0]

    @property
    def top_revenue_customers(self) -> set[str]:
        d = self.dim_customers
        return set(d.loc[d["is_top_revenue_customer"], "customer_id"])


def compute(raw_dir: str | Path, rules: Rules | None = None,
            cart_ref: CartReference | None = None) -> CustomerReference:
    rules = rules or Rules()
    cart_ref = cart_ref or compute_carts(raw_dir, rules)
    as_of = cart_ref.as_of
    orders = cart_ref.orders.copy()           # cleaned as in reference/carts.py
    carts = cart_ref.carts
    customers = clean_customers(read_raw(raw_dir, "customers"))

    # ---- the customers ----------------------------------------------------------------------
    known = set(customers["customer_id"])
    ids = sorted(known | set(orders["customer_id"]) | set(carts["customer_id"]))
    dim = pd.DataFrame({"customer_id": ids})
    cust = customers.set_index("customer_id")
    dim["is_known_customer"] = dim["customer_id"].isin(known)
    parsed_guest = dim["customer_id"].map(cust["is_guest"])
    by_prefix = dim["customer_id"].str.startswith("GUEST-")
    dim["is_guest"] = [bool(p) if p is not None and not pd.isna(p) else bool(g)
                       for p, g in zip(parsed_guest, by_prefix, strict=True)]
    for col in ("signup_channel", "loyalty_tier", "clv_bucket", "signup_date"):
        dim[col] = dim["customer_id"].map(cust[col])

    # ---- orders per customer ----------------------------------------------------------------
    orders["units"] = _units(orders["net_total"])
    per = orders.groupby("customer_id").agg(
        orders=("order_id", "size"),
        revenue_units=("units", "sum"),
        first_ordered_at=("order_date", "min"),
        last_ordered_at=("order_date", "max"),
    )
    dim = dim.merge(per, left_on="customer_id", right_index=True, how="left")
    dim["orders"] = dim["orders"].fillna(0).astype("int64")
    dim["revenue_units"] = dim["revenue_units"].fillna(0).astype("int64")
    dim["lifetime_revenue"] = dim["revenue_units"] / _UNITS
    buyer = dim["orders"] > 0
    dim["aov"] = (dim["lifetime_revenue"] / dim["orders"]).where(buyer)
    span = days(dim["last_ordered_at"] - dim["first_ordered_at"])
    dim["avg_days_between_orders"] = (span / (dim["orders"] - 1)).where(dim["orders"] >= 2)
    dim["recency_days"] = days(as_of - dim["last_ordered_at"])
    recency_us = (as_of - dim["last_ordered_at"]).astype("timedelta64[us]")

    # ---- RFM over buyers ----------------------------------------------------------------------
    b = dim[buyer].copy()
    b["recency_us"] = recency_us[buyer].to_numpy().astype("int64")
    dim["r_score"] = score(b, "recency_us", False, rules.rfm_bins).reindex(dim.index)
    dim["f_score"] = score(b, "orders", True, rules.rfm_bins).reindex(dim.index)
    dim["m_score"] = score(b, "revenue_units", True, rules.rfm_bins).reindex(dim.index)
    for col in ("r_score", "f_score", "m_score"):
        dim[col] = dim[col].astype("Int64")
    fm = np.floor((dim["f_score"].astype(float) + dim["m_score"].astype(float)) / 2 + 0.5)
    dim["fm_score"] = pd.array(fm, dtype="Int64")
    dim["rfm_segment"] = [
        SEGMENT_GRID[int(r)][int(f) - 1] if not pd.isna(r) else None
        for r, f in zip(dim["r_score"], dim["fm_score"], strict=True)
    ]

    # ---- activity -----------------------------------------------------------------------------
    active_us = rules.active_within_days * US_PER_DAY
    inactive_us = rules.inactive_after_days * US_PER_DAY
    rec = recency_us.to_numpy().astype("int64").astype(float)
    dim["activity_status"] = np.where(
        ~buyer, "never_ordered",
        np.where(rec <= active_us, "active", np.where(rec <= inactive_us, "at_risk",
                                                      "inactive")))

    # ---- top revenue customers ----------------------------------------------------------------
    total_units = int(dim["revenue_units"].sum())
    ranked = dim[buyer].sort_values(["revenue_units", "customer_id"], ascending=[False, True],
                                    kind="mergesort")
    before = ranked["revenue_units"].cumsum() - ranked["revenue_units"]
    top = before < rules.top_revenue_share * total_units
    dim["revenue_rank"] = pd.Series(np.arange(1, len(ranked) + 1),
                                    index=ranked.index).reindex(dim.index).astype("Int64")
    dim["is_top_revenue_customer"] = top.reindex(dim.index).fillna(False).astype(bool)

    # ---- carts --------------------------------------------------------------------------------
    cart_counts = carts.groupby("customer_id").agg(
        carts=("cart_id", "size"),
        abandoned_carts=("cart_outcome", lambda s: int((s == "abandoned").sum())),
    )
    dim = dim.merge(cart_counts, left_on="customer_id", right_index=True, how="left")
    for col in ("carts", "abandoned_carts"):
        dim[col] = dim[col].fillna(0).astype("int64")

    dim = dim.sort_values("customer_id").reset_index(drop=True)
    buyers = dim[dim["orders"] > 0]

    # ---- rfm_segments -------------------------------------------------------------------------
    rows = []
    for seg, g in buyers.groupby("rfm_segment", sort=True):
        units = int(g["revenue_units"].sum())
        rows.append({
            "rfm_segment": seg,
            "customers": len(g),
            "customer_share": rate(len(g), len(buyers)),
            "revenue": units / _UNITS,
            "revenue_share": rate(units, total_units),
            "avg_recency_days": float(g["recency_days"].mean()),
            "avg_orders": float(g["orders"].mean()),
            "avg_revenue": units / _UNITS / len(g),
        })
    segments = pd.DataFrame(rows, columns=["rfm_segment", "customers", "customer_share",
                                           "revenue", "revenue_share", "avg_recency_days",
                                           "avg_orders", "avg_revenue"])

    # ---- cohort retention ---------------------------------------------------------------------
    cohort_idx = _month_index(buyers.set_index("customer_id")["first_ordered_at"])
    as_of_idx = int(as_of.year * 12 + as_of.month - 1)
    o = orders[["customer_id"]].copy()
    o["cohort_idx"] = o["customer_id"].map(cohort_idx)
    o["offset"] = _month_index(orders["order_date"]) - o["cohort_idx"]
    active = o.groupby(["cohort_idx", "offset"])["customer_id"].nunique()
    sizes = cohort_idx.value_counts()
    rows = []
    for c in sorted(sizes.index):
        for k in range(0, as_of_idx - int(c) + 1):
            n_active = int(active.get((c, k), 0))
            rows.append({
                "cohort_month": pd.Timestamp(year=int(c) // 12, month=int(c) % 12 + 1, day=1),
                "months_since_first_order": k,
                "cohort_customers": int(sizes[c]),
                "active_customers": n_active,
                "retention_rate": n_active / int(sizes[c]),
            })
    retention = pd.DataFrame(rows, columns=["cohort_month", "months_since_first_order",
                                            "cohort_customers", "active_customers",
                                            "retention_rate"])

    # ---- kpis ---------------------------------------------------------------------------------
    n_buyers = len(buyers)
    n_orders = int(dim["orders"].sum())
    repeat = int((dim["orders"] >= 2).sum())
    n_carts = len(carts)
    matched = int(carts["order_id"].notna().sum())
    kpis = {
        "customers": len(dim),
        "buyers": n_buyers,
        "repeat_buyers": repeat,
        "repeat_purchase_rate": rate(repeat, n_buyers),
        "avg_orders_per_buyer": rate(n_orders, n_buyers),
        "aov": rate(total_units / _UNITS, n_orders),
        "order_abandonment_rate": rate(n_carts - matched, n_carts),
        "top_revenue_customer_share": rate(int(dim["is_top_revenue_customer"].sum()),
                                            n_buyers),
    }

    # ---- discounts and repeat purchase ------------------------------------------------------
    by_first = buyers.merge(first_orders(orders), on="customer_id", how="inner")
    assert len(by_first) == n_buyers, "every buyer has a first order"
    discount_repeat = repeat_purchase_groups(by_first, ["first_order_discounted"])
    discount_repeat_monthly = repeat_purchase_groups(
        by_first, ["first_order_month", "first_order_discounted"])

    # ---- value bands ------------------------------------------------------------------------
    bands = value_bands(dim, customers.set_index("customer_id")["age"], rules)

    return CustomerReference(
        as_of=as_of, customers=customers, orders=orders, carts=cart_ref, dim_customers=dim,
        rfm_segments=segments, cohort_retention=retention, kpis=kpis,
        discount_repeat=discount_repeat, discount_repeat_monthly=discount_repeat_monthly,
        discount_sales_monthly=discount_sales_by_month(orders), value_bands=bands,
        rules=rules,
    )


if __name__ == "__main__":
    pd.set_option("display.width", 200)
    for d in sys.argv[1:]:
        ref = compute(d)
        print(f"== {d}  (as_of {ref.as_of})")
        for k, v in ref.kpis.items():
            print(f"  {k:>27}: {v}")
