"""Differential test: the clickstream (funnel) marts built by dbt against an independent
pandas reference.

The reference (tests/python/reference/funnel.py) reads the raw events.csv directly and applies
the business rules of docs/overview.md with the default vars; it never reads a dbt table. Each test
below compares one mart with it, on three data sets, each built with the events family ONLY
(`enable_commerce: false`, which also proves that the family builds alone):

  gen_s21_light   scripts/generate_data.py --customers 400 --events 40000 --seed 21 light
  gen_s22_heavy   scripts/generate_data.py --customers 400 --events 40000 --seed 22 heavy
  sample          the committed sample seeds copied as a raw_path folder
                  (conftest.copy_sample_as_raw_files)

Each data set is written and built once (module-scoped parametrised fixture `case`).
A failing comparison prints the differing rows (mart side `_mart`, reference side `_ref`).

Tests that need no dbt: the data sets exercise the interesting cases; the reference is
internally consistent; the reference's rules on a tiny hand-made file.

Run:  .venv/bin/python -m pytest tests/python/test_funnel_marts_reference.py -q
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import (
    Case,
    copy_sample_as_raw_files,
    generate_raw,
    read_raw_text,
    run_dbt,
    write_raw,
)
from reference.common import RAW_COLUMNS, numeric
from reference.compare import TOLERANCES, as_timestamp, compare, compare_one_row, is_missing
from reference.funnel import FunnelReference, compute

GENERATED = {"gen_s21_light": (21, "light"), "gen_s22_heavy": (22, "heavy")}
DATASETS = [*GENERATED, "sample"]
HEAVY = "gen_s22_heavy"

MONEY_TOL = TOLERANCES["money"]
FLOAT_TOL = TOLERANCES["float"]
NO_SESSION = "<sessionised>"


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------

# the reference of a raw folder, computed once
reference = cache(compute)


@pytest.fixture(scope="session")
def funnel_raw(tmp_path_factory) -> dict[str, Path]:
    """name -> raw_path folder: the generator's output for the two (seed, messiness) settings
    and the committed sample, written once."""
    out = {}
    for name, (seed, messiness) in GENERATED.items():
        out[name] = generate_raw(tmp_path_factory.mktemp(f"funnel_raw_{name}"), customers=400,
                                 events=40000, seed=seed, messiness=messiness)
    out["sample"] = copy_sample_as_raw_files(tmp_path_factory.mktemp("funnel_raw_sample"))
    return out


@pytest.fixture(scope="module", params=DATASETS)
def case(request, tmp_path_factory, funnel_raw) -> Case[FunnelReference]:
    name = request.param
    raw_dir = funnel_raw[name]
    build = run_dbt(["build"], tmp_path_factory.mktemp(f"funnel_build_{name}"),
                    {"raw_path": str(raw_dir), "enable_commerce": False})
    assert build.success, f"dbt build (events only) on {name} ({raw_dir}) failed"
    return Case(name, raw_dir, build, reference(str(raw_dir)))


# --------------------------------------------------------------------------------------------
# comparison helpers
# --------------------------------------------------------------------------------------------

def _stage_or_none(s: pd.Series) -> pd.Series:
    """A stage column of the mart: NULL means no stage reached, i.e. `none`."""
    return s.map(lambda v: "none" if is_missing(v) else str(v).strip().lower())


# --------------------------------------------------------------------------------------------
# the data sets are not vacuous, and the reference itself is sane (no dbt needed)
# --------------------------------------------------------------------------------------------

def _same_second(ev: pd.DataFrame, types: set[str]) -> int:
    """(session, second) groups holding every event type of `types`."""
    g = ev.groupby(["session_key", "event_time"])["event_type"].agg(set)
    return int(g.map(lambda x: types <= x).sum())


def _facts(name: str, raw_dir: Path) -> dict[str, float]:
    ref = reference(str(raw_dir))
    ev, users, sessions, k = ref.events, ref.users, ref.sessions, ref.kpis
    raw = read_raw_text(raw_dir, "events")
    price = numeric(raw["price"])
    with_session = ev[ev["user_session"].notna()]
    return {
        "purchasers without any cart event": int(((users["purchases"] > 0)
                                                  & (users["carts"] == 0)).sum()),
        "|cart_to_purchase_user_rate - strict_cart_to_purchase_rate| * 1000": round(
            abs(k["cart_to_purchase_user_rate"] - k["strict_cart_to_purchase_rate"]) * 1000, 3),
        "kept events without a session": int(ev["user_session"].isna().sum()),
        "session ids shared by 2+ users": int(
            (with_session.groupby("user_session")["user_id"].nunique() > 1).sum()),
        "sessions whose strict stage differs from the open one": int(
            (sessions["furthest_stage"] != sessions["strict_furthest_stage"]).sum()),
        "(session, second) with a view and a cart": _same_second(ev, {"view", "cart"}),
        "(session, second) with a cart and a purchase": _same_second(ev, {"cart", "purchase"}),
        "multi_purchase users": int((users["behavior_segment"] == "multi_purchase").sum()),
        "cart_abandoner users": int((users["behavior_segment"] == "cart_abandoner").sum()),
        "high value users": int(users["is_high_value"].sum()),
        "brands and categories missing on some events": int(
            min(ref.completeness["events_missing"])),
        "products with views in the recent window": int((ref.products["recent_views"] > 0).sum()),
        "products with views only before the recent window": int(
            ((ref.products["views"] > 0) & (ref.products["recent_views"] == 0)).sum()),
        "cohorts": int(ref.user_cohorts["cohort_month"].nunique()),
        "returning user-months": int(ref.new_vs_returning.loc[
            ref.new_vs_returning["user_type"] == "returning", "users"].sum()),
        "raw exact duplicate rows": int(raw.duplicated().sum()),
        "raw rows with price <= 0": int((price <= 0).sum()),
    }


@pytest.mark.parametrize("name", DATASETS)
def test_data_exercises_the_interesting_cases(name, funnel_raw):
    facts = _facts(name, funnel_raw[name])
    required = [k for k in facts if not k.startswith("raw ")]
    if name == HEAVY:
        required += ["raw exact duplicate rows", "raw rows with price <= 0"]
    empty = [k for k in required if not facts[k] > 0]
    assert not empty, f"{name}: the data does not exercise {empty}; all facts: {facts}"


def test_some_data_set_has_more_purchasers_than_cart_users(funnel_raw):
    """The contract's honesty case: the naive purchasers / cart users ratio exceeds 1, overall
    or on some day, in at least one data set."""
    ratios = {}
    for name in DATASETS:
        ref = reference(str(funnel_raw[name]))
        ratios[name] = (ref.kpis["cart_to_purchase_user_rate"],
                        float(ref.daily["cart_to_purchase_user_rate"].max()))
    assert any(overall > 1 or daily > 1 for overall, daily in ratios.values()), (
        f"no data set has purchasers / cart users > 1 (overall, best day): {ratios}")


@pytest.mark.parametrize("name", DATASETS)
def test_reference_is_sane(name, funnel_raw):
    """Self-test of the oracle: its outputs agree with each other and with the raw file."""
    raw_dir = funnel_raw[name]
    ref = reference(str(raw_dir))
    ev, s, u, k = ref.events, ref.sessions, ref.users, ref.kpis
    raw = read_raw_text(raw_dir, "events")
    assert len(raw) == len(ev) + sum(ref.cleaning.values())
    assert (ev["price"] > 0).all() and not ev.duplicated(RAW_COLUMNS["events"]).any()
    # sessions partition the events; every session belongs to one user
    assert s["events"].sum() == len(ev) == u["events"].sum()
    assert s["session_key"].is_unique and len(s) == k["total_sessions"] == ev[
        "session_key"].nunique()
    assert (s.groupby("session_key")["user_id"].nunique() == 1).all()
    assert (s["started_at"] <= s["ended_at"]).all()
    # kpis
    assert k["total_users"] == len(u) == ev["user_id"].nunique()
    assert k["view_events"] + k["cart_events"] + k["purchase_events"] + int(
        (ev["event_type"] == "remove_from_cart").sum()) == len(ev)
    assert k["strict_cart_users"] <= k["cart_users"] and k["strict_purchasers"] <= min(
        k["purchasers"], k["strict_cart_users"])
    assert np.isclose(k["revenue"], s["revenue"].sum(), **MONEY_TOL)
    assert np.isclose(k["revenue"], u["revenue"].sum(), **MONEY_TOL)
    assert np.isclose(k["revenue"], ref.products["revenue"].sum(), **MONEY_TOL)
    for perf in (ref.brands, ref.categories):
        assert np.isclose(k["revenue"], perf["revenue"].sum(), **MONEY_TOL)
        assert perf["purchases"].sum() == k["purchase_events"]
        assert np.isclose(perf["revenue_share"].sum(), 1.0, **FLOAT_TOL)
        assert sorted(perf["revenue_rank"]) == list(range(1, len(perf) + 1))
    # segments partition the users; transactions = purchasing sessions
    seg = u["behavior_segment"].value_counts()
    assert seg.sum() == len(u)
    assert u["transactions"].sum() == int((s["purchases"] > 0).sum())
    assert seg.get("single_purchase", 0) + seg.get("multi_purchase", 0) == k["purchasers"]
    assert ((u["transactions"] > 0) == (u["purchase_events"] > 0)).all()
    assert u["is_high_value"].sum() == -(-k["purchasers"] // 10)   # ceil(10 %)
    assert (u.loc[u["is_high_value"], "revenue"].min()
            >= u.loc[~u["is_high_value"], "revenue"].max())
    # the stage columns agree with the counts
    assert ((s["furthest_stage"] == "purchase") == (s["purchases"] > 0)).all()
    strict_rank = s["strict_furthest_stage"].map({"none": 0, "view": 1, "cart": 2,
                                                  "purchase": 3})
    open_rank = s["furthest_stage"].map({"none": 0, "view": 1, "cart": 2, "purchase": 3})
    assert (strict_rank <= open_rank).all()      # the strict funnel never goes further
    assert ((s["strict_furthest_stage"] == "none") == (s["views"] == 0)).all()


def test_reference_rules_on_handmade_data(tmp_path):
    """The oracle's own edge cases, on a tiny hand-made events file (no dbt)."""
    T = "2024-01-01 {} UTC".format
    BIG = "1515915625519388267"
    phone, tv = "electronics.phone", "electronics.tv"
    # event_time, event_type, product_id, category_id, category_code, brand, price, user, session
    rows = [
        # user 12, session S1: a cart before any view (not strict), then view, cart and
        # purchase in the same second (written cart, view, purchase): strict cart + purchase
        (T("10:00:00"), "cart", "1", "100", "Electronics.Phone", " Apple ", "10.00", "12", "S1"),
        (T("10:00:05"), "cart", "1", "100", phone, "apple", "10.00", "12.0", "S1"),
        (T("10:00:05"), "view", "1", "100", phone, "", "10.00", "12", " S1 "),
        (T("10:00:05"), "purchase", "1", "100", "", "apple", "10.00", "12", "S1"),
        (T("10:00:05"), "purchase", "1", "100", "", "apple", "10.00", "12", "S1"),   # exact dup
        # user 12, session S9: a second transaction, product 2 bought without viewing it
        (T("12:00:00"), "purchase", "2", "", "", "samsung", "30.00", "12", "S9"),
        # user 13 shares session id S1: view and purchase in one second, no cart at all
        (T("11:00:00"), "purchase", "1", "100", phone, "apple", "10.00", "13", "S1"),
        (T("11:00:00"), "view", "1", "100", phone, "apple", "10.00", "13", "S1"),
        # user 14: view, purchase, then cart: strict cart but no strict purchase
        (T("09:00:00"), "view", "2", "200", tv, "samsung", "30.00", "14", "S2"),
        (T("09:01:00"), "purchase", "2", "200", tv, "samsung", "40.00", "14", "S2"),
        (T("09:02:00"), "cart", "2", "200", tv, "samsung", "30.00", "14", "S2"),
        # user 15 without session: 08:00 and 08:30 (exactly 30 min: one session), 09:00:01
        # (30 min 1 s later: a new one); plus session S3 starting the same second as #1
        (T("08:00:00"), "view", "3", "", "", "b", "5.00", "15", ""),
        (T("08:30:00"), "view", "3", "", "", "a", "5.00", "15", "   "),
        (T("09:00:01"), "cart", "5", "", "", "zzz", "5.00", "15", ""),
        (T("08:00:00"), "remove_from_cart", "3", "", "", "a", "5.00", "15", "S3"),
        # a 19-digit user without session
        (T("08:10:00"), "view", "3", "", "", "b", "5.00", BIG, ""),
        # normalisation: padded time, type, code, brand
        ("  2024-01-01 07:00:00 UTC ", " VIEW ", "2", "", " Home.Kitchen ", " IKEA ", "7.50",
         "17", "S4"),
        # dropped rows (user 16 has nothing else)
        (T("07:00:00"), "view", "4", "", "", "", "0", "16", "S5"),
        (T("07:00:00"), "view", "4", "", "", "", "-1.5", "16", "S5"),
        (T("07:00:01"), "view", "4", "", "", "", "abc", "16", "S5"),
        (T("07:00:02"), "view", "4", "", "", "", "", "16", "S5"),
        ("2024-13-01 00:00:00 UTC", "view", "4", "", "", "", "1.00", "16", "S5"),
        ("yesterday", "view", "4", "", "", "", "1.00", "16", "S5"),
        (T("07:00:03"), "view", "4", "", "", "", "1.00", "12.5", "S5"),
        (T("07:00:04"), "view", "4", "", "", "", "1.00", "", "S5"),
        (T("07:00:05"), "view", " ", "", "", "", "1.00", "16", "S5"),  # blank product
        (T("07:00:06"), "view", "4", "abc", "", "", "1.00", "16", "S5"),
        (T("07:00:07"), "click", "4", "", "", "", "1.00", "16", "S5"),
    ]
    ref = compute(write_raw(tmp_path, "events", rows))
    assert ref.cleaning == {"exact_duplicate": 1, "bad_price": 4, "bad_event_time": 2,
                            "bad_ids_or_type": 5}
    k = ref.kpis
    assert {c: k[c] for c in ("total_users", "total_sessions", "view_events", "cart_events",
                              "purchase_events", "viewers", "cart_users", "purchasers",
                              "strict_cart_users", "strict_purchasers")} == {
        "total_users": 6, "total_sessions": 9, "view_events": 7, "cart_events": 4,
        "purchase_events": 4, "viewers": 6, "cart_users": 3, "purchasers": 3,
        "strict_cart_users": 3, "strict_purchasers": 1}
    assert k["revenue"] == 90.0 and k["aov"] == 22.5
    assert k["cart_to_purchase_user_rate"] == 1.0 and k["strict_cart_to_purchase_rate"] == 1 / 3
    assert k["strict_view_to_cart_rate"] == 0.5 and k["user_conversion_rate"] == 0.5
    assert k["cart_to_purchase_event_rate"] == 1.0

    s = ref.sessions.set_index("session_key")
    assert s["user_id"].map(int).max() == int(BIG)          # 19 digits kept exactly
    stages = {key: (r.events, r.furthest_stage, r.strict_furthest_stage)
              for key, r in s.iterrows()}
    assert stages == {
        "12|S1": (4, "purchase", "purchase"), "12|S9": (1, "purchase", "none"),
        "13|S1": (2, "purchase", "view"), "14|S2": (3, "purchase", "cart"),
        "15|#1": (2, "view", "view"), "15|#2": (1, "cart", "none"),
        "15|S3": (1, "none", "none"), f"{BIG}|#1": (1, "view", "view"),
        "17|S4": (1, "view", "view")}
    assert s.loc["15|#1", "ended_at"] == pd.Timestamp("2024-01-01 08:30:00")
    assert s.loc["17|S4", "started_at"] == pd.Timestamp("2024-01-01 07:00:00")
    assert s.loc["12|S1", "revenue"] == 10.0

    u = ref.users.set_index("user_id")
    assert u["behavior_segment"].to_dict() == {
        12: "multi_purchase", 13: "single_purchase", 14: "single_purchase",
        15: "cart_abandoner", 17: "view_only", int(BIG): "view_only"}
    assert u["transactions"].to_dict() == {12: 2, 13: 1, 14: 1, 15: 0, 17: 0, int(BIG): 0}
    assert u.loc[[12, 13, 14], "revenue"].tolist() == [40.0, 10.0, 40.0]
    # ceil(0.10 * 3) = 1 high-value user; 12 and 14 tie on 40: the smaller user_id wins
    assert u.index[u["is_high_value"]].tolist() == [12]

    p = ref.products.set_index("product_id")
    assert p.loc["1", ["views", "carts", "purchases", "revenue", "category_code", "brand"]
                 ].tolist() == [2, 2, 2, 20.0, phone, "apple"]
    # product 2: viewers 14 and 17, only 14 bought it (12 bought it without viewing it)
    assert p.loc["2", ["views", "purchases", "revenue", "view_to_purchase_rate", "category_code",
                     "brand"]].tolist() == [2, 2, 70.0, 0.5, tv, "samsung"]
    assert p.loc["3", "view_to_purchase_rate"] == 0.0
    assert p.loc["3", "brand"] == "a" and p.loc["3", "category_code"] == "unknown"  # a/b tie 2-2
    assert pd.isna(p.loc["5", "view_to_purchase_rate"])                         # no viewer
    assert not p["is_high_view_zero_purchase"].any()

    b = ref.brands.set_index("brand")
    assert b["revenue_rank"].to_dict() == {"samsung": 1, "apple": 2, "a": 3, "b": 4, "ikea": 5,
                                           "unknown": 6, "zzz": 7}
    assert b.loc["samsung", "revenue_share"] == 70 / 90
    c = ref.categories.set_index("category_code")
    # unknown and electronics.tv tie on 40: name ascending
    assert c["revenue_rank"].to_dict() == {tv: 1, "unknown": 2, phone: 3, "home.kitchen": 4}
    assert c.loc["unknown", "purchases"] == 2
    comp = ref.completeness.set_index("attribute")
    assert comp.loc["brand"].tolist() == [1, 0, 0.0, 0.0]
    assert comp.loc["category_code"].tolist() == [7, 2, 40.0, 40 / 90]


def test_high_view_zero_purchase_flag_on_handmade_data(tmp_path):
    """200 views and no purchase is flagged; 199 views, or 200 views and one purchase, is not."""
    rows = []
    for product, views, buys in (("1", 200, 0), ("2", 199, 0), ("3", 200, 1)):
        for i in range(views):
            rows.append((f"2024-01-01 00:{i // 60:02d}:{i % 60:02d} UTC", "view", product, "",
                         "", "", "1.00", str(1000 + i), "S"))
        for _ in range(buys):
            rows.append(("2024-01-02 00:00:00 UTC", "purchase", product, "", "", "", "1.00",
                         "1000", "S"))
    p = compute(write_raw(tmp_path, "events", rows)).products.set_index("product_id")
    assert p["is_high_view_zero_purchase"].to_dict() == {"1": True, "2": False, "3": False}
    assert p.loc["3", "view_to_purchase_rate"] == 1 / 200


def test_recent_zero_purchase_window_on_handmade_data(tmp_path):
    """The window of the recent flag: as_of is the latest event (2024-03-31 00:00:00); an
    event exactly 30 days before it is out, one second later in. Product 1: 199 views inside
    and 1 at the boundary: not flagged now (199), flagged of all time (200). Product 2: 200
    views inside, a purchase at the boundary: flagged now, not of all time."""
    def row(time, event_type, product, user):
        return (f"{time} UTC", event_type, product, "", "", "", "1.00", str(user), "S")

    rows = [row("2024-03-01 00:00:00", "view", "1", 1),
            row("2024-03-01 00:00:00", "purchase", "2", 1),
            row("2024-03-31 00:00:00", "view", "3", 1)]
    for i in range(200):
        time = f"2024-03-01 00:00:{1 + i % 59:02d}" if i % 2 else f"2024-03-20 01:{i // 60:02d}:00"
        if i < 199:
            rows.append(row(time, "view", "1", 100 + i))
        rows.append(row(time, "view", "2", 100 + i))
    p = compute(write_raw(tmp_path, "events", rows)).products.set_index("product_id")
    assert p["recent_views"].to_dict() == {"1": 199, "2": 200, "3": 1}
    assert p["recent_purchases"].to_dict() == {"1": 0, "2": 0, "3": 0}
    assert p["is_high_view_zero_purchase"].to_dict() == {"1": True, "2": False, "3": False}
    assert p["is_recent_high_view_zero_purchase"].to_dict() == {"1": False, "2": True, "3": False}


# --------------------------------------------------------------------------------------------
# the comparisons
# --------------------------------------------------------------------------------------------

KPI_COLUMNS = {
    "total_users": "int",
    "total_sessions": "int",
    "view_events": "int",
    "cart_events": "int",
    "purchase_events": "int",
    "revenue": "money",
    "aov": "money",
    "viewers": "int",
    "cart_users": "int",
    "purchasers": "int",
    "user_conversion_rate": "float",
    "view_to_cart_user_rate": "float",
    "cart_to_purchase_user_rate": "float",
    "cart_to_purchase_event_rate": "float",
    "overall_funnel_conversion": "float",
    "strict_view_to_cart_rate": "float",
    "strict_cart_to_purchase_rate": "float",
    "session_conversion_rate": "float",
    "session_view_to_cart_rate": "float",
    "session_cart_to_purchase_rate": "float",
}


def test_funnel_kpis(case: Case):
    mart = case.build.df("select * from marts.funnel_kpis")
    compare_one_row(mart, case.ref.kpis, KPI_COLUMNS, f"[{case.name}] marts.funnel_kpis")


SESSION_COLUMNS = {
    "ended_at": "timestamp",
    "events": "int",
    "views": "int",
    "carts": "int",
    "purchases": "int",
    "revenue": "money",
    "furthest_stage": "text",
    "strict_furthest_stage": "text",
}


def _session_origin(sessions: pd.DataFrame, real_pairs: set[tuple[str, str]]) -> pd.Series:
    """The raw user_session of a session, or NO_SESSION for a session built by the timeout
    rule. A user's session-less session can start in the same second as one of its real
    sessions, so (user_id, started_at) alone is not a key. The mart may give a sessionised
    session a NULL or a made-up user_session: anything that is not one of the user's raw
    session ids counts as NO_SESSION."""
    return pd.Series([
        s if (not is_missing(s) and (str(u), str(s)) in real_pairs) else NO_SESSION
        for u, s in zip(sessions["user_id"], sessions["user_session"], strict=True)
    ], index=sessions.index, dtype=object)


def test_fct_sessions_count(case: Case):
    [(sessions, keys, revenue)] = case.build.query(
        "select count(*), count(distinct session_key), sum(revenue)::double "
        "from marts.fct_sessions")
    ref = case.ref.sessions
    assert (sessions, keys) == (len(ref), len(ref)), (
        f"[{case.name}] marts.fct_sessions: {sessions} rows, {keys} distinct session_key; "
        f"reference {len(ref)} sessions (with a raw user_session "
        f"{int(ref['user_session'].notna().sum())}, sessionised "
        f"{int(ref['user_session'].isna().sum())})")
    assert np.isclose(revenue or 0.0, case.ref.kpis["revenue"], **MONEY_TOL), (
        f"[{case.name}] sum(fct_sessions.revenue) {revenue} != {case.ref.kpis['revenue']}")


def test_fct_sessions_per_session(case: Case):
    mart = case.build.df(
        "select user_id, user_session, started_at, ended_at, events, views, carts, purchases, "
        "revenue, furthest_stage, strict_furthest_stage from marts.fct_sessions")
    ref = case.ref.sessions.copy()
    with_session = ref[ref["user_session"].notna()]
    real = set(zip(with_session["user_id"].astype(str), with_session["user_session"],
                   strict=True))
    mart["origin"] = _session_origin(mart, real)
    ref["origin"] = _session_origin(ref, real)
    for col in ("furthest_stage", "strict_furthest_stage"):
        mart[col] = _stage_or_none(mart[col])
    mart["revenue"] = pd.to_numeric(mart["revenue"]).fillna(0.0)
    mart["started_at"] = as_timestamp(mart["started_at"])
    compare(mart, ref, ["user_id", "started_at", "origin"], SESSION_COLUMNS,
            f"[{case.name}] marts.fct_sessions per (user_id, started_at, user_session)")


SEGMENT_COLUMNS = {
    "behavior_segment": "text",
    "transactions": "int",
    "purchase_events": "int",
    "revenue": "money",
    "is_high_value": "bool",
}


def test_user_behavior_segments_per_user(case: Case):
    mart = case.build.df("select * from marts.user_behavior_segments")
    # a user without purchases: revenue 0 (a NULL sum is the same fact)
    mart["revenue"] = pd.to_numeric(mart["revenue"]).fillna(0.0)
    compare(mart, case.ref.users, ["user_id"], SEGMENT_COLUMNS,
            f"[{case.name}] marts.user_behavior_segments")


def test_user_behavior_segment_counts(case: Case):
    mart = case.build.df(
        "select behavior_segment, count(*) as users, sum(is_high_value::int) as high_value, "
        "sum(revenue)::double as revenue from marts.user_behavior_segments group by 1")
    u = case.ref.users
    ref = u.groupby("behavior_segment").agg(users=("user_id", "size"),
                                            high_value=("is_high_value", "sum"),
                                            revenue=("revenue", "sum")).reset_index()
    mart["revenue"] = pd.to_numeric(mart["revenue"]).fillna(0.0)
    compare(mart, ref, ["behavior_segment"], {"users": "int", "high_value": "int",
                                              "revenue": "money"},
            f"[{case.name}] marts.user_behavior_segments per segment")


PRODUCT_COLUMNS = {
    "views": "int",
    "carts": "int",
    "purchases": "int",
    "revenue": "money",
    "view_to_purchase_rate": "float",
    "is_high_view_zero_purchase": "bool",
    "recent_views": "int",
    "recent_purchases": "int",
    "is_recent_high_view_zero_purchase": "bool",
}


def test_product_performance(case: Case):
    mart = case.build.df("select * from marts.product_performance_v2")
    mart["revenue"] = pd.to_numeric(mart["revenue"]).fillna(0.0)
    compare(mart, case.ref.products, ["product_id"], PRODUCT_COLUMNS,
            f"[{case.name}] marts.product_performance_v2")


def test_product_performance_attributes(case: Case):
    """category_code and brand of a product: its events' most frequent value (ties: smallest),
    `unknown` when none."""
    mart = case.build.df("select product_id, category_code, brand "
                         "from marts.product_performance_v2")
    compare(mart, case.ref.products, ["product_id"], {"category_code": "text", "brand": "text"},
            f"[{case.name}] marts.product_performance_v2 category_code / brand")


PERFORMANCE_COLUMNS = {
    "purchases": "int",
    "revenue": "money",
    "revenue_share": "float",
    "revenue_rank": "int",
}


def _compare_performance(case: Case, mart_name: str, column: str, ref: pd.DataFrame) -> None:
    """Every value with revenue is compared in full. A value with events but no purchase may be
    listed by the mart (then all of them, with ranks after the others) or left out."""
    mart = case.build.df(f"select * from marts.{mart_name}")
    for col in ("purchases", "revenue"):
        if col in mart.columns:
            mart[col] = pd.to_numeric(mart[col]).fillna(0)
    what = f"[{case.name}] marts.{mart_name}"
    if "purchases" in mart.columns and (mart["purchases"] == 0).any():
        zero_mart = set(mart.loc[mart["purchases"] == 0, column].map(str))
        zero_ref = set(ref.loc[ref["purchases"] == 0, column])
        assert zero_mart == zero_ref, (
            f"{what}: values without purchases differ: only in mart "
            f"{sorted(zero_mart - zero_ref)}, only in reference {sorted(zero_ref - zero_mart)}")
    else:
        ref = ref[ref["purchases"] > 0]
    compare(mart, ref, [column], PERFORMANCE_COLUMNS, what)


def test_brand_performance(case: Case):
    _compare_performance(case, "brand_performance", "brand", case.ref.brands)


def test_category_performance(case: Case):
    _compare_performance(case, "category_performance", "category_code", case.ref.categories)


COMPLETENESS_COLUMNS = {
    "events_missing": "int",
    "purchases_missing": "int",
    "revenue_missing": "money",
    "revenue_share_missing": "float",
}


def test_catalog_completeness(case: Case):
    mart = case.build.df("select * from marts.catalog_completeness")
    mart["revenue_missing"] = pd.to_numeric(mart["revenue_missing"]).fillna(0.0)
    compare(mart, case.ref.completeness, ["attribute"], COMPLETENESS_COLUMNS,
            f"[{case.name}] marts.catalog_completeness")



ABANDONER_COLUMNS = {
    "abandoning_users": "int",
    "cart_events": "int",
    "carted_value": "money",
    "value_share": "float",
    "value_rank": "int",
}


@pytest.mark.parametrize("mart_name, column", [("cart_abandoner_brands", "brand"),
                                                ("cart_abandoner_categories", "category_code")])
def test_cart_abandoner_marts(case: Case, mart_name: str, column: str):
    """What cart abandoners (a cart event, no purchase event) put in their carts, per value
    of each cart event's own brand / category_code (`unknown` when empty)."""
    ref = case.ref.abandoner_brands if column == "brand" else case.ref.abandoner_categories
    assert len(ref) > 1 and "unknown" in set(ref[column]), (
        f"[{case.name}] the data has no cart abandoner cart event without a {column}")
    mart = case.build.df(f"select * from marts.{mart_name}")
    compare(mart, ref, [column], ABANDONER_COLUMNS, f"[{case.name}] marts.{mart_name}")

ACTIVITY_COLUMNS = {
    "bucket_order": "int",
    "events": "int",
    "views": "int",
    "carts": "int",
    "purchases": "int",
    "revenue": "money",
    "users": "int",
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def activity_reference(ev: pd.DataFrame) -> pd.DataFrame:
    """activity_patterns from the reference's clean events: per hour of the day (UTC),
    day of the week (Monday first) and month, the events by type, revenue and distinct users."""
    t = ev["event_time"]
    revenue = ev["price"].where(ev["event_type"] == "purchase", 0.0)
    grains = {
        "hour": (t.dt.hour.map(lambda h: f"{h:02d}"), t.dt.hour),
        "weekday": (t.dt.weekday.map(lambda d: WEEKDAYS[d]), t.dt.weekday + 1),
        "month": (t.dt.strftime("%Y-%m"), t.dt.year * 100 + t.dt.month),
    }
    frames = []
    for grain, (bucket, order) in grains.items():
        frame = pd.DataFrame({
            "bucket": bucket, "bucket_order": order, "event_type": ev["event_type"],
            "revenue": revenue, "user_id": ev["user_id"],
        })
        grouped = frame.groupby(["bucket", "bucket_order"]).agg(
            events=("event_type", "size"),
            views=("event_type", lambda s: int((s == "view").sum())),
            carts=("event_type", lambda s: int((s == "cart").sum())),
            purchases=("event_type", lambda s: int((s == "purchase").sum())),
            revenue=("revenue", "sum"),
            users=("user_id", "nunique"),
        ).reset_index()
        grouped.insert(0, "time_grain", grain)
        frames.append(grouped)
    return pd.concat(frames, ignore_index=True)


def test_activity_patterns(case: Case):
    mart = case.build.df("select * from marts.activity_patterns")
    compare(mart, activity_reference(case.ref.events), ["time_grain", "bucket"],
            ACTIVITY_COLUMNS, f"[{case.name}] marts.activity_patterns")


def _compare_by_month(case: Case, mart_name: str, keys: list[str], columns: dict[str, str],
                      ref: pd.DataFrame) -> None:
    """A mart keyed by a month or a day (its first key, a date) and more keys, against the
    reference; the date is compared as YYYY-MM-DD whatever type it comes as."""
    mart = case.build.df(f"select * from marts.{mart_name}")
    ref = ref.copy()
    for df in (mart, ref):
        df[keys[0]] = df[keys[0]].map(lambda v: None if is_missing(v)
                                      else pd.Timestamp(v).strftime("%Y-%m-%d"))
    compare(mart, ref, keys, columns, f"[{case.name}] marts.{mart_name}")


STAGE_COLUMNS = {
    "stage_order": "int",
    "users": "int",
    "conversion_from_previous": "float",
    "share_of_first_stage": "float",
}


def test_funnel_user_cohorts(case: Case):
    _compare_by_month(case, "funnel_user_cohorts", ["cohort_month", "funnel_type", "stage"],
                      STAGE_COLUMNS, case.ref.user_cohorts)


NEW_VS_RETURNING_COLUMNS = {
    "users": "int",
    "viewers": "int",
    "cart_users": "int",
    "purchasers": "int",
    "view_to_cart_user_rate": "float",
    "cart_to_purchase_user_rate": "float",
    "user_conversion_rate": "float",
}


def test_funnel_new_vs_returning(case: Case):
    _compare_by_month(case, "funnel_new_vs_returning", ["event_month", "user_type"],
                      NEW_VS_RETURNING_COLUMNS, case.ref.new_vs_returning)


def test_funnel_stages_session_funnel(case: Case):
    """funnel_type session of funnel_stages: sessions, in order within the session."""
    mart = case.build.df("select * from marts.funnel_stages where funnel_type = 'session'")
    compare(mart, case.ref.session_stages, ["funnel_type", "stage"], STAGE_COLUMNS,
            f"[{case.name}] marts.funnel_stages (session)")


def test_funnel_daily_sessions(case: Case):
    """funnel_daily's session columns: sessions with an event on the day, those with a
    purchase event on the day, and their ratio."""
    _compare_by_month(case, "funnel_daily", ["event_date"],
                      {"sessions": "int", "purchase_sessions": "int",
                       "session_conversion_rate": "float"}, case.ref.daily)
