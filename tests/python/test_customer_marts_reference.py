"""Differential test: the customer marts built by dbt against an independent pandas reference.

The reference (tests/python/reference/customers.py) reads the raw CSV files directly and applies
the business rules of docs/overview.md with the default vars (its cart side comes from
reference/carts.py); it never reads a dbt table. Each test below compares one mart with it, on
three data sets:

  ecomgen_sample      the third-party ecomgen sample (conftest fixture `ecomgen_sample_build`)
  gen_s41_light   scripts/generate_data.py --customers 500 --events 20000 --seed 41 light
  gen_s42_heavy   scripts/generate_data.py --customers 500 --events 20000 --seed 42 heavy

Each data set is generated and built once (module-scoped parametrised fixture `case`).
A failing comparison prints the differing rows (mart side `_mart`, reference side `_ref`).

Tests without dbt (they check the data and the oracle itself):
  test_data_exercises_the_customer_cases, test_reference_is_sane,
  test_reference_rules_on_handmade_data
Comparisons (one mart, or one aspect of it, each):
  test_dim_customers_rows_and_identity, test_dim_customers_per_customer,
  test_top_revenue_customers, test_rfm_segments, test_customer_cohort_retention,
  test_customer_kpis

Run:  .venv/bin/python -m pytest tests/python/test_customer_marts_reference.py -q
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import ECOMGEN_SAMPLE_DIR, Case, generate_raw, run_dbt, write_raw
from reference.common import RAW_COLUMNS
from reference.compare import SHOW_ROWS, TOLERANCES, compare, compare_one_row, is_missing
from reference.customers import CustomerReference, compute, first_orders, ntile

GENERATED = {"gen_s41_light": (41, "light"), "gen_s42_heavy": (42, "heavy")}
DATASETS = ["ecomgen_sample", *GENERATED]

MONEY_TOL = TOLERANCES["money"]
FLOAT_TOL = TOLERANCES["float"]
# durations in days: the reference is exact to the microsecond; a SQL that counts whole
# seconds (date_diff('second')) is off by < 1 s = 1.16e-5 days, which is not a business error
DAYS_TOL = TOLERANCES["days"]


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------

# the reference of a raw folder, computed once
reference = cache(compute)


@pytest.fixture(scope="module")
def raw_dirs(tmp_path_factory) -> dict[str, Path]:
    """Every data set's raw folder; the generator's output is written once per module."""
    out = {"ecomgen_sample": ECOMGEN_SAMPLE_DIR}
    for name, (seed, messiness) in GENERATED.items():
        out[name] = generate_raw(tmp_path_factory.mktemp(f"raw_customers_{name}"),
                                 customers=500, events=20000, seed=seed, messiness=messiness)
    return out


@pytest.fixture(scope="module", params=DATASETS)
def case(request, tmp_path_factory, raw_dirs) -> Case[CustomerReference]:
    name = request.param
    raw_dir = raw_dirs[name]
    if name == "ecomgen_sample":
        build = request.getfixturevalue("ecomgen_sample_build")
    else:
        build = run_dbt(["build"], tmp_path_factory.mktemp(f"build_customers_{name}"),
                        {"raw_path": str(raw_dir)})
        assert build.success, f"dbt build on {name} ({raw_dir}) failed"
    return Case(name, raw_dir, build, reference(str(raw_dir)))


# --------------------------------------------------------------------------------------------
# comparison helpers (as in test_cart_marts_reference.py, plus a `days` kind)
# --------------------------------------------------------------------------------------------

def _as_date_text(v) -> str | None:
    return None if is_missing(v) else pd.Timestamp(v).strftime("%Y-%m-%d")


def _units(values) -> np.ndarray:
    """Money -> exact integer units of 0.0001."""
    return np.round(pd.to_numeric(pd.Series(values), errors="coerce").astype(float)
                    .to_numpy() * 10_000).astype("int64")


def top_revenue_problems(customer_ids, revenue, flagged, share: float) -> list[str]:
    """What is wrong with a flagged top-revenue set, judged from the values alone: it must be
    the prefix of the ranking (revenue desc, customer_id asc) that reaches `share` of all
    revenue and is the shortest such prefix."""
    frame = pd.DataFrame({"customer_id": list(customer_ids), "units": _units(revenue),
                          "flagged": [bool(f) for f in flagged]})
    frame = frame.sort_values(["units", "customer_id"], ascending=[False, True],
                              kind="mergesort").reset_index(drop=True)
    total = int(frame["units"].sum())
    n_top = int(frame["flagged"].sum())
    problems = []
    if not frame["flagged"].iloc[:n_top].all():
        problems.append("the flagged customers are not a prefix of the revenue ranking "
                        f"(first unflagged at rank {int((~frame['flagged']).idxmax()) + 1}, "
                        f"{n_top} flagged)")
    top_units = int(frame.loc[frame["flagged"], "units"].sum())
    if total > 0 and not top_units >= share * total:
        problems.append(f"the flagged revenue {top_units / 1e4} does not reach {share:.0%} of "
                        f"{total / 1e4}")
    if n_top:
        smallest = int(frame.loc[frame["flagged"], "units"].iloc[-1])
        if top_units - smallest >= share * total:
            problems.append(f"the set is not minimal: without its last member the flagged "
                            f"revenue {(top_units - smallest) / 1e4} still reaches {share:.0%}")
    return problems


# --------------------------------------------------------------------------------------------
# the data sets are not vacuous, and the reference itself is sane (no dbt needed)
# --------------------------------------------------------------------------------------------

def _band(ref: CustomerReference, band_type: str, value: str) -> pd.DataFrame:
    v = ref.value_bands
    return v[(v["band_type"] == band_type) & (v["band_value"] == value)]


@pytest.mark.parametrize("name", DATASETS)
def test_data_exercises_the_customer_cases(name, raw_dirs):
    ref = reference(str(raw_dirs[name]))
    dim, buyers, retention = ref.dim_customers, ref.buyers, ref.cohort_retention
    statuses = dim["activity_status"].value_counts()
    f_per_orders = buyers.groupby("orders")["f_score"].nunique()
    m_per_revenue = buyers.groupby("revenue_units")["m_score"].nunique()
    later = retention[retention["months_since_first_order"] > 0]
    facts = {  # description: (value, minimum)
        "repeat buyers (2+ orders)": ((buyers["orders"] >= 2).sum(), 1),
        "buyers with 3+ orders": ((buyers["orders"] >= 3).sum(), 1),
        "buyers tied on orders": (buyers["orders"].duplicated().sum(), 1),
        "order counts whose tied buyers straddle an f_score boundary":
            ((f_per_orders > 1).sum(), 1),
        "cohorts": (retention["cohort_month"].nunique(), 3),
        "activity_status active": (statuses.get("active", 0), 1),
        "activity_status at_risk": (statuses.get("at_risk", 0), 1),
        "activity_status inactive": (statuses.get("inactive", 0), 1),
        "activity_status never_ordered": (statuses.get("never_ordered", 0), 1),
        "top revenue customers": (dim["is_top_revenue_customer"].sum(), 2),
        "buyers not top revenue": ((~buyers["is_top_revenue_customer"]).sum(), 1),
        "rfm segments present": (buyers["rfm_segment"].nunique(), 8),
        "retention cells after month 0 with active customers": (
            (later["active_customers"] > 0).sum(), 1),
        "retention cells after month 0 with none active": (
            (later["active_customers"] == 0).sum(), 1),
        "guest buyers": (buyers["is_guest"].sum(), 1),
        "customers with an abandoned cart": ((dim["abandoned_carts"] > 0).sum(), 1),
        "kept carts not matched to an order": (ref.carts.carts["order_id"].isna().sum(), 1),
        "customers of unknown age": (_band(ref, "age_band", "unknown")["customers"].sum(), 1),
        "age bands with customers": ((ref.value_bands["band_type"] == "age_band").sum(), 4),
        "purchase interval bands with customers": (
            (ref.value_bands["band_type"] == "purchase_interval_bucket").sum(), 4),
        "buyers whose first order was discounted": (
            ref.discount_repeat.loc[ref.discount_repeat["first_order_discounted"],
                                    "buyers"].sum(), 1),
        "buyers whose first order was not discounted": (
            ref.discount_repeat.loc[~ref.discount_repeat["first_order_discounted"].astype(bool),
                                    "buyers"].sum(), 1),
    }
    too_few = {k: int(v) for k, (v, minimum) in facts.items() if v < minimum}
    # revenue ties are rare in this data: reported, not required
    facts["revenue values shared by buyers in different m_scores (info)"] = (
        (m_per_revenue > 1).sum(), 0)
    assert not too_few, (f"{name}: the data does not exercise {too_few}; all facts: "
                         f"{ {k: int(v) for k, (v, _) in facts.items()} }")


@pytest.mark.parametrize("name", DATASETS)
def test_reference_is_sane(name, raw_dirs):
    """Self-test of the oracle: totals add up, the scores are ntile bins, segments and cohorts
    partition the buyers, the top-revenue set is minimal."""
    ref = reference(str(raw_dirs[name]))
    dim, buyers, orders = ref.dim_customers, ref.buyers, ref.orders
    assert dim["customer_id"].is_unique
    assert set(orders["customer_id"]) == set(buyers["customer_id"])
    assert int(dim["orders"].sum()) == len(orders)
    assert np.isclose(dim["lifetime_revenue"].sum(), orders["net_total"].sum(), **MONEY_TOL)
    assert int(dim["carts"].sum()) == len(ref.carts.carts)
    assert set(ref.customers["customer_id"]) <= set(dim["customer_id"])
    assert (dim.loc[dim["orders"] == 0, ["r_score", "f_score", "m_score", "rfm_segment",
                                         "aov", "recency_days"]].isna().all().all())
    assert not dim.loc[dim["orders"] == 0, "is_top_revenue_customer"].any()
    assert (buyers["recency_days"] >= 0).all()
    assert buyers["avg_days_between_orders"].notna().eq(buyers["orders"] >= 2).all()
    bins = ref.rules.rfm_bins
    want_sizes = np.bincount(ntile(len(buyers), bins), minlength=bins + 1)[1:]
    for col, by, ascending in (("r_score", "recency_days", False), ("f_score", "orders", True),
                               ("m_score", "revenue_units", True)):
        sizes = np.bincount(buyers[col].astype(int), minlength=bins + 1)[1:]
        assert (sizes == want_sizes).all(), (col, sizes, want_sizes)
        assert max(want_sizes) - min(want_sizes) <= 1
        ordered = buyers.sort_values([by, "customer_id"], ascending=[ascending, True])
        assert ordered[col].is_monotonic_increasing, col
    assert buyers["rfm_segment"].notna().all()
    seg = ref.rfm_segments
    assert int(seg["customers"].sum()) == len(buyers)
    assert np.isclose(seg["customer_share"].sum(), 1.0) and np.isclose(seg["revenue_share"]
                                                                        .sum(), 1.0)
    ret = ref.cohort_retention
    first = ret[ret["months_since_first_order"] == 0]
    assert (first["retention_rate"] == 1.0).all()
    assert int(first["cohort_customers"].sum()) == len(buyers)
    assert int(ret.groupby("cohort_month").size().iloc[-1]) >= 1
    assert (ret["cohort_month"].max().to_period("M") <= ref.as_of.to_period("M"))
    problems = top_revenue_problems(dim["customer_id"], dim["lifetime_revenue"],
                                    dim["is_top_revenue_customer"], ref.rules.top_revenue_share)
    assert not problems, problems


def test_reference_rules_on_handmade_data(tmp_path):
    """The oracle's own edge cases, on a tiny hand-made raw folder (no dbt).

    as_of = 2024-03-31 12:00 (the last order). Buyers and their orders (net_total):
      CUST-1   01-10 100, 02-10 50, 03-31 12:00 10   3 orders, 160, avg gap 40.75 d, recency 0
      CUST-2   03-20 12:00 200 (+ one negative order, quarantined)         recency 11
      GUEST-3  01-05 30, 01-20 30                    avg gap 15 d, recency 71.5
      GUEST-4  02-04 12:00 200                       recency exactly 56: at_risk
      CUST-5   02-04 11:59:59 20 (customer row quarantined: unknown)   56 d + 1 s: inactive
      CUST-12  03-17 12:00 160 (a duplicate order_id row with 999 is dropped)   exactly 14: active
      GUEST-77 01-20 0 (not in customers: unknown, guest by prefix)      ties GUEST-3 on recency
    """
    blank = {c: "" for c in RAW_COLUMNS["customers"]}
    cust = lambda i, **kw: {**blank, "customer_id": i, **kw}  # noqa: E731
    write_raw(tmp_path, "customers", [
        cust("CUST-1", is_guest=" TRUE ", signup_date="2023-12-01", age="30.0"),
        cust("CUST-2", is_guest="", age="nan"),                    # blank flag: by prefix
        cust("GUEST-3", is_guest="", age="NaN"),                   # blank flag: by prefix
        cust("GUEST-4", is_guest="no"),                            # parsed flag wins
        cust("CUST-5", is_guest="False", age="abc"),               # bad age: quarantined
        cust("CUST-6", loyalty_enrollment_date="2024-02-30"),      # not a date: quarantined
        cust("CUST-7", loyalty_enrollment_date="2024/02/01"),      # not YYYY-MM-DD
        cust("CUST-8", email_verified="maybe"),                    # bad boolean
        cust("CUST-9", signup_date="not a date"),                  # bad signup_date
        cust("CUST-10", first_name="Bob", is_guest="0"),           # duplicate key: Ann kept
        cust("CUST-10", first_name="Ann", is_guest="1"),
        cust("CUST-11", is_guest="False", signup_channel=" Web "),
        cust("CUST-11", is_guest="False", signup_channel=" Web "),  # exact duplicate
        cust("CUST-12", is_guest="F", email_verified="t", marketing_opt_in="Yes", age="41",
             loyalty_enrollment_date="2024-02-29"),
        cust(" ", is_guest="True"),                                # blank id
    ])
    order = lambda i, c, d, n, items="1": dict(  # noqa: E731
        order_id=i, customer_id=c, order_date=d, gross_total=n, net_total=n, total_items=items)
    write_raw(tmp_path, "orders", [
        order("O1", "CUST-1", "2024-01-10T00:00:00.000000", "100"),
        order("O2", "CUST-1", "2024-02-10 00:00:00", "50.0"),
        order("O3", "CUST-1", "2024-03-31T12:00:00.000000", "10"),
        order("O4", "CUST-1", "garbage", "10"),                          # bad date
        order("O5", "CUST-2", "2024-03-20T12:00:00.000000", "200"),
        order("O6", "CUST-2", "2024-03-21T12:00:00.000000", "-5"),       # negative net
        order("O7", "GUEST-3", "2024-01-05T00:00:00.000000", "30"),
        order("O8", "GUEST-3", "2024-01-20T00:00:00.000000", "30"),
        order("O9", "GUEST-4", "2024-02-04T12:00:00.000000", "200"),
        order("O9", "GUEST-4", "2024-02-04T12:00:00.000000", "200"),     # exact duplicate
        order("O10", "CUST-5", "2024-02-04T11:59:59.000000", "20"),
        order("O11", "CUST-12", "2024-03-17T12:00:00.000000", "160"),
        order("O11", "CUST-12", "2024-03-17T12:00:00.000000", "999", "2"),  # duplicate key
        order("O12", "GUEST-77", "2024-01-20T00:00:00.000000", "0.0"),
        order("O13", "", "2024-01-20T00:00:00.000000", "5"),             # blank customer
    ])
    cart = lambda i, c, cr, up, st: dict(cart_id=i, customer_id=c, created_at=cr,  # noqa
                                         updated_at=up, cart_total="", status=st)
    write_raw(tmp_path, "shopping_carts", [
        cart("K1", "CUST-1", "2024-01-10T00:00:00.000000", "2024-01-10T00:00:00.000000",
             "converted"),                                               # matches O1
        cart("K2", "CUST-1", "2024-03-01T00:00:00.000000", "2024-03-01T01:00:00.000000",
             "abandoned"),
        cart("K3", "X-99", "2024-03-02T00:00:00.000000", "", "Abandoned"),
        cart("K4", "X-99", "2024-03-02T00:00:00.000000", "", "emptied"),
        cart("K5", "CUST-2", "2024-03-31T11:00:00.000000", "2024-03-31T11:00:00.000000",
             "open"),                                                    # in flight
        cart("K6", "CUST-10", "2024-03-20T00:00:00.000000", "", "open"),  # aged: abandoned
        cart("K7", "CUST-2", "2024-03-25T00:00:00.000000", "", "converted"),  # no order
    ])
    write_raw(tmp_path, "cart_items", [
        dict(cart_item_id="1", cart_id="K2", product_id="1",
             added_at="2024-03-01T00:30:00.000000", quantity="1", unit_price="5"),
    ])

    ref = compute(tmp_path)
    assert ref.as_of == pd.Timestamp("2024-03-31T12:00:00")
    dim = ref.dim_customers.set_index("customer_id")
    assert sorted(dim.index) == ["CUST-1", "CUST-10", "CUST-11", "CUST-12", "CUST-2", "CUST-5",
                                 "GUEST-3", "GUEST-4", "GUEST-77", "X-99"]
    assert dim["is_known_customer"].to_dict() == {
        "CUST-1": True, "CUST-10": True, "CUST-11": True, "CUST-12": True, "CUST-2": True,
        "CUST-5": False, "GUEST-3": True, "GUEST-4": True, "GUEST-77": False, "X-99": False}
    assert dim["is_guest"].to_dict() == {
        "CUST-1": True, "CUST-10": True, "CUST-11": False, "CUST-12": False, "CUST-2": False,
        "CUST-5": False, "GUEST-3": True, "GUEST-4": False, "GUEST-77": True, "X-99": False}
    assert dim.loc["CUST-11", "signup_channel"] == "web"
    assert dim["orders"].to_dict() == {
        "CUST-1": 3, "CUST-10": 0, "CUST-11": 0, "CUST-12": 1, "CUST-2": 1, "CUST-5": 1,
        "GUEST-3": 2, "GUEST-4": 1, "GUEST-77": 1, "X-99": 0}
    assert dim["lifetime_revenue"].to_dict() == {
        "CUST-1": 160.0, "CUST-10": 0.0, "CUST-11": 0.0, "CUST-12": 160.0, "CUST-2": 200.0,
        "CUST-5": 20.0, "GUEST-3": 60.0, "GUEST-4": 200.0, "GUEST-77": 0.0, "X-99": 0.0}
    assert dim.loc["CUST-1", "aov"] == 160 / 3 and pd.isna(dim.loc["CUST-10", "aov"])
    assert dim.loc["CUST-1", "first_ordered_at"] == pd.Timestamp("2024-01-10")
    assert dim.loc["CUST-1", "last_ordered_at"] == pd.Timestamp("2024-03-31T12:00")
    assert dim["avg_days_between_orders"].dropna().to_dict() == {"CUST-1": 40.75,
                                                                 "GUEST-3": 15.0}
    assert dim["recency_days"].dropna().to_dict() == {
        "CUST-1": 0.0, "CUST-12": 14.0, "CUST-2": 11.0, "CUST-5": 56 + 1 / 86400,
        "GUEST-3": 71.5, "GUEST-4": 56.0, "GUEST-77": 71.5}
    # ntile(5) over 7 buyers: sizes 2, 2, 1, 1, 1; ties by customer_id ("CUST-12" < "CUST-2")
    scores = dim[["r_score", "f_score", "m_score"]].dropna().astype(int)
    assert {k: tuple(v) for k, v in scores.iterrows()} == {
        #            r  f  m
        "CUST-1":   (5, 5, 2),
        "CUST-12":  (3, 1, 3),
        "CUST-2":   (4, 1, 4),
        "CUST-5":   (2, 2, 1),
        "GUEST-3":  (1, 4, 2),   # recency tie with GUEST-77: GUEST-3 first
        "GUEST-4":  (2, 2, 5),   # revenue tie with CUST-2: CUST-2 first
        "GUEST-77": (1, 3, 1),
    }
    assert dim["rfm_segment"].dropna().to_dict() == {
        "CUST-1": "champions",              # r5, fm round(3.5) = 4
        "CUST-12": "about_to_sleep",        # r3, fm round(2.0) = 2
        "CUST-2": "potential_loyalists",    # r4, fm round(2.5) = 3
        "CUST-5": "hibernating",            # r2, fm round(1.5) = 2
        "GUEST-3": "at_risk",               # r1, fm 3
        "GUEST-4": "at_risk",               # r2, fm round(3.5) = 4
        "GUEST-77": "hibernating",          # r1, fm 2
    }
    assert dim["activity_status"].to_dict() == {
        "CUST-1": "active", "CUST-10": "never_ordered", "CUST-11": "never_ordered",
        "CUST-12": "active", "CUST-2": "active", "CUST-5": "inactive", "GUEST-3": "inactive",
        "GUEST-4": "at_risk", "GUEST-77": "inactive", "X-99": "never_ordered"}
    # total 800: CUST-2 and GUEST-4 reach exactly 50 %, so CUST-1 (before = 400) is not top
    assert ref.top_revenue_customers == {"CUST-2", "GUEST-4"}
    assert dim["carts"].to_dict() == {
        "CUST-1": 2, "CUST-10": 1, "CUST-11": 0, "CUST-12": 0, "CUST-2": 2, "CUST-5": 0,
        "GUEST-3": 0, "GUEST-4": 0, "GUEST-77": 0, "X-99": 2}
    assert dim["abandoned_carts"][dim["abandoned_carts"] > 0].to_dict() == {
        "CUST-1": 1, "CUST-10": 1, "X-99": 1}

    seg = ref.rfm_segments.set_index("rfm_segment")
    assert seg["customers"].to_dict() == {
        "about_to_sleep": 1, "at_risk": 2, "champions": 1, "hibernating": 2,
        "potential_loyalists": 1}
    assert seg.loc["at_risk"].to_dict() == {
        "customers": 2, "customer_share": 2 / 7, "revenue": 260.0, "revenue_share": 260 / 800,
        "avg_recency_days": (71.5 + 56) / 2, "avg_orders": 1.5, "avg_revenue": 130.0}

    ret = ref.cohort_retention
    got = {(c.strftime("%Y-%m-%d"), k): (n, a) for c, k, n, a in zip(
        ret["cohort_month"], ret["months_since_first_order"], ret["cohort_customers"],
        ret["active_customers"], strict=True)}
    assert got == {("2024-01-01", 0): (3, 3), ("2024-01-01", 1): (3, 1),
                   ("2024-01-01", 2): (3, 1), ("2024-02-01", 0): (2, 2),
                   ("2024-02-01", 1): (2, 0), ("2024-03-01", 0): (2, 2)}
    assert ret["retention_rate"].tolist() == [1.0, 1 / 3, 1 / 3, 1.0, 0.0, 1.0]

    assert ref.kpis == {
        "customers": 10, "buyers": 7, "repeat_buyers": 2, "repeat_purchase_rate": 2 / 7,
        "avg_orders_per_buyer": 10 / 7, "aov": 80.0,
        "order_abandonment_rate": 6 / 7,             # 7 carts, only K1 matched (to O1)
        "top_revenue_customer_share": 2 / 7}


# --------------------------------------------------------------------------------------------
# the comparisons
# --------------------------------------------------------------------------------------------

def test_dim_customers_rows_and_identity(case: Case):
    """One row per customer: the kept customers plus the unknown ids of orders and carts."""
    mart = case.build.df("select * from marts.dim_customers")
    compare(mart, case.ref.dim_customers, ["customer_id"],
            {"is_guest": "bool", "is_known_customer": "bool"},
            f"[{case.name}] marts.dim_customers rows, is_guest, is_known_customer")


DIM_COLUMNS = {
    "orders": "int",
    "lifetime_revenue": "money",
    "first_ordered_at": "timestamp",
    "last_ordered_at": "timestamp",
    "aov": "money",
    "avg_days_between_orders": "days",
    "recency_days": "days",
    "r_score": "int",
    "f_score": "int",
    "m_score": "int",
    "rfm_segment": "text",
    "activity_status": "text",
    "is_top_revenue_customer": "bool",
    "carts": "int",
    "abandoned_carts": "int",
}


def test_dim_customers_per_customer(case: Case):
    mart = case.build.df("select * from marts.dim_customers")
    compare(mart, case.ref.dim_customers, ["customer_id"], DIM_COLUMNS,
            f"[{case.name}] marts.dim_customers")


def test_top_revenue_customers(case: Case):
    """The flagged set equals the reference's, and, judged from the mart's own revenue, it is
    the shortest prefix of the ranking that reaches top_revenue_share of all revenue."""
    mart = case.build.df("select customer_id, lifetime_revenue, is_top_revenue_customer "
                         "from marts.dim_customers")
    got = set(mart.loc[mart["is_top_revenue_customer"].fillna(False).astype(bool),
                       "customer_id"])
    want = case.ref.top_revenue_customers
    assert got == want, (
        f"[{case.name}] top revenue customers differ: mart {len(got)}, reference {len(want)}; "
        f"only in mart {sorted(got - want)[:SHOW_ROWS]}, only in reference "
        f"{sorted(want - got)[:SHOW_ROWS]}")
    problems = top_revenue_problems(mart["customer_id"], mart["lifetime_revenue"].fillna(0),
                                    mart["is_top_revenue_customer"].fillna(False),
                                    case.ref.rules.top_revenue_share)
    assert not problems, f"[{case.name}] marts.dim_customers top revenue set: {problems}"


SEGMENT_COLUMNS = {
    "customers": "int",
    "customer_share": "float",
    "revenue": "money",
    "revenue_share": "float",
    "avg_recency_days": "days",
    "avg_orders": "float",
    "avg_revenue": "money",
}


def test_rfm_segments(case: Case):
    mart = case.build.df("select * from marts.rfm_segments")
    # a segment of the seed with no buyer carries no information (and the reference, which
    # groups buyers, cannot produce it): ignore such rows if the mart lists them
    mart = mart[pd.to_numeric(mart["customers"]).fillna(0) > 0].copy()
    compare(mart, case.ref.rfm_segments, ["rfm_segment"], SEGMENT_COLUMNS,
            f"[{case.name}] marts.rfm_segments")


RETENTION_COLUMNS = {
    "cohort_customers": "int",
    "active_customers": "int",
    "retention_rate": "float",
}


def test_customer_cohort_retention(case: Case):
    """Every cell of the matrix: every cohort, every month offset up to as_of's month."""
    mart = case.build.df("select * from marts.customer_cohort_retention")
    ref = case.ref.cohort_retention.copy()
    for df in (mart, ref):  # a date, whatever type it comes as: compare as YYYY-MM-DD
        df["cohort_month"] = df["cohort_month"].map(_as_date_text)
        df["months_since_first_order"] = pd.to_numeric(df["months_since_first_order"]).map(
            lambda v: None if is_missing(v) else int(v))
    compare(mart, ref, ["cohort_month", "months_since_first_order"], RETENTION_COLUMNS,
            f"[{case.name}] marts.customer_cohort_retention")


KPI_COLUMNS = {
    "customers": "int",
    "buyers": "int",
    "repeat_buyers": "int",
    "repeat_purchase_rate": "float",
    "avg_orders_per_buyer": "float",
    "aov": "money",
    "order_abandonment_rate": "float",
    "top_revenue_customer_share": "float",
}


def test_customer_kpis(case: Case):
    mart = case.build.df("select * from marts.customer_kpis")
    compare_one_row(mart, case.ref.kpis, KPI_COLUMNS, f"[{case.name}] marts.customer_kpis")


def test_first_order_tie_break_in_the_reference():
    """The oracle's first order: the earliest order, two at the same time told apart by the
    smallest order_id, whatever the row order; an empty discount is none."""
    t = pd.Timestamp
    orders = pd.DataFrame({
        "order_id": ["O-11", "O-10", "O-20", "O-31", "O-30"],
        "customer_id": ["A", "A", "B", "C", "C"],
        "order_date": [t("2024-03-31 23:00"), t("2024-03-31 23:00"), t("2024-04-01"),
                       t("2024-05-01 00:00:00"), t("2024-05-01 00:00:01")],
        "total_discount_amount": [0.0, 5.0, np.nan, 3.0, 0.0],
    })
    got = first_orders(orders).set_index("customer_id")
    assert got["first_order_id"].to_dict() == {"A": "O-10", "B": "O-20", "C": "O-31"}
    assert got["first_order_discounted"].to_dict() == {"A": True, "B": False, "C": True}
    assert got.loc["A", "first_order_month"] == t("2024-03-01")


DISCOUNT_COLUMNS = {
    "buyers": "int",
    "repeat_buyers": "int",
    "repeat_purchase_rate": "float",
    "orders": "int",
    "avg_orders_per_buyer": "float",
    "revenue": "money",
    "aov": "float",
}


def _as_flag(v) -> str | None:
    return None if is_missing(v) else str(bool(v)).lower()


def test_discount_repeat_purchase(case: Case):
    mart = case.build.df("select * from marts.discount_repeat_purchase")
    ref = case.ref.discount_repeat.copy()
    for df in (mart, ref):
        df["first_order_discounted"] = df["first_order_discounted"].map(_as_flag)
    compare(mart, ref, ["first_order_discounted"], DISCOUNT_COLUMNS,
            f"[{case.name}] marts.discount_repeat_purchase")


def test_discount_repeat_purchase_monthly(case: Case):
    mart = case.build.df("select * from marts.discount_repeat_purchase_monthly")
    ref = case.ref.discount_repeat_monthly.copy()
    for df in (mart, ref):
        df["first_order_discounted"] = df["first_order_discounted"].map(_as_flag)
        df["first_order_month"] = df["first_order_month"].map(_as_date_text)
    compare(mart, ref, ["first_order_month", "first_order_discounted"], DISCOUNT_COLUMNS,
            f"[{case.name}] marts.discount_repeat_purchase_monthly")


SALES_COLUMNS = {
    "orders": "int",
    "buyers": "int",
    "gross_sales": "money",
    "discount_amount": "money",
    "revenue": "money",
    "aov": "float",
    "share_of_month_orders": "float",
    "share_of_month_revenue": "float",
}


def test_discount_sales_monthly(case: Case):
    mart = case.build.df("select * from marts.discount_sales_monthly")
    ref = case.ref.discount_sales_monthly.copy()
    for df in (mart, ref):
        df["discounted"] = df["discounted"].map(_as_flag)
        df["order_month"] = df["order_month"].map(_as_date_text)
    compare(mart, ref, ["order_month", "discounted"], SALES_COLUMNS,
            f"[{case.name}] marts.discount_sales_monthly")


BAND_COLUMNS = {
    "band_order": "int",
    "customers": "int",
    "buyers": "int",
    "orders": "int",
    "revenue": "money",
    "revenue_share": "float",
}


def test_customer_value_bands(case: Case):
    mart = case.build.df("select * from marts.customer_value_bands")
    compare(mart, case.ref.value_bands, ["band_type", "band_value"], BAND_COLUMNS,
            f"[{case.name}] marts.customer_value_bands")
