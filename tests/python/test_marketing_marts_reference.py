"""Differential test: the marketing marts built by dbt against an independent pandas reference.

The reference (tests/python/reference/marketing.py) reads the raw campaigns, campaign_spend
and orders files directly and applies the staging checks, the attribution rule and the mart
definitions of the marketing spec (its valid orders are the cart reference's, its first
orders the customer reference's); it never reads a dbt table. Each comparison below runs
on two data sets:

  gen_s41_light   scripts/generate_data.py --customers 500 --events 20000 --seed 41 light
  gen_s42_heavy   scripts/generate_data.py --customers 500 --events 20000 --seed 42 heavy

Each data set is generated and built once (module-scoped parametrised fixture `case`).
A failing comparison prints the differing rows (mart side `_mart`, reference side `_ref`).
Without the marketing family (the third-party ecomgen sample: no campaigns or
campaign_spend file, no campaign columns in orders; conftest fixture
`ecomgen_sample_build`) the three marts are empty and the audit counts no marketing row.

Tests without dbt (they check the data and the oracle itself):
  test_marketing_reference_on_handmade_data, test_handmade_orders_without_campaign_columns,
  test_handmade_folder_without_marketing_files, test_handmade_money_texts,
  test_data_exercises_the_marketing_cases,
  test_marketing_reference_is_sane
Comparisons (one mart each): test_campaign_performance, test_campaign_daily,
  test_channel_performance, test_marketing_audit
Without the family: test_marketing_marts_empty_without_marketing_files,
  test_audit_without_marketing_files

Run:  .venv/bin/python -m pytest tests/python/test_marketing_marts_reference.py -q
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import ECOMGEN_SAMPLE_DIR, Case, generate_raw, run_dbt, write_raw
from reference.common import RAW_COLUMNS
from reference.compare import TOLERANCES, compare, is_missing
from reference.marketing import (
    CHANNEL_COLUMNS,
    CHECKS,
    DAILY_COLUMNS,
    MARKETING_TABLES,
    PERFORMANCE_COLUMNS,
    MarketingReference,
    compute,
    decimal_separator,
    money_readings,
)

GENERATED = {"gen_s41_light": (41, "light"), "gen_s42_heavy": (42, "heavy")}
MARKETING_MARTS = {
    "campaign_performance": PERFORMANCE_COLUMNS,
    "campaign_daily": DAILY_COLUMNS,
    "channel_performance": CHANNEL_COLUMNS,
}

MONEY_TOL = TOLERANCES["money"]


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------

# the reference of a raw folder, computed once
reference = cache(compute)


@pytest.fixture(scope="module")
def raw_dirs(tmp_path_factory) -> dict[str, Path]:
    """Every generated data set's raw folder, written once per module."""
    return {name: generate_raw(tmp_path_factory.mktemp(f"raw_marketing_{name}"),
                               customers=500, events=20000, seed=seed, messiness=messiness)
            for name, (seed, messiness) in GENERATED.items()}


@pytest.fixture(scope="module", params=list(GENERATED))
def case(request, tmp_path_factory, raw_dirs) -> Case[MarketingReference]:
    name = request.param
    raw_dir = raw_dirs[name]
    build = run_dbt(["build"], tmp_path_factory.mktemp(f"build_marketing_{name}"),
                    {"raw_path": str(raw_dir)})
    assert build.success, f"dbt build on {name} ({raw_dir}) failed"
    return Case(name, raw_dir, build, reference(str(raw_dir)))


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def _as_date_text(v) -> str | None:
    return None if is_missing(v) else pd.Timestamp(v).strftime("%Y-%m-%d")


def _dates_as_text(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A date, whatever type it comes as (date, timestamp): compare as YYYY-MM-DD."""
    df = df.copy()
    for col in columns:
        if col in df.columns:  # a missing column is reported by compare()
            df[col] = df[col].map(_as_date_text)
    return df


def _rows(df: pd.DataFrame, key: str | list[str]) -> dict:
    """{key: {column: value}} with missing values as None, for exact assertions."""
    out = {}
    for row in df.to_dict("records"):
        k = tuple(row[c] for c in key) if isinstance(key, list) else row[key]
        out[k] = {c: (None if is_missing(v) else v) for c, v in row.items()}
    return out


def _close(got: dict, want: dict, what: str) -> None:
    """Each wanted value equals the got one (floats within 1e-9; None is missing)."""
    problems = []
    for col, w in want.items():
        g = got.get(col)
        if w is None or g is None:
            ok = w is None and g is None
        elif isinstance(w, float) or isinstance(g, float):
            ok = bool(np.isclose(float(g), float(w), rtol=1e-9, atol=1e-9))
        else:
            ok = g == w
        if not ok:
            problems.append(f"{col}: got {g!r}, want {w!r}")
    assert not problems, f"{what}: {problems}"


# --------------------------------------------------------------------------------------------
# the oracle on hand-made data (no dbt)
# --------------------------------------------------------------------------------------------

def _order(i, c, d, net, campaign_id="", utm=""):
    return dict(order_id=i, customer_id=c, order_date=d, gross_total=net, net_total=net,
                total_items="1", campaign_id=campaign_id, utm_campaign=utm)


# valid orders of the hand-made folder: (order_id, customer, ordered_at, net_total, tags)
HANDMADE_ORDERS = [
    _order("O1", "A", "2024-03-01T10:00:00", "100", campaign_id="CMP-0001"),      # by id
    _order("O2", "A", "2024-03-05T10:00:00", "50", campaign_id=" CMP-0001 "),     # padded id
    _order("O3", "B", "2024-02-01T00:00:00", "40", utm="  spring-sale_2024 "),    # name, early
    _order("O4", "C", "2024-06-01T23:30:00-02:00", "80", utm="SUMMER PROMO"),     # UTC 06-02
    _order("O5", "C", "2024-06-10T00:00:00", "20", utm="cmp-0002"),               # utm = an id
    _order("O6", "D", "2024-11-29T12:00:00", "60", utm="Black  Friday!!"),        # ambiguous
    _order("O7", "D", "2024-11-30T00:00:00", "30", campaign_id="CMP-0004"),       # by id
    _order("O8", "E", "2024-03-02T00:00:00", "25", campaign_id="CMP-9999",
           utm="Spring Sale 2024"),                                                # id wins
    _order("O9", "E", "2024-03-03T00:00:00", "15", utm="winter sale"),            # unknown
    _order("O10", "F", "2024-03-01T00:00:00", "10", utm="None"),                  # untagged
    _order("O11", "F", "2024-03-02T00:00:00", "35", campaign_id="NULL",
           utm="Spring Sale 2024"),                                                # NULL id
    _order("O12", "G", "2024-03-01T05:00:00", "70", campaign_id="CMP-0008"),      # quarantined
    _order("O13", "H", "2024-03-01T06:00:00", "-5", campaign_id="CMP-0001"),      # bad order
    _order("O14B", "I", "2024-03-04T00:00:00", "8"),                              # tie, later
    _order("O14A", "I", "2024-03-04T00:00:00", "12", campaign_id="CMP-0001"),     # tie, first
    _order("O15", "J", "2024-03-05T00:00:00", "5", campaign_id="cmp-0001"),       # case kept
    _order("O16", "K", "2024-07-01T00:00:00", "9", utm="cmp 0007"),               # name = id
]


def _write_handmade_campaigns(folder: Path) -> None:
    def c(i, name, channel, start, end, budget):
        return dict(campaign_id=i, campaign_name=name, channel=channel, start_date=start,
                    end_date=end, budget=budget)

    write_raw(folder, "campaigns", [
        c("CMP-0001", "Spring Sale 2024", " Email ", "2024-03-01", "2024-03-31", "1000"),
        c("CMP-0002", "Summer Promo", "PAID_SEARCH", "2024-06-01", "", "N/A"),  # running
        c("CMP-0003", "Brand Push", "", "2024-01-01", "2024-12-31", "500"),     # unknown
        c("CMP-0004", "Black Friday", "social", "2024-11-29", "2024-11-29", ""),
        c("CMP-0005", "BLACK-FRIDAY", "Social", "2024-11-29", "2024-12-02", "250,50 EUR"),
        c("CMP-0006", "Zeta", "email", "2024-01-01", "", "1"),       # conflicting copies:
        c("CMP-0006", "Alpha", "email", "2024-01-01", "", "1"),      # Alpha is smaller
        c("CMP-0007", "CMP-0007", "display", "2024-07-01", "", ""),  # more blanks: dropped
        c("CMP-0007", "CMP-0007", "display", "2024-07-01", "", "300"),
        c("CMP-0008", "A name", "email", "2024-13-01", "", "1"),     # kept copy, bad date
        c("CMP-0008", "B name", "email", "2024-01-01", "", "1"),
        c("CMP-0009", "No start", "email", "", "", "1"),
        c("CMP-0010", "Bad end", "email", "2024-02-01", "2024-02-30", "1"),
        c("CMP-0011", "Backwards", "email", "2024-05-01", "2024-04-30", "1"),
        c("CMP-0012", "Bad budget", "email", "2024-05-01", "", "lots"),
        c("CMP-0013", "Negative", "email", "2024-05-01", "", "-5"),
        c("CMP-0001", "Spring Sale 2024", " Email ", "2024-03-01", "2024-03-31", "1000"),
        c(" ", "No id", "email", "2024-05-01", "", ""),
        c("null", "Null id", "email", "2024-05-01", "", ""),
    ])


def _write_handmade_spend(folder: Path) -> None:
    def s(d, i, spend, impressions, clicks):
        return dict(date=d, campaign_id=i, spend=spend, impressions=impressions, clicks=clicks)

    write_raw(folder, "campaign_spend", [
        s("2024-03-01", "CMP-0001", "100", "1000", "50"),
        s("2024-03-02", "CMP-0001", "50.5", "2000.0", "0"),
        s("2024-03-01", "CMP-0001", "100", "1000", "50"),       # exact duplicate
        s("2024-03-03", "", "1", "1", "1"),                     # missing_campaign_id
        s("2024-3-3", "CMP-0001", "1", "1", "1"),               # invalid_date
        s("", "CMP-0001", "1", "1", "1"),                       # invalid_date
        s("2024-03-05", "CMP-0001", "30", "100", "10"),         # duplicate: "20" < "30"
        s("2024-03-05", "CMP-0001", "20", "100", "10"),
        s("2024-03-06", "CMP-0001", "", "10", "1"),             # duplicate (not invalid_spend)
        s("2024-03-06", "CMP-0001", "$5.00", "10", "1"),       # a currency sign
        s("2024-03-07", "CMP-0001", "abc", "1", "1"),           # invalid_spend
        s("2024-03-08", "CMP-0001", "-1", "1", "1"),            # negative_spend
        s("2024-03-09", "CMP-0001", "1", "1.5", "1"),           # invalid_impressions
        s("2024-03-10", "CMP-0001", "1", "10", ""),             # invalid_clicks
        s("2024-03-11", "CMP-0001", "1", "-10", "1"),           # negative_count
        s("2024-03-12", "CMP-0008", "1", "1", "1"),             # orphan: quarantined campaign
        s("2024-03-12", "CMP-9999", "1", "1", "1"),             # orphan: unknown campaign
        s("2024-06-01", "CMP-0002", "10", "5", "8"),            # kept, clicks > impressions
        s("2024-06-02", "CMP-0002", "20.25", "100", "2"),
        s("2024-11-29", "CMP-0004", "0", "0", "0"),
    ])


def test_marketing_reference_on_handmade_data(tmp_path):
    """The oracle's own edge cases, on a tiny hand-made raw folder (no dbt).

    Valid campaigns (channel): CMP-0001 Spring Sale 2024 (email), CMP-0002 Summer Promo
    (paid_search, running, budget N/A), CMP-0003 Brand Push (blank: unknown), CMP-0004 Black
    Friday and CMP-0005 BLACK-FRIDAY (social: one utm, two campaigns; budget `250,50 EUR`:
    the file's amounts read only with a decimal comma), CMP-0006 Alpha (email;
    the copy Zeta dropped), CMP-0007 named CMP-0007 (display; the copy with a blank budget
    dropped). Valid spend (`$5.00` is 5): CMP-0001 175.5 / 3110 impressions / 61 clicks
    over 4 days,
    CMP-0002 30.25 / 105 / 10, CMP-0004 0 / 0 / 0.
    Attributed orders (net_total; * = the customer's first order, a new customer):
      CMP-0001  O1 100* (id), O2 50 (padded id), O3 40* (utm, before the start),
                O11 35 (id NULL -> utm; F's first order O10 is untagged), O14A 12* (tie with
                O14B at the same time: the smaller order_id is first)           237, 3 new
      CMP-0002  O4 80* (utm upper case; 23:30 at -02:00 is the next day in UTC),
                O5 20 (utm = the normalised campaign_id)                          100, 1 new
      CMP-0004  O7 30 (D's first order O6 is ambiguous: not new)                  30, 0 new
      CMP-0007  O16 9* (utm matches its name and its id: one campaign)             9, 1 new
    Unattributed: O8 (unknown id CMP-9999: the id wins over a good utm), O9 (unknown utm),
    O12 (id of a quarantined campaign), O15 (`cmp-0001`: ids keep their case) unknown;
    O6 ambiguous; O10 (utm None), O14B untagged. O13 (negative net) is not a valid order.
    All valid orders: 569.
    """
    write_raw(tmp_path, "orders", HANDMADE_ORDERS)
    _write_handmade_campaigns(tmp_path)
    _write_handmade_spend(tmp_path)
    ref = compute(tmp_path)
    assert ref.enabled

    # ---- the audit: every raw row read, kept or removed by its first failing check -----
    assert ref.audit["campaigns"] == {
        "read": 19, "kept": 7, "flagged": {},
        "removed": {"exact_duplicate": 1, "missing_campaign_id": 2,
                    "duplicate_campaign_id": 3, "invalid_start_date": 2,
                    "invalid_end_date": 1, "end_date_before_start_date": 1,
                    "invalid_budget": 1, "negative_budget": 1}}
    by_name = dict(zip(ref.campaign_checks["campaign_name"], ref.campaign_checks["dq_reason"],
                       strict=True))
    assert {k: by_name[k] for k in ("Zeta", "Alpha", "A name", "B name", "No start",
                                    "Bad end", "Backwards", "Bad budget", "Negative", "No id",
                                    "Null id")} == {
        "Zeta": "duplicate_campaign_id", "Alpha": None, "A name": "invalid_start_date",
        "B name": "duplicate_campaign_id", "No start": "invalid_start_date",
        "Bad end": "invalid_end_date", "Backwards": "end_date_before_start_date",
        "Bad budget": "invalid_budget", "Negative": "negative_budget",
        "No id": "missing_campaign_id", "Null id": "missing_campaign_id"}
    assert ref.audit["campaign_spend"] == {
        "read": 20, "kept": 7, "flagged": {"clicks_above_impressions": 1},
        "removed": {"exact_duplicate": 1, "missing_campaign_id": 1, "invalid_date": 2,
                    "duplicate_spend_day": 2, "invalid_spend": 1, "negative_spend": 1,
                    "invalid_impressions": 1, "invalid_clicks": 1, "negative_count": 1,
                    "orphan_spend_row": 2}}
    spend_reasons = ref.spend_checks["dq_reason"].tolist()
    assert spend_reasons[6:10] == ["duplicate_spend_day", None, "duplicate_spend_day", None]
    for table in MARKETING_TABLES:
        a = ref.audit[table]
        assert a["read"] == a["kept"] + sum(a["removed"].values())
        assert list(a["removed"]) == CHECKS[table]

    # ---- attribution -------------------------------------------------------------------
    orders = ref.orders.set_index("order_id")
    assert orders["attribution"].to_dict() == {
        "O1": "campaign_id", "O2": "campaign_id", "O3": "utm_campaign", "O4": "utm_campaign",
        "O5": "utm_campaign", "O6": "ambiguous_campaign", "O7": "campaign_id",
        "O8": "unknown_campaign", "O9": "unknown_campaign", "O10": "untagged",
        "O11": "utm_campaign", "O12": "unknown_campaign", "O14B": "untagged",
        "O14A": "campaign_id", "O15": "unknown_campaign", "O16": "utm_campaign"}
    assert orders["attributed_campaign_id"].dropna().to_dict() == {
        "O1": "CMP-0001", "O2": "CMP-0001", "O3": "CMP-0001", "O4": "CMP-0002",
        "O5": "CMP-0002", "O7": "CMP-0004", "O11": "CMP-0001", "O14A": "CMP-0001",
        "O16": "CMP-0007"}
    assert ref.attribution_counts == {"campaign_id": 4, "utm_campaign": 5,
                                      "unknown_campaign": 4, "ambiguous_campaign": 1,
                                      "untagged": 2}
    assert orders.loc["O4", "day"] == pd.Timestamp("2024-06-02")

    # ---- campaign_performance ----------------------------------------------------------
    perf = ref.campaign_performance
    assert list(perf.columns) == PERFORMANCE_COLUMNS
    got = _rows(_dates_as_text(perf, ["start_date", "end_date"]), "campaign_id")
    assert sorted(got) == ["CMP-0001", "CMP-0002", "CMP-0003", "CMP-0004", "CMP-0005",
                           "CMP-0006", "CMP-0007"]
    _close(got["CMP-0001"], {
        "campaign_name": "Spring Sale 2024", "channel": "email", "start_date": "2024-03-01",
        "end_date": "2024-03-31", "budget": 1000.0, "spend": 175.5, "impressions": 3110,
        "clicks": 61, "ctr": 61 / 3110, "cost_per_click": 175.5 / 61, "attributed_orders": 5,
        "customers": 4, "new_customers": 3, "revenue": 237.0, "roi": (237 - 175.5) / 175.5,
        "roas": 237 / 175.5}, "CMP-0001")
    _close(got["CMP-0002"], {
        "channel": "paid_search", "end_date": None, "budget": None, "spend": 30.25,
        "impressions": 105, "clicks": 10, "ctr": 10 / 105, "cost_per_click": 3.025,
        "attributed_orders": 2, "customers": 1, "new_customers": 1, "revenue": 100.0,
        "roi": (100 - 30.25) / 30.25, "roas": 100 / 30.25}, "CMP-0002")
    _close(got["CMP-0003"], {
        "channel": "unknown", "budget": 500.0, "spend": 0.0, "impressions": 0, "clicks": 0,
        "ctr": None, "cost_per_click": None, "attributed_orders": 0, "customers": 0,
        "new_customers": 0, "revenue": 0.0, "roi": None, "roas": None}, "CMP-0003")
    _close(got["CMP-0004"], {   # a spend row of zeros: every rate null, revenue kept
        "channel": "social", "budget": None, "spend": 0.0, "impressions": 0, "clicks": 0,
        "ctr": None, "cost_per_click": None, "attributed_orders": 1, "customers": 1,
        "new_customers": 0, "revenue": 30.0, "roi": None, "roas": None}, "CMP-0004")
    _close(got["CMP-0005"], {"channel": "social", "budget": 250.5, "attributed_orders": 0,
                             "end_date": "2024-12-02"}, "CMP-0005")
    _close(got["CMP-0006"], {"campaign_name": "Alpha", "channel": "email", "budget": 1.0},
           "CMP-0006")
    _close(got["CMP-0007"], {
        "channel": "display", "budget": 300.0, "spend": 0.0, "attributed_orders": 1,
        "customers": 1, "new_customers": 1, "revenue": 9.0, "roi": None}, "CMP-0007")

    # ---- campaign_daily ----------------------------------------------------------------
    daily = ref.campaign_daily
    assert list(daily.columns) == DAILY_COLUMNS
    got = _rows(_dates_as_text(daily, ["activity_date"]), ["campaign_id", "activity_date"])
    cols = ["spend", "impressions", "clicks", "ctr", "cost_per_click", "attributed_orders",
            "revenue"]
    want = {
        ("CMP-0001", "2024-02-01"): (0.0, 0, 0, None, None, 1, 40.0),
        ("CMP-0001", "2024-03-01"): (100.0, 1000, 50, 0.05, 2.0, 1, 100.0),
        ("CMP-0001", "2024-03-02"): (50.5, 2000, 0, 0.0, None, 1, 35.0),
        ("CMP-0001", "2024-03-04"): (0.0, 0, 0, None, None, 1, 12.0),
        ("CMP-0001", "2024-03-05"): (20.0, 100, 10, 0.1, 2.0, 1, 50.0),
        ("CMP-0001", "2024-03-06"): (5.0, 10, 1, 0.1, 5.0, 0, 0.0),
        ("CMP-0002", "2024-06-01"): (10.0, 5, 8, 1.6, 1.25, 0, 0.0),
        ("CMP-0002", "2024-06-02"): (20.25, 100, 2, 0.02, 10.125, 1, 80.0),
        ("CMP-0002", "2024-06-10"): (0.0, 0, 0, None, None, 1, 20.0),
        ("CMP-0004", "2024-11-29"): (0.0, 0, 0, None, None, 0, 0.0),
        ("CMP-0004", "2024-11-30"): (0.0, 0, 0, None, None, 1, 30.0),
        ("CMP-0007", "2024-07-01"): (0.0, 0, 0, None, None, 1, 9.0),
    }
    assert sorted(got) == sorted(want)
    for key, values in want.items():
        _close(got[key], dict(zip(cols, values, strict=True)), f"campaign_daily {key}")
    assert {k[0]: v["channel"] for k, v in got.items()} == {
        "CMP-0001": "email", "CMP-0002": "paid_search", "CMP-0004": "social",
        "CMP-0007": "display"}

    # ---- channel_performance -----------------------------------------------------------
    chan = ref.channel_performance
    assert list(chan.columns) == CHANNEL_COLUMNS
    got = _rows(chan, "channel")
    assert sorted(got) == ["display", "email", "paid_search", "social", "unknown"]
    _close(got["email"], {
        "campaigns": 2, "spend": 175.5, "impressions": 3110, "clicks": 61,
        "cost_per_click": 175.5 / 61, "attributed_orders": 5, "revenue": 237.0,
        "new_customers": 3, "cost_per_new_customer": 58.5, "roi": (237 - 175.5) / 175.5,
        "roas": 237 / 175.5, "share_of_all_revenue": 237 / 569}, "email")
    _close(got["paid_search"], {
        "campaigns": 1, "spend": 30.25, "cost_per_click": 3.025, "attributed_orders": 2,
        "revenue": 100.0, "new_customers": 1, "cost_per_new_customer": 30.25,
        "roas": 100 / 30.25, "share_of_all_revenue": 100 / 569}, "paid_search")
    _close(got["social"], {
        "campaigns": 2, "spend": 0.0, "clicks": 0, "cost_per_click": None,
        "attributed_orders": 1, "revenue": 30.0, "new_customers": 0,
        "cost_per_new_customer": None, "roi": None, "roas": None,
        "share_of_all_revenue": 30 / 569}, "social")
    _close(got["unknown"], {
        "campaigns": 1, "spend": 0.0, "attributed_orders": 0, "revenue": 0.0,
        "new_customers": 0, "cost_per_new_customer": None, "roi": None,
        "share_of_all_revenue": 0.0}, "unknown")
    _close(got["display"], {   # a new customer at no spend: costs 0 per new customer
        "campaigns": 1, "spend": 0.0, "revenue": 9.0, "new_customers": 1,
        "cost_per_new_customer": 0.0, "roi": None, "share_of_all_revenue": 9 / 569},
        "display")


def test_handmade_orders_without_campaign_columns(tmp_path):
    """Marketing files present, orders without campaign_id and utm_campaign (and another
    folder with utm_campaign only): a missing optional column is blank."""
    columns = [c for c in RAW_COLUMNS["orders"] if c not in ("campaign_id", "utm_campaign")]
    write_raw(tmp_path, "orders", HANDMADE_ORDERS, columns=columns)
    _write_handmade_campaigns(tmp_path)
    _write_handmade_spend(tmp_path)
    ref = compute(tmp_path)
    assert ref.attribution_counts["untagged"] == 16 == len(ref.orders)
    perf = ref.campaign_performance.set_index("campaign_id")
    assert perf["attributed_orders"].sum() == 0 and perf["new_customers"].sum() == 0
    assert perf["revenue"].eq(0).all() and perf["roi"].isna().sum() == 5   # 2 with spend
    assert len(ref.campaign_daily) == 7                                   # the spend days
    assert ref.channel_performance["share_of_all_revenue"].eq(0).all()

    utm_only = tmp_path / "utm_only"
    write_raw(utm_only, "orders", HANDMADE_ORDERS, columns=[*columns, "utm_campaign"])
    _write_handmade_campaigns(utm_only)
    _write_handmade_spend(utm_only)
    ref = compute(utm_only)
    orders = ref.orders.set_index("order_id")
    # O8 and O11 carried a campaign_id: now their utm decides; O1, O2, O7 and so on are untagged
    assert orders["attributed_campaign_id"].dropna().to_dict() == {
        "O3": "CMP-0001", "O4": "CMP-0002", "O5": "CMP-0002", "O8": "CMP-0001",
        "O11": "CMP-0001", "O16": "CMP-0007"}


def test_handmade_folder_without_marketing_files(tmp_path):
    """No campaigns or campaign_spend file, orders without the campaign columns: the family is
    off and the three marts are empty (with their columns)."""
    columns = [c for c in RAW_COLUMNS["orders"] if c not in ("campaign_id", "utm_campaign")]
    write_raw(tmp_path, "orders", HANDMADE_ORDERS, columns=columns)
    ref = compute(tmp_path)
    assert not ref.enabled and ref.audit == {}
    for mart, columns in MARKETING_MARTS.items():
        df = getattr(ref, mart)
        assert df.empty and list(df.columns) == columns, mart
    # the tags do not switch the family on either
    write_raw(tmp_path, "orders", HANDMADE_ORDERS)
    assert compute(tmp_path).campaign_performance.empty


def test_handmade_money_texts(tmp_path):
    """Money as docs/raw_data.md reads it: one currency marker, thousands groups, the decimal
    separator of each file from its amounts; a file whose amounts show no separator and hold
    a number with two readings stops (the project's check stops the run)."""
    assert money_readings("$28.01") == {".": 28.01}
    assert money_readings("-$3.50") == money_readings("$-3.50") == {".": -3.5}
    assert money_readings("28,01 €") == {",": 28.01}
    assert money_readings("1.725,64") == {",": 1725.64}
    assert money_readings("1 725.64") == {".": 1725.64}
    assert money_readings("1,234") == {".": 1234.0, ",": 1.234}
    assert money_readings("1,72,564") == money_readings("$5 EUR") == money_readings("TBD") == {}
    assert decimal_separator(pd.Series(["1,234", "12,50"])) == ","
    assert decimal_separator(pd.Series(["1,234", "$12.50"])) == "."
    assert decimal_separator(pd.Series(["1,234", "12"])) is None
    write_raw(tmp_path, "orders", HANDMADE_ORDERS)
    _write_handmade_spend(tmp_path)
    write_raw(tmp_path, "campaigns", [
        dict(campaign_id="CMP-1", start_date="2024-01-01", budget="1,234"),
        dict(campaign_id="CMP-2", start_date="2024-01-01", budget="12")])
    with pytest.raises(ValueError, match="1,234"):
        compute(tmp_path)


# --------------------------------------------------------------------------------------------
# the data sets are not vacuous, and the reference itself is sane (no dbt needed)
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(GENERATED))
def test_data_exercises_the_marketing_cases(name, raw_dirs):
    ref = reference(str(raw_dirs[name]))
    assert ref.enabled, f"{name}: the generator wrote no marketing files"
    counts = ref.attribution_counts
    perf = ref.campaign_performance
    facts = {  # description: (value, minimum)
        "valid campaigns": (len(perf), 3),
        "channels": (len(ref.channel_performance), 2),
        "valid spend rows": (len(ref.spend), 10),
        "orders attributed by campaign_id": (counts["campaign_id"], 1),
        "orders attributed by utm_campaign": (counts["utm_campaign"], 1),
        "untagged orders": (counts["untagged"], 1),
        "utm tags not written as the campaign name": (int(
            (ref.orders.loc[ref.orders["attribution"] == "utm_campaign", "utm_tag"]
             != ref.orders.loc[ref.orders["attribution"] == "utm_campaign",
                               "attributed_campaign_id"].map(
                ref.campaigns.set_index("campaign_id")["campaign_name"])).sum()), 1),
        "campaigns with new customers": (int((perf["new_customers"] > 0).sum()), 1),
    }
    too_few = {k: int(v) for k, (v, minimum) in facts.items() if v < minimum}
    # reported, not required: what the messiness produces varies with the generator
    for table, audit in ref.audit.items():
        for check, rows in audit["removed"].items():
            facts[f"{table} {check} (info)"] = (rows, 0)
    facts["campaign days with orders and no spend row (info)"] = (int(
        ((ref.campaign_daily["attributed_orders"] > 0)
         & (ref.campaign_daily["impressions"] == 0)).sum()), 0)
    for kind in ("unknown_campaign", "ambiguous_campaign"):
        facts[f"{kind} orders (info)"] = (counts[kind], 0)
    assert not too_few, (f"{name}: the data does not exercise {too_few}; all facts: "
                         f"{ {k: int(v) for k, (v, _) in facts.items()} }")


@pytest.mark.parametrize("name", list(GENERATED))
def test_marketing_reference_is_sane(name, raw_dirs):
    """Self-test of the oracle: the audit balances, the daily and channel marts add up to the
    campaign mart, attributed orders and revenue are those of the attributed valid orders."""
    ref = reference(str(raw_dirs[name]))
    for table in MARKETING_TABLES:
        a = ref.audit[table]
        assert a["read"] == a["kept"] + sum(a["removed"].values()), table
    assert ref.audit["campaigns"]["kept"] == len(ref.campaigns) == len(ref.campaign_performance)
    assert ref.audit["campaign_spend"]["kept"] == len(ref.spend)
    perf, daily, chan = ref.campaign_performance, ref.campaign_daily, ref.channel_performance
    assert perf["campaign_id"].is_unique
    assert not daily.duplicated(["campaign_id", "activity_date"]).any()
    for col in ("spend", "impressions", "clicks", "attributed_orders", "revenue"):
        assert np.isclose(perf[col].sum(), daily[col].sum(), **MONEY_TOL), col
        assert np.isclose(perf[col].sum(), chan[col].sum(), **MONEY_TOL), col
    assert perf["new_customers"].sum() == chan["new_customers"].sum()
    attributed = ref.orders[ref.orders["attributed_campaign_id"].notna()]
    assert perf["attributed_orders"].sum() == len(attributed)
    assert np.isclose(perf["revenue"].sum(), attributed["net_total"].sum(), **MONEY_TOL)
    assert (perf["new_customers"] <= perf["customers"]).all()
    assert (perf["customers"] <= perf["attributed_orders"]).all()
    assert chan["campaigns"].sum() == len(perf)
    assert chan["share_of_all_revenue"].sum() <= 1 + 1e-9


# --------------------------------------------------------------------------------------------
# the comparisons
# --------------------------------------------------------------------------------------------

PERFORMANCE_KINDS = {
    "campaign_name": "text",
    "channel": "text",
    "start_date": "text",   # compared as YYYY-MM-DD
    "end_date": "text",
    "budget": "money",
    "spend": "money",
    "impressions": "int",
    "clicks": "int",
    "ctr": "float",
    "cost_per_click": "float",
    "attributed_orders": "int",
    "customers": "int",
    "new_customers": "int",
    "revenue": "money",
    "roi": "float",
    "roas": "float",
}


def test_campaign_performance(case: Case[MarketingReference]):
    mart = case.build.df("select * from marts.campaign_performance")
    dates = ["start_date", "end_date"]
    compare(_dates_as_text(mart, dates), _dates_as_text(case.ref.campaign_performance, dates),
            ["campaign_id"], PERFORMANCE_KINDS, f"[{case.name}] marts.campaign_performance")


DAILY_KINDS = {
    "channel": "text",
    "spend": "money",
    "impressions": "int",
    "clicks": "int",
    "ctr": "float",
    "cost_per_click": "float",
    "attributed_orders": "int",
    "revenue": "money",
}


def test_campaign_daily(case: Case[MarketingReference]):
    mart = case.build.df("select * from marts.campaign_daily")
    compare(_dates_as_text(mart, ["activity_date"]),
            _dates_as_text(case.ref.campaign_daily, ["activity_date"]),
            ["campaign_id", "activity_date"], DAILY_KINDS, f"[{case.name}] marts.campaign_daily")


CHANNEL_KINDS = {
    "campaigns": "int",
    "spend": "money",
    "impressions": "int",
    "clicks": "int",
    "cost_per_click": "float",
    "attributed_orders": "int",
    "revenue": "money",
    "new_customers": "int",
    "cost_per_new_customer": "float",
    "roi": "float",
    "roas": "float",
    "share_of_all_revenue": "float",
}


def test_channel_performance(case: Case[MarketingReference]):
    mart = case.build.df("select * from marts.channel_performance")
    compare(mart, case.ref.channel_performance, ["channel"], CHANNEL_KINDS,
            f"[{case.name}] marts.channel_performance")


def _audit(build, table: str) -> dict:
    """What data_quality_audit says of a raw table, in the reference's shape (flags summed:
    the spec names the flag's column, not its step)."""
    rows = build.df("select step, step_type, rows_in, rows_out, rows_removed, rows_flagged "
                    f"from marts.data_quality_audit where source_table = '{table}' "
                    "order by step_order")
    by_type = {t: rows[rows["step_type"] == t] for t in ("read", "kept", "remove", "flag")}
    return {
        "read": int(by_type["read"]["rows_in"].sum()),
        "kept": int(by_type["kept"]["rows_out"].sum()),
        "removed": {s: int(n) for s, n in zip(by_type["remove"]["step"],
                                              by_type["remove"]["rows_removed"], strict=True)},
        "flagged": int(by_type["flag"]["rows_flagged"].sum()),
        "steps": rows[["step", "step_type"]].values.tolist(),
    }


@pytest.mark.parametrize("table", MARKETING_TABLES)
def test_marketing_audit(case: Case[MarketingReference], table):
    """data_quality_audit of campaigns and campaign_spend: rows read and kept, the rows each
    check removed (every check, in the spec's order, zeros included), the rows flagged."""
    got = _audit(case.build, table)
    want = case.ref.audit[table]
    assert list(got["removed"]) == CHECKS[table], (
        f"[{case.name}] {table}: the audit's checks {list(got['removed'])} are not the "
        f"spec's {CHECKS[table]} (steps: {got['steps']})")
    assert {k: got[k] for k in ("read", "kept", "removed")} == {
        "read": want["read"], "kept": want["kept"], "removed": want["removed"]}, (
        f"[{case.name}] {table}: audit {got} vs reference {want}")
    assert got["flagged"] == sum(want["flagged"].values()), (
        f"[{case.name}] {table}: flagged {got['flagged']} vs reference {want['flagged']} "
        f"(steps: {got['steps']})")


# --------------------------------------------------------------------------------------------
# without the marketing family
# --------------------------------------------------------------------------------------------

def test_marketing_marts_empty_without_marketing_files(ecomgen_sample_build):
    """The ecomgen sample has no marketing file and no campaign column in orders: the
    reference and the three marts are empty, and the marts keep the spec's columns."""
    names = {p.name for p in ECOMGEN_SAMPLE_DIR.iterdir()}
    assert not any(n.startswith("campaign") for n in names), names
    header = (ECOMGEN_SAMPLE_DIR / "orders.csv").open(encoding="utf-8").readline()
    assert "campaign_id" not in header and "utm_campaign" not in header
    ref = reference(str(ECOMGEN_SAMPLE_DIR))
    assert not ref.enabled
    for mart, columns in MARKETING_MARTS.items():
        assert getattr(ref, mart).empty, mart
        df = ecomgen_sample_build.df(f"select * from marts.{mart}")
        assert set(df.columns) == set(columns), (
            f"marts.{mart}: columns {list(df.columns)}, the spec's {columns}")
        assert df.empty, f"marts.{mart} has {len(df)} rows without marketing files"


def test_audit_without_marketing_files(ecomgen_sample_build):
    """Without the family the audit counts nothing for campaigns and campaign_spend: it may
    list their steps (with zeros), but no row read, removed, kept or flagged."""
    rows = ecomgen_sample_build.df(
        "select source_table, step, rows_in, rows_out, rows_removed, rows_flagged "
        "from marts.data_quality_audit where source_table in ('campaigns', 'campaign_spend')")
    counts = rows[["rows_in", "rows_out", "rows_removed", "rows_flagged"]]
    assert counts.fillna(0).eq(0).all().all(), rows[counts.fillna(0).ne(0).any(axis=1)]
