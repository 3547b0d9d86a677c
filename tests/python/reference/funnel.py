"""Independent pandas reference for the clickstream (funnel) marts (differential test oracle).

It reads the RAW events file (events.csv, every column as text) and recomputes, from the
business rules of the mart interface (docs/overview.md) with the default vars, what the
clickstream marts should hold: funnel_kpis, fct_sessions, user_behavior_segments,
product_performance, brand_performance, category_performance, catalog_completeness,
cart_abandoner_brands, cart_abandoner_categories, funnel_user_cohorts and
funnel_new_vs_returning.
It never reads a dbt table, so a comparison with the marts is an independent check of the SQL.

Money is computed in float and rounded to 4 decimals (the project stores decimal(18,4));
compare with a tolerance.

Rules (the project's defaults):
  cleaning, in this order: drop exact duplicate rows (all 9 columns); drop rows whose price is
  blank / not a number / <= 0 / above max_plausible_unit_price; drop rows whose event_time
  is not `YYYY-MM-DD HH:MM:SS[ UTC]`;
  drop rows with a blank or non-integer user_id (`12.0` is 12) or a blank product_id (text;
  `12.0` is `12`), a non-blank
  non-integer category_id, or an event_type (lower(strip())) outside
  view / cart / purchase / remove_from_cart. brand, category_code: lower(strip()), blank ->
  missing (`unknown` in marts); user_session: strip(), blank -> missing.
  sessions: (user_id, user_session); events without a session are sessionised per user: a new
  session whenever the gap to the user's previous session-less event is > 30 minutes.
  funnel order: event_time, then stage view < cart < remove_from_cart < purchase.
  session funnel: sessions with a view, a cart at or after the first view, a purchase at or
  after such a cart (strict, per session); a session converts with any purchase.
  cohorts: a user's cohort is the month of their first kept event; stages over all their
  events. new vs returning: per month of activity, new in the month of the first event.
  products: recent views / purchases are the events with as_of - 30 days < event_time <= as_of,
  as_of being the latest kept event; flagged with >= 200 recent views and no recent purchase.

Usage::

    from reference.funnel import compute
    ref = compute("/path/to/raw_dir")
    ref.events                 # the kept events (session_key added)
    ref.kpis                   # dict, one row of funnel_kpis
    ref.sessions               # one row per session (fct_sessions)
    ref.users                  # one row per user (user_behavior_segments + funnel flags)
    ref.products               # product_performance
    ref.brands, ref.categories # brand_performance, category_performance
    ref.completeness           # catalog_completeness
    ref.daily                  # per event_date: viewers, cart_users, purchasers, ...
    ref.abandoner_brands       # cart_abandoner_brands
    ref.abandoner_categories   # cart_abandoner_categories
    ref.user_cohorts           # funnel_user_cohorts
    ref.session_stages         # funnel_stages, funnel_type session
    ref.new_vs_returning       # funnel_new_vs_returning
    ref.cleaning               # rows removed per cleaning step

Run as a script to print the kpis of one or more raw folders::

    python tests/python/reference/funnel.py DIR [DIR ...]
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):  # run as a script: make `reference` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reference.common import (
    BOUNDS,
    Rules,
    drop_exact_duplicates,
    label,
    latest_within_data,
    money,
    numeric,
    product_id,
    rate,
    read_raw,
    split_zone,
    text,
)

EVENT_TYPES = ["view", "cart", "remove_from_cart", "purchase"]
# funnel order inside one second: view < cart < remove_from_cart < purchase
STAGE_RANK = {t: i for i, t in enumerate(EVENT_TYPES)}

_INTEGER_RE = re.compile(r"^([+-]?\d+)(\.0*)?$")
_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_INT64_MIN, _INT64_MAX = -(2 ** 63), 2 ** 63 - 1


# --------------------------------------------------------------------------------------------
# cleaning helpers (the others are shared: reference/common.py)
# --------------------------------------------------------------------------------------------

def _to_int(v):
    """'12', ' 12 ', '12.0', '1515915625519388267' -> exact Python int; anything else -> None.
    Parsed as text (never through float), so 19-digit ids keep every digit."""
    if not isinstance(v, str):
        return None
    m = _INTEGER_RE.match(v.strip())
    if not m:
        return None
    i = int(m.group(1))
    return i if _INT64_MIN <= i <= _INT64_MAX else None


def integer(s: pd.Series) -> pd.Series:
    """An integer (object dtype of Python ints / None; never through float64, which
    Series.map would infer for ints mixed with None and so round 19-digit ids)."""
    return pd.Series([_to_int(v) for v in s], index=s.index, dtype=object)


def event_time(s: pd.Series) -> pd.Series:
    """`YYYY-MM-DD HH:MM:SS UTC` (strip; a zone after the time, ` UTC` or another one that
    common.split_zone reads, converted to UTC) -> naive UTC timestamp; anything else -> NaT."""
    def norm(v):
        parts = split_zone(v.strip()) if isinstance(v, str) else None
        if parts is None:
            return None
        local, offset = parts[0].replace("T", " "), parts[1]
        return (local, offset) if _TIME_RE.match(local) else None

    t = s.map(norm)
    local = t.map(lambda p: p[0] if p else None)
    offset = t.map(lambda p: p[1] if p else 0).astype("int64")
    parsed = pd.to_datetime(local, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    return (parsed - pd.to_timedelta(offset, unit="m")).astype("datetime64[us]")


def _or_unknown(s: pd.Series) -> pd.Series:
    """missing -> 'unknown' (object dtype, also for an all-missing column)."""
    s = s.astype(object)
    return s.where(s.notna(), "unknown")


def clean_events(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """The kept events and the number of rows removed by each step (in order)."""
    removed = {}
    n0 = len(raw)
    df = drop_exact_duplicates(raw)
    removed["exact_duplicate"] = n0 - len(df)

    price = numeric(df["price"])
    ok = price.notna() & (price > 0) & (price <= BOUNDS.max_plausible_unit_price)
    removed["bad_price"] = int((~ok).sum())
    df, price = df[ok], price[ok]

    ts = event_time(df["event_time"])
    ok = ts.notna()
    removed["bad_event_time"] = int((~ok).sum())
    df, price, ts = df[ok], price[ok], ts[ok]

    user_id = integer(df["user_id"])
    product_ids = product_id(df["product_id"])
    category_id = integer(df["category_id"])
    category_blank = text(df["category_id"]).isna()
    etype = label(df["event_type"])
    ok = (user_id.notna() & product_ids.notna() & (category_blank | category_id.notna())
          & etype.isin(EVENT_TYPES))
    removed["bad_ids_or_type"] = int((~ok).sum())

    out = pd.DataFrame({
        "event_time": ts[ok],
        "event_type": etype[ok],
        "product_id": product_ids[ok],
        "category_id": category_id[ok].astype(object),
        "category_code": label(df["category_code"])[ok],
        "brand": label(df["brand"])[ok],
        "price": price[ok].astype(float),
        "user_id": user_id[ok].astype("int64"),
        "user_session": text(df["user_session"])[ok],
    })
    return out.reset_index(drop=True), removed


# --------------------------------------------------------------------------------------------
# sessions and the strict funnel
# --------------------------------------------------------------------------------------------

def assign_sessions(ev: pd.DataFrame, timeout_minutes: float) -> pd.Series:
    """session_key per event: 'user_id|user_session', or 'user_id|#n' (n = 1, 2, ...) for the
    sessions built from a user's session-less events."""
    key = pd.Series(None, index=ev.index, dtype=object)
    has = ev["user_session"].notna()
    key[has] = ev.loc[has, "user_id"].astype(str) + "|" + ev.loc[has, "user_session"]
    nos = ev[~has].sort_values(["user_id", "event_time"], kind="mergesort")
    if len(nos):
        gap = nos.groupby("user_id")["event_time"].diff()
        new = gap.isna() | (gap > pd.Timedelta(minutes=timeout_minutes))
        number = new.astype(int).groupby(nos["user_id"]).cumsum()
        key[nos.index] = nos["user_id"].astype(str) + "|#" + number.astype(str)
    return key


def strict_reach(ev: pd.DataFrame, group: str) -> pd.DataFrame:
    """Per group: reached_view / strict_cart / strict_purchase.

    In funnel order (event_time, then view < cart < remove_from_cart < purchase) a cart is
    strict if some view precedes it: cart time >= first view time (a view in the same second
    comes first). A purchase is strict if some strict cart precedes it: purchase time >= the
    first strict cart's time (a cart in the same second comes first)."""
    groups = pd.Index(ev[group].unique(), name=group)
    first_view = ev[ev["event_type"] == "view"].groupby(group)["event_time"].min()
    carts = ev.loc[ev["event_type"] == "cart", [group, "event_time"]]
    carts = carts.merge(first_view.rename("first_view").reset_index(), on=group)
    strict_carts = carts[carts["event_time"] >= carts["first_view"]]
    first_strict_cart = strict_carts.groupby(group)["event_time"].min()
    purchases = ev.loc[ev["event_type"] == "purchase", [group, "event_time"]]
    purchases = purchases.merge(first_strict_cart.rename("first_cart").reset_index(),
                                on=group)
    strict_purchases = purchases[purchases["event_time"] >= purchases["first_cart"]]
    out = pd.DataFrame(index=groups)
    out["reached_view"] = out.index.isin(first_view.index)
    out["strict_cart"] = out.index.isin(first_strict_cart.index)
    out["strict_purchase"] = out.index.isin(strict_purchases[group].unique())
    return out


def _counts(ev: pd.DataFrame, group: str) -> pd.DataFrame:
    """events, views, carts, removes, purchases, revenue per group."""
    t = ev["event_type"]
    g = pd.DataFrame({
        group: ev[group],
        "events": 1,
        "views": (t == "view").astype(int),
        "carts": (t == "cart").astype(int),
        "removes": (t == "remove_from_cart").astype(int),
        "purchases": (t == "purchase").astype(int),
        "revenue": ev["price"].where(t == "purchase", 0.0),
    }).groupby(group).sum()
    g["revenue"] = money(g["revenue"])
    return g


def _stage(any_view, any_cart, any_purchase) -> np.ndarray:
    return np.select([any_purchase, any_cart, any_view], ["purchase", "cart", "view"], "none")


# --------------------------------------------------------------------------------------------
# the computation
# --------------------------------------------------------------------------------------------

@dataclass
class FunnelReference:
    events: pd.DataFrame
    cleaning: dict
    kpis: dict
    sessions: pd.DataFrame
    users: pd.DataFrame
    products: pd.DataFrame
    brands: pd.DataFrame
    categories: pd.DataFrame
    completeness: pd.DataFrame
    daily: pd.DataFrame
    abandoner_brands: pd.DataFrame
    abandoner_categories: pd.DataFrame
    user_cohorts: pd.DataFrame
    session_stages: pd.DataFrame
    new_vs_returning: pd.DataFrame
    rules: Rules = field(default_factory=Rules)


def _attribute_performance(ev: pd.DataFrame, column: str, total_revenue: float) -> pd.DataFrame:
    """purchases, revenue, revenue_share, revenue_rank per value of the EVENT's own column
    (missing -> 'unknown'); every value with any kept event gets a row."""
    value = _or_unknown(ev[column])
    purchase = ev["event_type"] == "purchase"
    out = pd.DataFrame({
        column: value,
        "events": 1,
        "purchases": purchase.astype(int),
        "revenue": ev["price"].where(purchase, 0.0),
    }).groupby(column).sum().reset_index()
    out["revenue"] = money(out["revenue"])
    out["revenue_share"] = out["revenue"] / total_revenue if total_revenue else None
    out = out.sort_values(["revenue", column], ascending=[False, True], kind="mergesort")
    out["revenue_rank"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)


def _abandoner_carts(ev: pd.DataFrame, abandoners: set, column: str) -> pd.DataFrame:
    """What cart abandoners abandon, per value of the cart EVENT's own column (missing ->
    'unknown'): abandoning users, cart events, carted value (sum of the cart events' prices),
    value_share of all abandoners' carted value, value_rank (value desc, then name)."""
    carts = ev[(ev["event_type"] == "cart") & ev["user_id"].isin(abandoners)]
    out = pd.DataFrame({column: _or_unknown(carts[column]), "user_id": carts["user_id"],
                        "price": carts["price"]}).groupby(column).agg(
        abandoning_users=("user_id", "nunique"),
        cart_events=("user_id", "size"),
        carted_value=("price", "sum"),
    ).reset_index()
    out["carted_value"] = money(out["carted_value"])
    total = float(money(carts["price"].sum()))
    out["value_share"] = out["carted_value"] / total if total else None
    out = out.sort_values(["carted_value", column], ascending=[False, True], kind="mergesort")
    out["value_rank"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)


def _month(t: pd.Series) -> pd.Series:
    """First day of the calendar month of each timestamp."""
    return t.dt.to_period("M").dt.to_timestamp()


def user_cohorts(ev: pd.DataFrame, users: pd.DataFrame) -> pd.DataFrame:
    """funnel_user_cohorts: per cohort (month of the user's first event), funnel type and
    stage, the users reaching the stage over all their events; conversion from the previous
    stage and share of the first (None over 0)."""
    u = users.set_index("user_id")
    cohort = _month(ev.groupby("user_id")["event_time"].min()).reindex(u.index)
    reached = {
        ("open", "view"): u["views"] > 0, ("open", "cart"): u["carts"] > 0,
        ("open", "purchase"): u["purchases"] > 0,
        ("strict", "view"): u["views"] > 0, ("strict", "cart"): u["strict_cart"],
        ("strict", "purchase"): u["strict_purchase"],
    }
    rows = []
    for month in sorted(cohort.unique()):
        members = cohort == month
        for funnel_type in ("open", "strict"):
            counts = [int((reached[(funnel_type, stage)] & members).sum())
                      for stage in ("view", "cart", "purchase")]
            for order, (stage, n) in enumerate(zip(("view", "cart", "purchase"), counts,
                                                   strict=True), start=1):
                rows.append({
                    "cohort_month": month, "funnel_type": funnel_type, "stage": stage,
                    "stage_order": order, "users": n,
                    "conversion_from_previous": rate(n, counts[order - 2]) if order > 1
                    else None,
                    "share_of_first_stage": rate(n, counts[0]),
                })
    return pd.DataFrame(rows)


def new_vs_returning(ev: pd.DataFrame) -> pd.DataFrame:
    """funnel_new_vs_returning: per calendar month and user type (new: the month of the user's
    first event; returning: a later month), the users active in the month and those with a
    view / cart / purchase event in it, and the open rates."""
    month = _month(ev["event_time"])
    first = month.groupby(ev["user_id"]).transform("min")
    frame = pd.DataFrame({
        "event_month": month, "user_id": ev["user_id"],
        "user_type": np.where(month == first, "new", "returning"),
        "view": ev["event_type"] == "view", "cart": ev["event_type"] == "cart",
        "purchase": ev["event_type"] == "purchase",
    })
    per_user = frame.groupby(["event_month", "user_type", "user_id"])[
        ["view", "cart", "purchase"]].any().reset_index()
    out = per_user.groupby(["event_month", "user_type"]).agg(
        users=("user_id", "size"), viewers=("view", "sum"), cart_users=("cart", "sum"),
        purchasers=("purchase", "sum")).reset_index()
    out["view_to_cart_user_rate"] = [rate(c, v) for c, v in
                                     zip(out["cart_users"], out["viewers"], strict=True)]
    out["cart_to_purchase_user_rate"] = [rate(p, c) for p, c in
                                         zip(out["purchasers"], out["cart_users"], strict=True)]
    out["user_conversion_rate"] = out["purchasers"] / out["users"]
    return out


def _mode(ev: pd.DataFrame, column: str) -> pd.Series:
    """Per product: most frequent non-missing value, ties -> smallest; 'unknown' if none."""
    v = ev.loc[ev[column].notna(), ["product_id", column]]
    c = v.groupby(["product_id", column]).size().rename("n").reset_index()
    c = c.sort_values(["product_id", "n", column], ascending=[True, False, True],
                      kind="mergesort")
    return c.drop_duplicates("product_id").set_index("product_id")[column]


def compute(raw_dir: str | Path, rules: Rules | None = None) -> FunnelReference:
    rules = rules or Rules()
    ev, cleaning = clean_events(read_raw(raw_dir, "events"))
    ev["session_key"] = assign_sessions(ev, rules.session_timeout_minutes)
    ev["stage_rank"] = ev["event_type"].map(STAGE_RANK)
    ev = ev.sort_values(["user_id", "session_key", "event_time", "stage_rank"],
                        kind="mergesort").reset_index(drop=True)
    is_purchase = ev["event_type"] == "purchase"
    total_revenue = float(money(ev.loc[is_purchase, "price"].sum()))

    # ---- sessions -----------------------------------------------------------------------
    s = _counts(ev, "session_key")
    first = ev.groupby("session_key").agg(user_id=("user_id", "first"),
                                          user_session=("user_session", "first"),
                                          started_at=("event_time", "min"),
                                          ended_at=("event_time", "max"))
    s = first.join(s).join(strict_reach(ev, "session_key"))
    s["duration_seconds"] = (s["ended_at"] - s["started_at"]).dt.total_seconds()
    s["furthest_stage"] = _stage(s["views"] > 0, s["carts"] > 0, s["purchases"] > 0)
    s["strict_furthest_stage"] = _stage(s["reached_view"], s["strict_cart"],
                                        s["strict_purchase"])
    sessions = s.reset_index().sort_values(["user_id", "started_at", "session_key"],
                                           kind="mergesort").reset_index(drop=True)

    # ---- users --------------------------------------------------------------------------
    u = _counts(ev, "user_id").join(strict_reach(ev, "user_id"))
    u["transactions"] = sessions[sessions["purchases"] > 0].groupby("user_id").size()
    u["transactions"] = u["transactions"].fillna(0).astype("int64")
    u["purchase_events"] = u["purchases"]
    u["behavior_segment"] = np.select(
        [u["transactions"] >= 2, u["transactions"] == 1, u["carts"] > 0],
        ["multi_purchase", "single_purchase", "cart_abandoner"], "view_only")
    buyers = u[u["revenue"] > 0].reset_index().sort_values(
        ["revenue", "user_id"], ascending=[False, True], kind="mergesort")
    n_high = math.ceil(Decimal(rules.high_value_user_share) * len(buyers))
    u["is_high_value"] = u.index.isin(buyers["user_id"].head(n_high))
    users = u.reset_index().sort_values("user_id").reset_index(drop=True)

    # ---- kpis ---------------------------------------------------------------------------
    n_users = len(users)
    viewers = int((users["views"] > 0).sum())
    cart_users = int((users["carts"] > 0).sum())
    purchasers = int((users["purchases"] > 0).sum())
    strict_cart_users = int(users["strict_cart"].sum())
    strict_purchasers = int(users["strict_purchase"].sum())
    view_events = int((ev["event_type"] == "view").sum())
    cart_events = int((ev["event_type"] == "cart").sum())
    purchase_events = int(is_purchase.sum())
    kpis = {
        "total_users": n_users,
        "total_sessions": len(sessions),
        "view_events": view_events,
        "cart_events": cart_events,
        "purchase_events": purchase_events,
        "revenue": total_revenue,
        "aov": rate(total_revenue, purchase_events),
        "viewers": viewers,
        "cart_users": cart_users,
        "purchasers": purchasers,
        "user_conversion_rate": rate(purchasers, n_users),
        "view_to_cart_user_rate": rate(cart_users, viewers),
        "cart_to_purchase_user_rate": rate(purchasers, cart_users),
        "cart_to_purchase_event_rate": rate(purchase_events, cart_events),
        "overall_funnel_conversion": rate(purchasers, viewers),
        "strict_view_to_cart_rate": rate(strict_cart_users, viewers),
        "strict_cart_to_purchase_rate": rate(strict_purchasers, strict_cart_users),
        # sessions: any purchase converts a session; the session funnel is in order
        "session_conversion_rate": rate(int((sessions["purchases"] > 0).sum()), len(sessions)),
        "session_view_to_cart_rate": rate(int(sessions["strict_cart"].sum()),
                                          int((sessions["views"] > 0).sum())),
        "session_cart_to_purchase_rate": rate(int(sessions["strict_purchase"].sum()),
                                              int(sessions["strict_cart"].sum())),
        # not mart columns: the strict counts behind the strict rates
        "strict_cart_users": strict_cart_users,
        "strict_purchasers": strict_purchasers,
    }

    # ---- products -----------------------------------------------------------------------
    p = _counts(ev, "product_id")
    is_view = ev["event_type"] == "view"
    viewer_pairs = set(zip(ev.loc[is_view, "product_id"], ev.loc[is_view, "user_id"],
                           strict=True))
    buyer_pairs = set(zip(ev.loc[is_purchase, "product_id"], ev.loc[is_purchase, "user_id"],
                          strict=True))
    n_viewers = pd.Series([pid for pid, _ in viewer_pairs], dtype=object).value_counts()
    n_both = pd.Series([pid for pid, _ in viewer_pairs & buyer_pairs],
                       dtype=object).value_counts()
    p["product_viewers"] = n_viewers.reindex(p.index).fillna(0).astype("int64")
    p["viewers_who_purchased"] = n_both.reindex(p.index).fillna(0).astype("int64")
    p["view_to_purchase_rate"] = (p["viewers_who_purchased"] / p["product_viewers"]).where(
        p["product_viewers"] > 0)
    p["is_high_view_zero_purchase"] = (p["views"] >= rules.zero_purchase_min_views) & (
        p["purchases"] == 0)
    # the last zero_purchase_window_days before as_of (the latest kept event, no as_of var):
    # as_of - window < event_time <= as_of
    as_of = latest_within_data(ev["event_time"], rules)
    window = pd.Timedelta(days=rules.zero_purchase_window_days)
    recent = ev[(ev["event_time"] > as_of - window) & (ev["event_time"] <= as_of)]
    for column, event_type in (("recent_views", "view"), ("recent_purchases", "purchase")):
        counts = recent[recent["event_type"] == event_type].groupby("product_id").size()
        p[column] = counts.reindex(p.index).fillna(0).astype("int64")
    p["is_recent_high_view_zero_purchase"] = (
        (p["recent_views"] >= rules.zero_purchase_min_views) & (p["recent_purchases"] == 0))
    p["category_code"] = _or_unknown(_mode(ev, "category_code").reindex(p.index))
    p["brand"] = _or_unknown(_mode(ev, "brand").reindex(p.index))
    products = p.reset_index().sort_values("product_id").reset_index(drop=True)

    # ---- brands, categories, completeness -----------------------------------------------
    brands = _attribute_performance(ev, "brand", total_revenue)
    categories = _attribute_performance(ev, "category_code", total_revenue)
    rows = []
    for attribute in ("brand", "category_code"):
        miss = ev[attribute].isna()
        rev = float(money(ev.loc[miss & is_purchase, "price"].sum()))
        rows.append({
            "attribute": attribute,
            "events_missing": int(miss.sum()),
            "purchases_missing": int((miss & is_purchase).sum()),
            "revenue_missing": rev,
            "revenue_share_missing": rate(rev, total_revenue),
        })
    completeness = pd.DataFrame(rows)

    # ---- per day (open funnel) ----------------------------------------------------------
    day = ev.assign(event_date=ev["event_time"].dt.normalize())
    t = day["event_type"]
    daily = pd.DataFrame({
        "viewers": day[t == "view"].groupby("event_date")["user_id"].nunique(),
        "cart_users": day[t == "cart"].groupby("event_date")["user_id"].nunique(),
        "purchasers": day[t == "purchase"].groupby("event_date")["user_id"].nunique(),
        "purchase_events": day[t == "purchase"].groupby("event_date").size(),
    }).fillna(0).astype("int64")
    daily["cart_to_purchase_user_rate"] = (daily["purchasers"] / daily["cart_users"]).where(
        daily["cart_users"] > 0)
    # sessions with an event on the day, and those with a purchase event on the day
    daily["sessions"] = day.groupby("event_date")["session_key"].nunique()
    daily["purchase_sessions"] = day[t == "purchase"].groupby("event_date")[
        "session_key"].nunique().reindex(daily.index).fillna(0).astype("int64")
    daily["session_conversion_rate"] = daily["purchase_sessions"] / daily["sessions"]
    daily = daily.reset_index()

    # ---- the session funnel (funnel_stages, funnel_type session) ------------------------
    counts = [int((sessions["views"] > 0).sum()), int(sessions["strict_cart"].sum()),
              int(sessions["strict_purchase"].sum())]
    session_stages = pd.DataFrame([
        {"funnel_type": "session", "stage": stage, "stage_order": i + 1, "users": n,
         "conversion_from_previous": rate(n, counts[i - 1]) if i else None,
         "share_of_first_stage": rate(n, counts[0])}
        for i, (stage, n) in enumerate(zip(("view", "cart", "purchase"), counts, strict=True))])

    # ---- what cart abandoners abandon ----------------------------------------------------
    # cart abandoners: a cart event and no purchase event (the behaviour segment)
    abandoners = set(users.loc[(users["carts"] > 0) & (users["purchases"] == 0), "user_id"])
    abandoner_brands = _abandoner_carts(ev, abandoners, "brand")
    abandoner_categories = _abandoner_carts(ev, abandoners, "category_code")

    return FunnelReference(
        events=ev, cleaning=cleaning, kpis=kpis, sessions=sessions, users=users,
        products=products, brands=brands, categories=categories, completeness=completeness,
        daily=daily, abandoner_brands=abandoner_brands,
        abandoner_categories=abandoner_categories,
        user_cohorts=user_cohorts(ev, users), new_vs_returning=new_vs_returning(ev),
        session_stages=session_stages,
        rules=rules,
    )


if __name__ == "__main__":
    pd.set_option("display.width", 200)
    for d in sys.argv[1:]:
        ref = compute(d)
        print(f"== {d}")
        print(f"  {'cleaning (rows removed)':>30}: {ref.cleaning}")
        for k, v in ref.kpis.items():
            print(f"  {k:>30}: {v}")
