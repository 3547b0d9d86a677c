"""Independent pandas reference for the cart marts (differential test oracle).

It reads the RAW commerce files (CSV, every column as text) and recomputes, from the business
rules of the mart interface (docs/overview.md) with the default vars, what the cart marts
should hold: cart_kpis (with the converted carts whose order was not kept),
abandoned_products, cart_reengagement, cart_segment_conversion and the per-cart matches of
fct_carts. It never reads a dbt table, so a comparison with the marts is an
independent check of the SQL.

Money is computed in float and rounded to 4 decimals (the project stores decimal(18,4));
compare with a tolerance.

Usage::

    from reference.carts import compute
    ref = compute("/path/to/raw_dir")
    ref.kpis                      # dict, one row of cart_kpis
    ref.carts                     # one row per kept cart (outcome, value, match, segments)
    ref.abandoned_products        # one row per product, value_rank 1 = largest value
    ref.reengagement              # one row per abandoned cart
    ref.segment_conversion        # one row per (segment_type, segment_value)

Run as a script to print the kpis of one or more raw folders::

    python tests/python/reference/carts.py DIR [DIR ...]
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

from reference.common import (
    BOUNDS,
    RAW_COLUMNS,
    Rules,
    drop_exact_duplicates,
    hours,
    id_number,
    keep_smallest_per_key,
    label,
    latest_within_data,
    money,
    numeric,
    product_id,
    rate,
    read_raw,
    text,
    timestamp,
)

KNOWN_STATUSES = {"converted", "abandoned", "emptied", "open"}
# conflicting copies of a cart: after the latest updated_at, the furthest status is kept
# (docs/raw_data.md, the keep rule); any other status comes last
STATUS_RANK = {"converted": 1, "abandoned": 2, "emptied": 3, "open": 4}
SEGMENT_TYPES = ["signup_channel", "loyalty_tier", "clv_bucket", "signup_cohort_month"]
MATCH_METHODS = {1: "exact_time", 2: "same_value", 3: "nearest_in_window"}

_INTEGER_RE = re.compile(r"^[+-]?\d+(\.0*)?$")


# --------------------------------------------------------------------------------------------
# cleaning helpers (the others are shared: reference/common.py)
# --------------------------------------------------------------------------------------------

def integer(s: pd.Series) -> pd.Series:
    """An integer, also written '12.0'; anything else (blank, 12.5, text) -> <NA>."""
    t = text(s)
    ok = t.map(lambda v: isinstance(v, str) and bool(_INTEGER_RE.match(v)))
    return pd.to_numeric(t.where(ok, None), errors="coerce").astype("Int64")


# --------------------------------------------------------------------------------------------
# cleaned tables
# --------------------------------------------------------------------------------------------

def clean_carts(raw: pd.DataFrame) -> pd.DataFrame:
    raw = drop_exact_duplicates(raw)
    df = pd.DataFrame(index=raw.index)
    df["cart_id"] = text(raw["cart_id"])
    df["customer_id"] = text(raw["customer_id"])
    df["created_at"] = timestamp(raw["created_at"])
    df["updated_at"] = timestamp(raw["updated_at"])
    df["cart_total"] = numeric(raw["cart_total"])
    status = label(raw["status"])
    df["cart_status"] = status.where(status.isin(KNOWN_STATUSES), "unknown")

    updated_blank = text(raw["updated_at"]).isna()
    total_blank = text(raw["cart_total"]).isna()
    keep = (
        df["cart_id"].notna()
        & df["customer_id"].notna()
        & df["created_at"].notna()
        & (updated_blank | df["updated_at"].notna())
        & (total_blank | (df["cart_total"].notna() & (df["cart_total"] >= 0)))
        & keep_smallest_per_key(raw, df["cart_id"], RAW_COLUMNS["shopping_carts"], first=[
            (df["updated_at"], False),
            (status.map(STATUS_RANK).fillna(len(STATUS_RANK) + 1), True)])
    )
    return df[keep].reset_index(drop=True)


def clean_cart_items(raw: pd.DataFrame, kept_cart_ids: set[str]) -> pd.DataFrame:
    raw = drop_exact_duplicates(raw)
    df = pd.DataFrame(index=raw.index)
    df["cart_item_id"] = integer(raw["cart_item_id"])
    df["cart_id"] = text(raw["cart_id"])
    df["product_id"] = product_id(raw["product_id"])
    df["added_at"] = timestamp(raw["added_at"])
    df["quantity"] = integer(raw["quantity"])
    df["unit_price"] = numeric(raw["unit_price"])

    added_blank = text(raw["added_at"]).isna()
    keep = (
        df["cart_item_id"].notna()
        & keep_smallest_per_key(raw, df["cart_item_id"], RAW_COLUMNS["cart_items"])
        & df["cart_id"].notna()
        & df["product_id"].notna()
        & (added_blank | df["added_at"].notna())
        & df["quantity"].notna()
        & (df["quantity"] > 0)
        & (df["quantity"] <= BOUNDS.max_plausible_quantity)
        & df["unit_price"].notna()
        & (df["unit_price"] >= 0)
        & (df["unit_price"] <= BOUNDS.max_plausible_unit_price)
        & df["cart_id"].isin(kept_cart_ids)
    ).fillna(False).astype(bool)
    out = df[keep].reset_index(drop=True)
    out["quantity"] = out["quantity"].astype("int64")
    out["cart_item_id"] = out["cart_item_id"].astype("int64")
    out["line_value"] = money(out["quantity"] * out["unit_price"])
    return out


def clean_orders(raw: pd.DataFrame) -> pd.DataFrame:
    df, keep = check_orders(raw)
    return df[keep].reset_index(drop=True)


def check_orders(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The orders (exact copies dropped), typed, and which of them are kept."""
    raw = drop_exact_duplicates(raw)
    df = pd.DataFrame(index=raw.index)
    df["order_id"] = text(raw["order_id"])
    df["customer_id"] = text(raw["customer_id"])
    df["order_date"] = timestamp(raw["order_date"])
    df["gross_total"] = numeric(raw["gross_total"])
    df["net_total"] = numeric(raw["net_total"])
    df["total_discount_amount"] = numeric(raw["total_discount_amount"])
    keep = (
        df["order_id"].notna()
        & keep_smallest_per_key(raw, df["order_id"], RAW_COLUMNS["orders"])
        & df["customer_id"].notna()
        & df["order_date"].notna()
        & df["gross_total"].notna()
        & df["net_total"].notna()
        & (df["net_total"] >= 0)
        & (df["net_total"] <= BOUNDS.max_plausible_order_total)
        & (df["gross_total"] <= BOUNDS.max_plausible_order_total)
    )
    return df, keep.fillna(False).astype(bool)


def carts_with_quarantined_order(carts: pd.DataFrame, raw_orders: pd.DataFrame,
                                 rules: Rules) -> set[str]:
    """Converted carts without a match for which an order row that was not kept (and whose
    order_id is not a kept order) would be a matching candidate: same customer, at or after
    created_at, at most the window after the last activity."""
    typed, keep = check_orders(raw_orders)
    kept_ids = set(typed.loc[keep, "order_id"])
    lost = typed[~keep & typed["customer_id"].notna() & typed["order_date"].notna()
                 & ~typed["order_id"].isin(kept_ids)]
    unmatched = carts[(carts["cart_outcome"] == "converted") & carts["order_id"].isna()]
    pairs = unmatched[["cart_id", "customer_id", "created_at", "last_activity_at"]].merge(
        lost[["customer_id", "order_date"]], on="customer_id")
    window = pd.Timedelta(hours=rules.cart_order_match_window_hours)
    pairs = pairs[(pairs["order_date"] >= pairs["created_at"])
                  & (pairs["order_date"] <= pairs["last_activity_at"] + window)]
    return set(pairs["cart_id"])


def clean_customers(raw: pd.DataFrame) -> pd.DataFrame:
    raw = drop_exact_duplicates(raw)
    df = pd.DataFrame(index=raw.index)
    df["customer_id"] = text(raw["customer_id"])
    df["is_guest"] = label(raw["is_guest"]).eq("true")
    df["signup_date"] = timestamp(raw["signup_date"])
    for col in ("signup_channel", "loyalty_tier", "clv_bucket"):
        df[col] = label(raw[col])
    signup_blank = text(raw["signup_date"]).isna()
    keep = (
        df["customer_id"].notna()
        & keep_smallest_per_key(raw, df["customer_id"], RAW_COLUMNS["customers"])
        & (signup_blank | df["signup_date"].notna())
    )
    out = df[keep].reset_index(drop=True)
    out["signup_cohort_month"] = out["signup_date"].dt.strftime("%Y-%m")
    out.loc[out["signup_date"].isna(), "signup_cohort_month"] = None
    return out


# --------------------------------------------------------------------------------------------
# the computation
# --------------------------------------------------------------------------------------------

@dataclass
class CartReference:
    as_of: pd.Timestamp
    carts: pd.DataFrame
    items: pd.DataFrame
    orders: pd.DataFrame
    customers: pd.DataFrame
    candidates: pd.DataFrame
    kpis: dict
    abandoned_products: pd.DataFrame
    reengagement: pd.DataFrame
    segment_conversion: pd.DataFrame
    rules: Rules = field(default_factory=Rules)

    @property
    def matches(self) -> set[tuple[str, str, str]]:
        m = self.carts[self.carts["order_id"].notna()]
        return set(zip(m["cart_id"], m["order_id"], m["match_method"], strict=True))


def _median(values: pd.Series) -> float | None:
    values = values.dropna()
    return float(values.median()) if len(values) else None


def match_orders(carts: pd.DataFrame, orders: pd.DataFrame, rules: Rules):
    """Greedy one-to-one cart-order matching. Returns (matches, candidates)."""
    window = pd.Timedelta(hours=rules.cart_order_match_window_hours)
    conv = carts.loc[carts["cart_outcome"] == "converted",
                     ["cart_id", "customer_id", "created_at", "last_activity_at", "cart_total",
                      "cart_value"]]
    pairs = conv.merge(orders[["order_id", "customer_id", "order_date", "gross_total"]],
                       on="customer_id", how="inner")
    pairs = pairs[(pairs["order_date"] >= pairs["created_at"])
                  & (pairs["order_date"] <= pairs["last_activity_at"] + window)].copy()
    tol = rules.value_match_tolerance
    same_value = (
        ((pairs["gross_total"] - pairs["cart_total"]).abs() < tol).fillna(False)
        | ((pairs["gross_total"] - pairs["cart_value"]).abs() < tol).fillna(False)
    )
    pairs["tier"] = np.where(pairs["order_date"] == pairs["created_at"], 1,
                             np.where(same_value, 2, 3))
    pairs["gap"] = pairs["order_date"] - pairs["created_at"]
    pairs = pairs.sort_values(["tier", "gap", "cart_id", "order_id"], kind="mergesort")
    pairs = pairs.reset_index(drop=True)

    used_carts: set[str] = set()
    used_orders: set[str] = set()
    accepted = []
    for i, (cart_id, order_id) in enumerate(zip(pairs["cart_id"], pairs["order_id"], strict=True)):
        if cart_id in used_carts or order_id in used_orders:
            continue
        used_carts.add(cart_id)
        used_orders.add(order_id)
        accepted.append(i)
    m = pairs.loc[accepted, ["cart_id", "order_id", "order_date", "tier", "gap"]].copy()
    m["match_method"] = m["tier"].map(MATCH_METHODS)
    m["hours_to_order"] = hours(m["gap"])
    m = m.rename(columns={"order_date": "ordered_at"})
    return m[["cart_id", "order_id", "ordered_at", "match_method", "hours_to_order"]], pairs


def compute(raw_dir: str | Path, rules: Rules | None = None) -> CartReference:
    rules = rules or Rules()
    carts = clean_carts(read_raw(raw_dir, "shopping_carts"))
    items = clean_cart_items(read_raw(raw_dir, "cart_items"), set(carts["cart_id"]))
    raw_orders = read_raw(raw_dir, "orders")
    orders = clean_orders(raw_orders)
    customers = clean_customers(read_raw(raw_dir, "customers"))

    as_of = latest_within_data(
        pd.concat([carts["created_at"], carts["updated_at"], items["added_at"],
                   orders["order_date"]], ignore_index=True),
        rules,
    )

    # ---- per cart -----------------------------------------------------------------------
    per_cart = items.groupby("cart_id").agg(
        line_count=("cart_item_id", "size"),
        distinct_products=("product_id", "nunique"),
        total_quantity=("quantity", "sum"),
        cart_value=("line_value", "sum"),
        last_added_at=("added_at", "max"),
    )
    carts = carts.merge(per_cart, left_on="cart_id", right_index=True, how="left")
    for col in ("line_count", "distinct_products", "total_quantity"):
        carts[col] = carts[col].fillna(0).astype("int64")
    carts["cart_value"] = money(carts["cart_value"].fillna(0.0))
    carts["last_activity_at"] = (carts["updated_at"].fillna(carts["last_added_at"])
                                 .fillna(carts["created_at"]))

    timeout = pd.Timedelta(hours=rules.abandonment_timeout_hours)
    outcome = carts["cart_status"].copy()
    is_open = carts["cart_status"] == "open"
    stale = (as_of - carts["last_activity_at"]) > timeout
    outcome[is_open & stale] = "abandoned"
    carts["cart_outcome"] = outcome
    carts["abandoned_at"] = carts["last_activity_at"].where(outcome == "abandoned")

    # ---- matching -----------------------------------------------------------------------
    matches, candidates = match_orders(carts, orders, rules)
    carts = carts.merge(matches, on="cart_id", how="left")
    lost_order_carts = carts_with_quarantined_order(carts, raw_orders, rules)

    # ---- segments -----------------------------------------------------------------------
    seg = customers.set_index("customer_id")
    for col in SEGMENT_TYPES:
        value = carts["customer_id"].map(seg[col])
        guest = carts["customer_id"].map(seg["is_guest"]).fillna(False).astype(bool)
        carts[col] = value.where(value.notna() & ~guest, "unknown")

    # ---- re-engagement ------------------------------------------------------------------
    abandoned = carts.loc[carts["cart_outcome"] == "abandoned",
                          ["cart_id", "customer_id", "abandoned_at", "cart_value"]]
    later = abandoned.merge(orders[["customer_id", "order_id", "order_date"]],
                            on="customer_id", how="inner")
    later = later[later["order_date"] > later["abandoned_at"]]
    later = later.sort_values(["cart_id", "order_date", "order_id"], kind="mergesort")
    nxt = later.drop_duplicates("cart_id", keep="first").set_index("cart_id")
    reeng = abandoned.rename(columns={"cart_value": "abandoned_value"}).copy()
    reeng["next_order_id"] = reeng["cart_id"].map(nxt["order_id"])
    reeng["next_ordered_at"] = reeng["cart_id"].map(nxt["order_date"]).astype("datetime64[us]")
    reeng["hours_to_next_order"] = hours(reeng["next_ordered_at"] - reeng["abandoned_at"])
    window = pd.Timedelta(days=rules.reengagement_window_days)
    reeng["is_reengaged"] = (reeng["next_ordered_at"].notna()
                             & (reeng["next_ordered_at"] <= reeng["abandoned_at"] + window))
    reeng = reeng.sort_values("cart_id").reset_index(drop=True)

    per_customer = reeng.groupby("customer_id")["is_reengaged"].any()
    reengagement_rate = rate(per_customer.sum(), len(per_customer))

    # ---- kpis ---------------------------------------------------------------------------
    n = len(carts)
    counts = carts["cart_outcome"].value_counts()
    is_ab = carts["cart_outcome"] == "abandoned"
    kpis = {
        "as_of": as_of,
        "carts": n,
        "converted_carts": int(counts.get("converted", 0)),
        "abandoned_carts": int(counts.get("abandoned", 0)),
        "emptied_carts": int(counts.get("emptied", 0)),
        "open_carts": int(counts.get("open", 0)),
        "conversion_rate": rate(counts.get("converted", 0), n),
        "abandonment_rate": rate(counts.get("abandoned", 0), n),
        "abandoned_value": float(money(carts.loc[is_ab, "cart_value"].sum())),
        "reengagement_rate": reengagement_rate,
        "median_hours_to_order": _median(carts["hours_to_order"]),
        "converted_carts_without_order": int(
            ((carts["cart_outcome"] == "converted") & carts["order_id"].isna()).sum()),
        "converted_carts_with_quarantined_order": len(lost_order_carts),
    }

    # ---- abandoned products -------------------------------------------------------------
    ab_items = items[items["cart_id"].isin(set(carts.loc[is_ab, "cart_id"]))]
    products = ab_items.groupby("product_id").agg(
        abandoned_carts=("cart_id", "nunique"),
        abandoned_quantity=("quantity", "sum"),
        abandoned_value=("line_value", "sum"),
    ).reset_index()
    products["abandoned_value"] = money(products["abandoned_value"])
    # ties by product_id: whole numbers by value first, then other ids as text
    products["id_number"] = id_number(products["product_id"])
    products = products.sort_values(["abandoned_value", "id_number", "product_id"],
                                    ascending=[False, True, True], kind="mergesort",
                                    na_position="last").drop(columns="id_number")
    products["value_rank"] = np.arange(1, len(products) + 1)
    products = products.reset_index(drop=True)

    # ---- segment conversion -------------------------------------------------------------
    rows = []
    for seg_type in SEGMENT_TYPES:
        for seg_value, g in carts.groupby(seg_type, sort=True):
            c = g["cart_outcome"].value_counts()
            ab = g["cart_outcome"] == "abandoned"
            rows.append({
                "segment_type": seg_type,
                "segment_value": seg_value,
                "carts": len(g),
                "converted_carts": int(c.get("converted", 0)),
                "abandoned_carts": int(c.get("abandoned", 0)),
                "conversion_rate": rate(c.get("converted", 0), len(g)),
                "abandonment_rate": rate(c.get("abandoned", 0), len(g)),
                "abandoned_value": float(money(g.loc[ab, "cart_value"].sum())),
                "median_hours_to_order": _median(g["hours_to_order"]),
            })
    segments = pd.DataFrame(rows)

    return CartReference(
        as_of=as_of, carts=carts, items=items, orders=orders, customers=customers,
        candidates=candidates, kpis=kpis, abandoned_products=products, reengagement=reeng,
        segment_conversion=segments, rules=rules,
    )


if __name__ == "__main__":
    pd.set_option("display.width", 200)
    for d in sys.argv[1:]:
        ref = compute(d)
        print(f"== {d}")
        for k, v in ref.kpis.items():
            print(f"  {k:>22}: {v}")
