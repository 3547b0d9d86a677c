"""Tests of scripts/generate_data.py (the raw-data generator).

Run from the project root:  .venv/bin/python -m pytest tests/python/test_generate_data.py -q
Every dataset is small (a few hundred customers, tens of thousands of events) and generated
once per session, so the whole file runs in a few seconds.
"""
from __future__ import annotations

import hashlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from export_formats import MONEY_COLUMNS

from raw_contract import raw_columns, raw_contract

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "generate_data.py"


def _load():
    spec = importlib.util.spec_from_file_location("generate_data", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["generate_data"] = mod
    spec.loader.exec_module(mod)
    return mod


gd = _load()

# the tables of every run, and the optional marketing family (written unless --no-marketing)
BASE_TABLES = ["customers", "product_catalog", "shopping_carts", "cart_items", "orders",
               "order_items", "returns", "return_items", "events"]
MARKETING_TABLES = ["campaigns", "campaign_spend"]
TABLES = BASE_TABLES + MARKETING_TABLES
# the columns of each file: the raw contract's (macros/raw/raw_contract.sql)
EXPECTED_COLUMNS = {table: ",".join(columns) for table, columns in raw_columns().items()}
# orders' optional columns (the campaign tags), which a run without marketing leaves out
ORDER_TAGS = list(raw_contract()["orders"].get("optional", []))

TS_RE = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}"
DATE_RE = r"\d{4}-\d{2}-\d{2}"
MONEY_RE = r"-?\d+(\.\d{1,2})?"
EVENT_TIME_RE = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC"
UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
STATUSES = {"converted", "abandoned", "emptied", "open"}
START = pd.Timestamp("2024-01-01")
END = START + pd.Timedelta(days=365)

N_CUST = 800
N_EVENTS = 40_000


def _gen(tmp_path_factory, name, **kw):
    out = tmp_path_factory.mktemp(name)
    args = dict(customers=N_CUST, events=N_EVENTS, seed=11, messiness="light", fmt="csv")
    args.update(kw)
    counts = gd.generate(str(out), **args)
    return out, counts


def read(d: Path, table: str) -> pd.DataFrame:
    """Load a generated table as text; blanks become ''."""
    p = d / f"{table}.csv"
    if p.exists():
        return pd.read_csv(p, dtype=str, keep_default_na=False)
    df = pd.read_parquet(d / f"{table}.parquet")
    return df.astype(object).where(df.notna(), "").astype(str)


class Data:
    """Lazy, cached access to the tables of one generated directory."""

    def __init__(self, d: Path, counts: dict):
        self.dir, self.counts, self._c = d, counts, {}

    def __getitem__(self, t: str) -> pd.DataFrame:
        if t not in self._c:
            self._c[t] = read(self.dir, t)
        return self._c[t].copy()


@pytest.fixture(scope="session")
def none_ds(tmp_path_factory):
    return Data(*_gen(tmp_path_factory, "none", messiness="none"))


@pytest.fixture(scope="session")
def light_ds(tmp_path_factory):
    return Data(*_gen(tmp_path_factory, "light", messiness="light"))


@pytest.fixture(scope="session")
def heavy_ds(tmp_path_factory):
    return Data(*_gen(tmp_path_factory, "heavy", messiness="heavy"))


@pytest.fixture(scope="session")
def light_pq(tmp_path_factory):
    return Data(*_gen(tmp_path_factory, "light_pq", messiness="light", fmt="parquet"))


ALL_LEVELS = ["none_ds", "light_ds", "heavy_ds"]


def norm(s: pd.Series) -> pd.Series:
    return s.str.strip().str.lower()


def ts(s: pd.Series) -> pd.Series:
    """Parse commerce timestamps (T or space separator); '' -> NaT."""
    return pd.to_datetime(s.str.replace(" ", "T", regex=False).replace("", None), format="ISO8601")


def full_match(s: pd.Series, pattern: str) -> bool:
    return bool(s.str.fullmatch(pattern).all())


# --------------------------------------------------------------------------------------------
# Structure and formats
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ds", ALL_LEVELS + ["light_pq"])
def test_exact_columns_and_counts(ds, request):
    d = request.getfixturevalue(ds)
    files = sorted(p.name for p in d.dir.iterdir())
    ext = "parquet" if ds == "light_pq" else "csv"
    assert files == sorted(f"{t}.{ext}" for t in TABLES)
    for t in TABLES:
        df = d[t]
        assert ",".join(df.columns) == EXPECTED_COLUMNS[t], t
        assert len(df) == d.counts[t], t
        assert len(df) > 0, t
    assert d.counts["events"] == N_EVENTS


def test_csv_header_and_quoting(none_ds):
    raw = (none_ds.dir / "customers.csv").read_text().splitlines()
    assert raw[0] == EXPECTED_COLUMNS["customers"]
    # addresses contain commas, so they are quoted; other fields are not
    assert re.search(r',"\d+ [^"]+, [^"]+, [A-Z]{2} \d{5}",', raw[1])
    assert raw[1].startswith("CUST-")
    ev = (none_ds.dir / "events.csv").read_text().splitlines()
    assert ev[0] == EXPECTED_COLUMNS["events"]
    assert '"' not in ev[1] and ev[1].count(",") == 8


@pytest.mark.parametrize("ds", ALL_LEVELS)
def test_id_formats_and_uniqueness(ds, request):
    d = request.getfixturevalue(ds)
    cu = d["customers"]
    reg = cu[cu.is_guest == "False"]
    gst = cu[cu.is_guest == "True"]
    assert full_match(reg.customer_id, r"CUST-\d+")
    assert (reg.customer_id.str[5:].astype(int) < 100000).all()
    assert full_match(gst.customer_id, r"GUEST-\d+")
    assert (gst.customer_id.str[6:].astype(int) >= 100000).all()
    assert 0.35 < len(gst) / len(cu) < 0.45
    assert cu.customer_id.is_unique
    sc, oo, rt = d["shopping_carts"], d["orders"], d["returns"]
    assert full_match(sc.cart_id, r"CART-\d{8}") and sc.cart_id.is_unique
    assert full_match(oo.order_id, r"ORD-\d{8}") and oo.order_id.is_unique
    assert full_match(rt.return_id, r"RTN-\d{8}") and rt.return_id.is_unique
    pcat = d["product_catalog"]
    assert pcat.product_id.astype(int).tolist() == list(range(1, len(pcat) + 1))
    assert len(pcat) == max(50, round(1.3 * N_CUST))
    ci = d["cart_items"].drop_duplicates()
    assert full_match(ci.cart_item_id, r"\d+") and ci.cart_item_id.is_unique
    ri = d["return_items"]
    assert full_match(ri.return_item_id, r"\d+") and ri.return_item_id.is_unique
    assert set(sc.customer_id) <= set(cu.customer_id)
    assert set(oo.customer_id) <= set(cu.customer_id)
    assert sc.customer_id.str.startswith("GUEST-").any()   # guests shop too


@pytest.mark.parametrize("ds", ALL_LEVELS)
def test_value_formats(ds, request):
    d = request.getfixturevalue(ds)
    sc, ci, oo = d["shopping_carts"], d["cart_items"], d["orders"]
    assert full_match(sc.created_at, TS_RE)
    assert full_match(sc.updated_at[sc.updated_at != ""], TS_RE)
    assert full_match(ci.added_at[ci.added_at != ""], TS_RE)
    assert full_match(oo.order_date, TS_RE) or full_match(
        oo.order_date, r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}\.\d{6}")
    cu = d["customers"]
    reg = cu[cu.is_guest == "False"]
    assert full_match(reg.signup_date, DATE_RE)
    assert full_match(cu.loyalty_enrollment_date[cu.loyalty_enrollment_date != ""], DATE_RE)
    assert full_match(d["returns"].return_date, DATE_RE)
    assert full_match(reg.age, r"\d+\.0")
    assert set(cu.age[cu.is_guest == "True"]) <= {"", "nan"}
    for col in ("is_guest", "email_verified", "marketing_opt_in"):
        assert set(cu[col]) <= {"True", "False", ""}
    for col in ("is_expedited", "is_reactivated"):
        assert set(oo[col]) == {"True", "False"} or set(oo[col]) <= {"True", "False"}
    # commerce amounts (event prices may be 0 or negative: REES46)
    money = {t: cols for t, cols in MONEY_COLUMNS.items() if t != "events"}
    for t, cols in money.items():
        df = d[t]
        for c in cols:
            assert full_match(df[c], MONEY_RE), (t, c)
            assert (df[c].astype(float) >= 0).all(), (t, c)
    assert "0.0" in set(sc.cart_total)
    assert full_match(ci.quantity, r"[1-6]")
    # vocabularies
    assert {s.strip().title() for s in cu.customer_status} <= {"Active", "Inactive", "Dormant",
                                                              "Guest"}
    assert set(reg.loyalty_tier) <= {"Bronze", "Silver", "Gold", "Platinum"}
    assert set(reg.clv_bucket) <= {"Low", "Medium", "High"}
    assert {"Website", "Mobile App", "Social Media", "Referral"} <= set(reg.signup_channel)
    cats = set(d["product_catalog"].category)
    assert cats == {"Electronics", "Books", "Clothing", "Home", "Toys", "Sports", "Beauty",
                    "Grocery"}


def test_guest_blanks(none_ds):
    cu = none_ds["customers"]
    guest_blank = ["first_name", "last_name", "phone_number", "signup_date", "gender",
                   "signup_channel", "loyalty_tier", "initial_loyalty_tier",
                   "loyalty_enrollment_date", "clv_bucket"]
    g = cu[cu.is_guest == "True"]
    r = cu[cu.is_guest == "False"]
    for c in guest_blank:
        assert (g[c] == "").all(), c
        assert (r[c] != "").all(), c            # messiness none: no other blanks
    assert (g.customer_status == "Guest").all()
    assert (cu.email != "").all() and cu.email.is_unique
    assert (cu.mailing_address != "").all()


@pytest.mark.parametrize("ds", ALL_LEVELS)
def test_event_formats(ds, request):
    d = request.getfixturevalue(ds)
    ev = d["events"]
    assert len(ev) == N_EVENTS
    assert full_match(ev.event_time, EVENT_TIME_RE)
    assert set(ev.event_type) == {"view", "cart", "purchase", "remove_from_cart"}
    assert (ev.event_type == "view").mean() > 0.6
    assert full_match(ev.product_id, r"\d+")
    assert ev.product_id.astype(int).between(1, len(d["product_catalog"])).all()
    assert full_match(ev.category_id, r"\d{19}")
    assert (ev.category_id.map(int) < 2 ** 63).all()
    code = ev.category_code[ev.category_code != ""]
    assert full_match(code, r"[a-z_]+(\.[a-z_]+)+")
    assert full_match(ev.brand[ev.brand != ""], r"[a-z0-9]+")
    assert full_match(ev.price, r"-?\d+\.\d{2}")
    assert full_match(ev.user_id, r"\d+")
    assert full_match(ev.user_session[ev.user_session != ""], UUID_RE)
    # anonymous users: 9-10 digit and 19 digit ids
    lens = ev.user_id.str.len()
    assert lens.isin([9, 10]).any() and (lens == 19).any()
    assert (ev.user_id.map(int) < 2 ** 63).all()
    # sorted by time; several events per second
    assert ev.event_time.is_monotonic_increasing
    assert ev.duplicated(["event_time", "user_session"]).any()
    t = pd.to_datetime(ev.event_time.str[:19])
    assert t.min() >= START and t.max() < END


@pytest.mark.parametrize("ds", ALL_LEVELS)
def test_event_product_consistency(ds, request):
    """category_code starts with the product's category; one category_id per category_code."""
    d = request.getfixturevalue(ds)
    ev = d["events"]
    cat = d["product_catalog"].set_index("product_id").category.str.lower()
    withcode = ev[ev.category_code != ""]
    assert (withcode.category_code.str.split(".").str[0] == withcode.product_id.map(cat)).all()
    assert (withcode.groupby("category_code").category_id.nunique() == 1).all()
    assert (ev.groupby("product_id").category_id.nunique() == 1).all()
    assert (ev.groupby("product_id").brand.nunique() <= 1).all()
    good = ev[~ev.price.str.startswith("-") & (ev.price != "0.00")]
    price = d["product_catalog"].set_index("product_id").unit_price.astype(float)
    assert np.allclose(good.price.astype(float), good.product_id.map(price))


# --------------------------------------------------------------------------------------------
# Determinism and formats agree
# --------------------------------------------------------------------------------------------
def _digest(d: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_determinism(tmp_path, fmt):
    """Same arguments, same bytes (every file, the marketing ones included); another seed
    changes every file."""
    kw = dict(customers=300, events=8000, messiness="heavy", fmt=fmt)
    gd.generate(str(tmp_path / "a"), seed=5, **kw)
    gd.generate(str(tmp_path / "b"), seed=5, **kw)
    gd.generate(str(tmp_path / "c"), seed=6, **kw)
    a, b, c = (_digest(tmp_path / x) for x in "abc")
    assert len(a) == len(TABLES) == 11
    assert a == b
    for name in a:
        assert a[name] != c[name], name


def test_commerce_independent_of_event_count(tmp_path):
    gd.generate(str(tmp_path / "a"), 200, 3000, 9, "light")
    gd.generate(str(tmp_path / "b"), 200, 9000, 9, "light")
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert a["events.csv"] != b["events.csv"]
    assert {k: v for k, v in a.items() if k != "events.csv"} == \
           {k: v for k, v in b.items() if k != "events.csv"}


def test_csv_and_parquet_same_values(light_ds, light_pq):
    import pyarrow.parquet as pq
    for t in TABLES:
        a, b = light_ds[t], light_pq[t]
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                      check_dtype=False, obj=t)
        schema = pq.read_schema(light_pq.dir / f"{t}.parquet")
        assert all(str(f.type) == "string" for f in schema), t
    # a blank CSV field is a NULL in parquet (both load as NULL text)
    raw = pd.read_parquet(light_pq.dir / "customers.parquet")
    assert raw.first_name.isna().sum() == (light_ds["customers"].first_name == "").sum() > 0


# --------------------------------------------------------------------------------------------
# Commerce linkage
# --------------------------------------------------------------------------------------------
def _clean(d: Data):
    sc = d["shopping_carts"]
    sc["st"] = norm(sc.status)
    sc["c"] = ts(sc.created_at)
    sc["u"] = ts(sc.updated_at)
    ci = d["cart_items"].drop_duplicates()
    ci["a"] = ts(ci.added_at)
    ci["q"] = ci.quantity.astype(int)
    oo = d["orders"]
    oo["t"] = ts(oo.order_date)
    oi = d["order_items"]
    oi["q"] = oi.quantity.astype(int)
    return sc, ci, oo, oi


def _match_orders(sc, ci, oo, oi) -> pd.DataFrame:
    """One-to-one match of orders to converted carts by (customer, total, product quantities),
    pairing in time order within a key. Returns one row per order with its cart."""
    lines = ci.groupby(["cart_id", "product_id"]).q.sum().reset_index()
    lines["pq"] = lines.product_id + "x" + lines.q.astype(str)
    ckey = lines.sort_values(["cart_id", "product_id"]).groupby("cart_id").pq.agg("|".join)
    oi = oi.assign(pq=oi.product_id + "x" + oi.q.astype(str))
    okey = oi.sort_values(["order_id", "product_id"]).groupby("order_id").pq.agg("|".join)
    conv = sc[sc.st == "converted"].copy()
    conv["key"] = conv.customer_id + "/" + conv.cart_total + "/" + conv.cart_id.map(ckey)
    o = oo.copy()
    o["key"] = o.customer_id + "/" + o.gross_total + "/" + o.order_id.map(okey)
    conv = conv.sort_values(["key", "c"])
    o = o.sort_values(["key", "t"])
    conv["k"] = conv.groupby("key").cumcount()
    o["k"] = o.groupby("key").cumcount()
    return o.merge(conv, on=["key", "k"], how="outer", suffixes=("_o", "_c"), indicator=True)


@pytest.mark.parametrize("ds", ALL_LEVELS)
def test_every_order_has_exactly_one_converted_cart(ds, request):
    d = request.getfixturevalue(ds)
    sc, ci, oo, oi = _clean(d)
    assert set(sc.st) <= STATUSES
    m = _match_orders(sc, ci, oo, oi)
    assert (m._merge == "both").all(), m._merge.value_counts()
    assert len(m) == len(oo) == (sc.st == "converted").sum()
    assert (m.customer_id_o == m.customer_id_c).all()
    assert (m.gross_total == m.cart_total).all()
    assert (m.c <= m.t).all() and (m.c < m.t).all()       # placed after the cart, never equal
    has_u = m.u.notna()
    assert (m.u[has_u] < m.t[has_u]).all()
    gap = (m.t - m.u)[has_u].dt.total_seconds()
    assert 60 <= gap.median() <= 4 * 3600                  # minutes to hours
    assert (gap > 86400).any() or len(gap) < 300            # occasionally a day or more
    assert (m.t < END).all() and (m.c >= START).all()


@pytest.mark.parametrize("ds", ALL_LEVELS)
def test_order_totals_and_lines(ds, request):
    d = request.getfixturevalue(ds)
    sc, ci, oo, oi = _clean(d)
    assert oi.groupby(["order_id", "product_id"]).size().max() == 1   # one line per product
    s = oi.groupby("order_id").q.sum()
    ti = oo.set_index("order_id").total_items.astype(int)
    doubled = ti == 2 * s[ti.index]
    if ds == "heavy_ds":
        months = oo.set_index("order_id").t.dt.to_period("M")
        assert doubled.any() and months[doubled].nunique() == 1
        assert (ti[~doubled] == s[ti.index][~doubled]).all()
        month = months[doubled].iloc[0]
        assert doubled[months == month].all()               # the whole month is doubled
    else:
        assert (ti == s[ti.index]).all()
    gross = oo.gross_total.astype(float)
    disc = oo.total_discount_amount.astype(float)
    assert np.allclose(oo.net_total.astype(float), gross - disc)
    line_disc = oi.assign(x=oi.discount_amount.astype(float)).groupby("order_id").x.sum()
    assert np.allclose(oo.set_index("order_id").total_discount_amount.astype(float),
                       line_disc[oo.order_id].values)
    assert 0.1 < (disc > 0).mean() < 0.6                   # a minority of orders is discounted
    line_val = (oi.q * oi.unit_price.astype(float)).groupby(oi.order_id).sum()
    assert np.allclose(line_val[oo.order_id].values, gross.values)
    speed = norm(oo.shipping_speed)
    assert set(speed) <= {"standard", "two-day", "overnight"}
    cost = oo.shipping_cost.astype(float)
    assert (cost[speed == "standard"] < cost[speed == "overnight"].min()).all()


@pytest.mark.parametrize("ds", ALL_LEVELS)
def test_carts_and_lines(ds, request):
    d = request.getfixturevalue(ds)
    sc, ci, oo, oi = _clean(d)
    assert set(ci.cart_id) <= set(sc.cart_id)
    emptied = sc[sc.st == "emptied"]
    assert len(emptied) > 0
    assert (emptied.cart_total == "0.0").all()
    assert not ci.cart_id.isin(emptied.cart_id).any()
    nonempty = sc[sc.st != "emptied"]
    n_lines = ci.groupby("cart_id").size()
    assert nonempty.cart_id.isin(n_lines.index).all()
    assert n_lines.between(1, 6).all()
    total = (ci.q * ci.unit_price.astype(float)).groupby(ci.cart_id).sum().round(2)
    assert np.allclose(nonempty.cart_total.astype(float).values,
                       total[nonempty.cart_id].values)
    assert ci.duplicated(["cart_id", "product_id"]).any()   # same product on several lines
    lines = ci.merge(sc[["cart_id", "c", "u"]], on="cart_id")
    ok = lines.a.notna()
    assert (lines.c[ok] <= lines.a[ok]).all()
    both = ok & lines.u.notna()
    assert (lines.a[both] <= lines.u[both]).all()
    assert (sc.c <= sc.u).where(sc.u.notna(), True).all()
    assert 2.4 < len(sc) / N_CUST < 3.6                     # about 3 carts per customer
    assert sc.cart_id.isin(ci.cart_id).sum() > 0.6 * len(sc)


@pytest.mark.parametrize("ds", ALL_LEVELS)
def test_open_carts(ds, request):
    d = request.getfixturevalue(ds)
    sc, *_ = _clean(d)
    op = sc[sc.st == "open"]
    last = op.u.fillna(op.c)
    age = END - last
    assert (age > pd.Timedelta(hours=24)).any()
    assert (age < pd.Timedelta(hours=24)).any()
    assert (age < pd.Timedelta(days=4)).all()
    assert (op.cart_total.astype(float) > 0).all()


def test_open_carts_exist_even_in_tiny_datasets(tmp_path):
    gd.generate(str(tmp_path), 30, 500, 2, "none")
    sc = read(tmp_path, "shopping_carts")
    op = sc[sc.status == "open"]
    age = END - pd.to_datetime(op.updated_at)
    assert (age > pd.Timedelta(hours=24)).any() and (age < pd.Timedelta(hours=24)).any()


def test_abandoners_come_back_and_repeat_orders(none_ds):
    sc, ci, oo, oi = _clean(none_ds)
    ab = sc[sc.st == "abandoned"][["cart_id", "customer_id", "u"]]
    j = ab.merge(oo[["customer_id", "t"]], on="customer_id")
    j = j[j.t > j.u]
    lag = (j.t - j.u).groupby(j.cart_id).min()
    within7 = (lag <= pd.Timedelta(days=7)).reindex(ab.cart_id, fill_value=False)
    assert 0.2 < within7.mean() < 0.5
    later_only = (lag > pd.Timedelta(days=7)).sum()
    assert later_only > 0
    conv = sc[sc.st == "converted"][["cart_id", "customer_id", "c"]]
    pair = conv.merge(conv, on="customer_id", suffixes=("", "_2"))
    dt = pair.c_2 - pair.c
    has_next = pair[(dt > pd.Timedelta(0)) & (dt <= pd.Timedelta(days=3))].cart_id.unique()
    assert 0.02 < len(has_next) / len(conv) < 0.15


def test_returns(heavy_ds):
    d = heavy_ds
    oo, oi, rt, ri = d["orders"], d["order_items"], d["returns"], d["return_items"]
    assert set(rt.order_id) <= set(oo.order_id)
    assert 0.07 < rt.order_id.nunique() / len(oo) < 0.25
    assert set(ri.return_id) == set(rt.return_id)
    m = ri.merge(oi, on=["order_id", "product_id"], suffixes=("", "_o"))
    assert len(m) == len(ri)                                    # return lines = order lines
    assert (m.quantity_returned.astype(int) <= m.quantity.astype(int)).all()
    assert (m.unit_price == m.unit_price_o).all()
    r = rt.merge(oo[["order_id", "order_date", "customer_id"]], on="order_id", suffixes=("", "_o"))
    assert (r.customer_id == r.customer_id_o).all()
    assert (pd.to_datetime(r.return_date) >= ts(r.order_date).dt.normalize()).all()
    tot = ri.assign(x=ri.refunded_amount.astype(float)).groupby("return_id").x.sum()
    assert np.allclose(rt.set_index("return_id").refunded_amount.astype(float),
                       tot[rt.return_id].values)


def test_seasonality(none_ds):
    sc, *_ = _clean(none_ds)
    per_month = sc.c.dt.month.value_counts()
    assert per_month[[11, 12]].mean() > 1.2 * per_month[[2, 3, 4]].mean()
    hours = sc.c.dt.hour.value_counts()
    assert hours[[19, 20, 21]].sum() > 3 * hours[[2, 3, 4]].sum()


@pytest.mark.parametrize("ds,lo,hi", [("none_ds", 0.0, 0.0), ("light_ds", 0.005, 0.05),
                                      ("heavy_ds", 0.01, 0.06)])
def test_carts_before_signup(ds, lo, hi, request):
    d = request.getfixturevalue(ds)
    sc, ci, oo, oi = _clean(d)
    signup = pd.to_datetime(d["customers"].set_index("customer_id").signup_date.replace("", None))
    cs = sc.customer_id.map(signup)
    early = (sc.c.dt.normalize() < cs).mean()
    assert lo <= early <= hi
    os_ = oo.customer_id.map(signup)
    assert ((oo.t.dt.normalize() < os_).sum() > 0) == (hi > 0)


# --------------------------------------------------------------------------------------------
# Events linkage
# --------------------------------------------------------------------------------------------
def test_customers_are_event_users(none_ds):
    ev, cu = none_ds["events"], none_ds["customers"]
    num = cu.customer_id.str.split("-").str[1]
    assert set(num) <= set(ev.user_id)
    sc, ci, oo, oi = _clean(none_ds)
    cart_ev = ev[ev.event_type == "cart"]
    key_ev = set(cart_ev.user_id + "|" + cart_ev.product_id + "|" + cart_ev.event_time.str[:19])
    ci = ci.merge(sc[["cart_id", "customer_id"]], on="cart_id")
    key_ci = (ci.customer_id.str.split("-").str[1] + "|" + ci.product_id + "|"
              + ci.added_at.str[:19].str.replace("T", " "))
    assert key_ci.isin(key_ev).all()                       # one cart event per cart line
    pur = ev[ev.event_type == "purchase"]
    key_p = set(pur.user_id + "|" + pur.product_id + "|" + pur.event_time.str[:19])
    o = oi.merge(oo[["order_id", "customer_id", "order_date"]], on="order_id")
    key_o = (o.customer_id.str.split("-").str[1] + "|" + o.product_id + "|"
             + o.order_date.str[:19].str.replace("T", " "))
    assert key_o.isin(key_p).all()                         # one purchase event per order line
    # views precede the cart lines in the same session
    linked = ev[ev.user_id.isin(set(num))]
    first = linked.groupby("user_session").event_type.first()
    assert (first == "view").mean() > 0.6


@pytest.mark.parametrize("ds", ALL_LEVELS)
def test_purchases_without_cart_event(ds, request):
    ev = request.getfixturevalue(ds)["events"]
    buyers = set(ev.user_id[ev.event_type == "purchase"])
    carters = set(ev.user_id[ev.event_type == "cart"])
    assert len(buyers - carters) > 0
    anon = ev[ev.user_id.str.len() >= 9]
    assert (anon.event_type == "purchase").any() and (anon.event_type == "cart").any()


def test_event_cap_keeps_cart_and_purchase_events(tmp_path):
    counts = gd.generate(str(tmp_path), 300, 700, 3, "none")
    ev = read(tmp_path, "events")
    assert counts["events"] == len(ev) == 700
    assert (ev.user_id.str.len() <= 6).all()               # only linked (customer) users
    assert ev.event_type.isin(["cart", "purchase", "remove_from_cart"]).mean() > 0.9
    ev0 = gd.generate(str(tmp_path / "zero"), 50, 0, 3, "heavy")["events"]
    assert ev0 == 0 and read(tmp_path / "zero", "events").columns.tolist() == \
        EXPECTED_COLUMNS["events"].split(",")


# --------------------------------------------------------------------------------------------
# Messiness
# --------------------------------------------------------------------------------------------
FREE_TEXT = [("product_catalog", "product_name"), ("cart_items", "product_name"),
             ("order_items", "product_name"), ("return_items", "product_name"),
             ("customers", "customer_status"), ("orders", "payment_method"),
             ("orders", "shipping_speed"), ("orders", "clv_bucket"), ("returns", "reason"),
             ("returns", "return_channel"), ("returns", "return_type")]


def _canonical(s: pd.Series) -> pd.Series:
    """True where a value is in its clean spelling (no padding, first letter upper case)."""
    return (s == s.str.strip()) & s.str.match(r"^[A-Z]") & ~s.str.fullmatch(r"[A-Z -]{4,}")


def test_none_is_clean(none_ds):
    d = none_ds
    sc, ci = d["shopping_carts"], d["cart_items"]
    assert set(sc.status) <= STATUSES and set(sc.status) >= {"converted", "abandoned", "emptied",
                                                             "open"}
    for t, c in FREE_TEXT:
        assert _canonical(d[t][c]).all(), (t, c)
    names = d["product_catalog"].set_index("product_id").product_name
    assert (ci.product_name == ci.product_id.map(names)).all()
    assert not ci.duplicated().any() and ci.cart_item_id.is_unique
    assert (sc.updated_at != "").all() and (ci.added_at != "").all()
    assert (d["orders"].order_date.str[10] == "T").all()
    assert (d["orders"].agent_id != "").all()
    cu = d["customers"]
    assert (cu.email_verified != "").all() and (cu.marketing_opt_in != "").all()
    ev = d["events"]
    assert not ev.duplicated().any()
    assert (ev.price.astype(float) > 0).all()
    assert (ev.brand != "").all() and (ev.category_code != "").all()
    assert (ev.user_session != "").all()
    assert (ev.groupby("user_session").user_id.nunique() == 1).all()


def test_heavy_has_every_quirk(heavy_ds):
    d = heavy_ds
    sc, ci, oo, ev = d["shopping_carts"], d["cart_items"], d["orders"], d["events"]
    # status spellings: padding and case variants, all normalising to the 4 statuses
    assert set(norm(sc.status)) == STATUSES
    variants = set(sc.status)
    assert 25 <= len(variants) <= 45
    assert any(v != v.strip() for v in variants)
    assert any(v.strip().isupper() for v in variants)
    assert any(v.strip().istitle() for v in variants)
    assert 0.3 < (~sc.status.isin(STATUSES)).mean() < 0.6
    # free text noise
    for t, c in FREE_TEXT:
        assert (~_canonical(d[t][c])).any(), (t, c)
    # blank timestamps
    assert 0.04 < (sc.updated_at == "").mean() < 0.13
    assert 0.04 < (ci.added_at == "").mean() < 0.13
    # exact duplicate cart_item rows (same id, whole row identical)
    dups = ci[ci.cart_item_id.duplicated(keep=False)]
    assert len(dups) > 0 and dups.duplicated(keep=False).all()
    # order_date with a space instead of T, for a share only
    space = oo.order_date.str[10] == " "
    assert 0.05 < space.mean() < 0.3
    # events: duplicates, bad prices, empty sessions, shared sessions, empty brand / code
    assert ev.duplicated().sum() >= 1
    assert (ev.price.astype(float) <= 0).any()
    assert (ev.price.astype(float) < 0).any() or (ev.price == "0.00").any()
    assert (ev.user_session == "").any()
    users_per_session = ev[ev.user_session != ""].groupby("user_session").user_id.nunique()
    assert (users_per_session > 1).any()
    assert 0.15 < (ev.brand == "").mean() < 0.5
    assert 0.15 < (ev.category_code == "").mean() < 0.5
    assert (d["customers"].email_verified == "").any()
    assert (d["customers"].age == "nan").any()


def test_light_rates(light_ds):
    d = light_ds
    sc, ci, oo, ev = d["shopping_carts"], d["cart_items"], d["orders"], d["events"]
    assert 0.12 < (~sc.status.isin(STATUSES)).mean() < 0.3
    assert (oo.order_date.str[10] == "T").all()              # space only in heavy
    assert 0.005 < (sc.updated_at == "").mean() < 0.07
    assert ci.duplicated().sum() >= 1
    assert ev.duplicated().sum() >= 1 and (ev.price.astype(float) <= 0).sum() >= 1
    assert 0.15 < (ev.brand == "").mean() < 0.35
    assert 0.15 < (ev.category_code == "").mean() < 0.4
    assert (ev.user_session == "").sum() >= 1


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------
def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_cli_runs_and_prints_summary(tmp_path):
    r = _run("--out", str(tmp_path), "--customers", "60", "--events", "2000", "--seed", "4",
             "--messiness", "light", "--format", "parquet", "--start-date", "2023-06-01",
             "--days", "90")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == len(TABLES)
    assert lines[-1].startswith("events: 2000 rows")
    assert {f"{t}.parquet" for t in MARKETING_TABLES} <= {p.name for p in tmp_path.iterdir()}
    ev = read(tmp_path, "events")
    t = pd.to_datetime(ev.event_time.str[:19])
    assert t.min() >= pd.Timestamp("2023-06-01") and t.max() < pd.Timestamp("2023-08-30")
    sc = read(tmp_path, "shopping_carts")
    c = pd.to_datetime(sc.created_at)
    assert c.min() >= pd.Timestamp("2023-06-01") and c.max() < pd.Timestamp("2023-08-30")


@pytest.mark.parametrize("args", [
    ["--customers", "10", "--events", "10", "--seed", "1", "--messiness", "extreme"],
    ["--customers", "-5", "--events", "10", "--seed", "1", "--messiness", "none"],
    ["--customers", "ten", "--events", "10", "--seed", "1", "--messiness", "none"],
    ["--customers", "10", "--events", "10", "--seed", "1", "--messiness", "none",
     "--start-date", "2024-13-01"],
    ["--customers", "10", "--events", "10", "--seed", "1", "--messiness", "none",
     "--format", "json"],
    ["--customers", "10", "--events", "10", "--seed", "-1", "--messiness", "none"],
    ["--customers", "10", "--events", "10", "--seed", "1", "--messiness", "none", "--days", "0"],
    ["--customers", "10", "--events", "10", "--seed", "1"],
])
def test_cli_bad_arguments(tmp_path, args):
    r = _run("--out", str(tmp_path / "x"), *args)
    assert r.returncode == 2
    assert "error:" in r.stderr and "usage:" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_daily_files_hold_the_same_events_one_day_each(tmp_path, fmt):
    """--daily-files writes the same events, in the same order, as one file per day
    (events/<YYYY-MM-DD>.<fmt>) holding only that day; the commerce files do not change."""
    kw = dict(customers=120, events=4000, seed=5, messiness="heavy", fmt=fmt, days=40)
    one = gd.generate(str(tmp_path / "one"), **kw)
    daily = gd.generate(str(tmp_path / "daily"), **kw, daily_files=True)
    assert one == daily
    files = sorted((tmp_path / "daily" / "events").iterdir())
    assert not (tmp_path / "daily" / f"events.{fmt}").exists()
    assert [f.name for f in files] == sorted({f"{t[:10]}.{fmt}" for t in read(
        tmp_path / "one", "events")["event_time"]})
    parts = []
    for path in files:
        part = read(path.parent, path.name.split(".")[0])
        assert set(part["event_time"].str[:10]) == {path.name[:10]}
        parts.append(part)
    assert pd.concat(parts, ignore_index=True).equals(read(tmp_path / "one", "events"))
    for table in (t for t in TABLES if t != "events"):
        assert (tmp_path / "one" / f"{table}.{fmt}").read_bytes() == (
            tmp_path / "daily" / f"{table}.{fmt}").read_bytes()


# --------------------------------------------------------------------------------------------
# Marketing (campaigns, campaign_spend, orders' campaign tags; off with --no-marketing)
# --------------------------------------------------------------------------------------------
NUMBER_RE = r"-?\d+(\.\d+)?"
SPEND_RE = r"\$?-?\d+(\.\d{1,2})?"          # plain money, or a currency sign first ($12.50)
CHANNELS = {"email", "paid_search", "social", "affiliate", "display"}
N_CAMPAIGNS = max(12, N_CUST // 40)         # the real campaigns of the fixtures: 20
SPEND_COLUMNS = raw_columns()["campaign_spend"]


@pytest.fixture(scope="session")
def light_nomkt(tmp_path_factory):
    """light_ds's arguments without marketing: an older shop's export."""
    return Data(*_gen(tmp_path_factory, "light_nomkt", messiness="light", marketing=False))


def utm_key(value: str) -> str:
    """The spec's normal form of a utm value or campaign name: lower case, each run of
    characters other than a-z / 0-9 one `_`, no `_` at either end."""
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")


def _staging_reasons(df: pd.DataFrame, key: list[str], checks) -> pd.Series:
    """The first failing check of each raw row (None: valid), the spec's order: an exact
    duplicate of an earlier row, then each of `checks` (name, row mask) in order, where a
    check named "duplicate_key" flags every row of a repeated `key` but the kept one (fewest
    blank values, then the smallest raw values in column order)."""
    reason = pd.Series(None, index=df.index, dtype=object)
    reason[df.duplicated(keep="first")] = "exact_duplicate"
    for name, mask in checks:
        if name == "duplicate_key":
            rest = df[reason.isna()]
            order = rest.assign(_blanks=(rest == "").sum(axis=1)).sort_values(
                ["_blanks", *df.columns.tolist()])
            mask = pd.Series(False, index=df.index)
            mask[order.index[order.duplicated(key, keep="first")]] = True
            name = {"campaign_id": "duplicate_campaign_id"}.get(key[0], "duplicate_spend_day")
        reason[reason.isna() & mask] = name
    return reason


def _dates(s: pd.Series) -> pd.Series:
    """YYYY-MM-DD text -> dates; blank or not a date -> NaT."""
    return pd.to_datetime(s.str.strip().replace("", None), format="%Y-%m-%d", errors="coerce")


def _money(s: pd.Series) -> pd.Series:
    """Money as the project reads the generator's spellings (`12.5`, `$12.50`, `-3.2`);
    anything else -> NaN."""
    t = s.str.strip()
    ok = t.str.fullmatch(SPEND_RE)
    return pd.to_numeric(t.where(ok).str.replace("$", "", regex=False), errors="coerce")


def marketing_staging(d: Data):
    """The spec's staging checks of campaigns and campaign_spend on a generated folder:
    (campaigns with a `reason` column, spend rows with a `reason` column)."""
    c = d["campaigns"]
    start, end, budget = _dates(c.start_date), _dates(c.end_date), _money(c.budget)
    c["reason"] = _staging_reasons(c[c.columns.tolist()], ["campaign_id"], [
        ("missing_campaign_id", c.campaign_id.str.strip() == ""),
        ("duplicate_key", None),
        ("invalid_start_date", start.isna()),
        ("invalid_end_date", (c.end_date.str.strip() != "") & end.isna()),
        ("end_date_before_start_date", end < start),
        ("invalid_budget", (c.budget.str.strip() != "") & budget.isna()),
        ("negative_budget", budget < 0),
    ])
    valid = set(c.campaign_id[c.reason.isna()])
    s = d["campaign_spend"]
    spend = _money(s.spend)
    whole = {col: s[col].str.fullmatch(r"-?\d+") for col in ("impressions", "clicks")}
    counts = {col: pd.to_numeric(s[col].where(whole[col]), errors="coerce")
              for col in whole}
    s["reason"] = _staging_reasons(s[s.columns.tolist()], ["campaign_id", "date"], [
        ("missing_campaign_id", s.campaign_id.str.strip() == ""),
        ("invalid_date", _dates(s.date).isna()),
        ("duplicate_key", None),
        ("invalid_spend", spend.isna()),
        ("negative_spend", spend < 0),
        ("invalid_impressions", ~whole["impressions"]),
        ("invalid_clicks", ~whole["clicks"]),
        ("negative_count", (counts["impressions"] < 0) | (counts["clicks"] < 0)),
        ("orphan_spend_row", ~s.campaign_id.str.strip().isin(valid)),
    ])
    s["spend_value"], s["imp"], s["clk"] = spend, counts["impressions"], counts["clicks"]
    return c, s


def attribution(d: Data, campaigns: pd.DataFrame) -> pd.DataFrame:
    """The spec's attribution of every order (all generated orders are valid ones): columns
    `campaign` (the attributed campaign_id or None) and `how` (campaign_id, utm_campaign,
    unknown_campaign, ambiguous_campaign, untagged)."""
    o = d["orders"]
    valid = campaigns[campaigns.reason.isna()]
    by_key: dict[str, set] = {}
    for cid, name in zip(valid.campaign_id, valid.campaign_name, strict=True):
        for k in (utm_key(name), utm_key(cid)):
            by_key.setdefault(k, set()).add(cid)
    rows = []
    for cid, utm in zip(o.campaign_id.str.strip(), o.utm_campaign.str.strip(), strict=True):
        if cid:
            rows.append((cid, "campaign_id") if cid in set(valid.campaign_id)
                        else (None, "unknown_campaign"))
        elif utm:
            hits = by_key.get(utm_key(utm), set())
            rows.append((next(iter(hits)), "utm_campaign") if len(hits) == 1 else
                        (None, "unknown_campaign" if not hits else "ambiguous_campaign"))
        else:
            rows.append((None, "untagged"))
    return o.assign(campaign=[r[0] for r in rows], how=[r[1] for r in rows])


def test_marketing_files_by_default_not_without(light_ds, light_nomkt):
    """By default both marketing files are written and orders ends with the two campaign
    tags; without marketing neither file exists and orders has no tag column."""
    assert {p.name for p in light_ds.dir.iterdir()} == {f"{t}.csv" for t in TABLES}
    assert ORDER_TAGS == ["campaign_id", "utm_campaign"]
    assert light_ds["orders"].columns.tolist()[-2:] == ORDER_TAGS
    assert {p.name for p in light_nomkt.dir.iterdir()} == {f"{t}.csv" for t in BASE_TABLES}
    assert list(light_nomkt.counts) == [t for t in BASE_TABLES if t != "events"] + ["events"]
    assert ",".join(light_nomkt["orders"].columns) == ",".join(
        c for c in EXPECTED_COLUMNS["orders"].split(",") if c not in ORDER_TAGS)


def _same_but_marketing(with_dir: Path, without_dir: Path, fmt: str) -> None:
    """Every file of the run without marketing is byte-identical to the same file of the
    run with it, but orders, which equals the other's orders without its two tag columns
    (for CSV: each line is the other's line minus its last two fields)."""
    without = sorted(p.name for p in without_dir.iterdir())
    assert without == sorted(f"{t}.{fmt}" for t in BASE_TABLES)
    for name in without:
        if name != f"orders.{fmt}":
            assert (with_dir / name).read_bytes() == (without_dir / name).read_bytes(), name
    tagged, plain = read(with_dir, "orders"), read(without_dir, "orders")
    assert tagged.columns.tolist() == plain.columns.tolist() + ORDER_TAGS
    pd.testing.assert_frame_equal(tagged.drop(columns=ORDER_TAGS), plain)
    assert (tagged[ORDER_TAGS] != "").any().all()            # the tags are really there
    if fmt == "csv":
        lines = (with_dir / "orders.csv").read_text().splitlines()
        old = (without_dir / "orders.csv").read_text().splitlines()
        assert [line.rsplit(",", 2)[0] for line in lines] == old


def test_marketing_leaves_the_other_tables_unchanged(light_ds, light_nomkt, tmp_path):
    """The marketing stream is the eighth child of the seed: the first seven streams, and
    so every other table, are the same with or without it (light CSV, heavy Parquet)."""
    _same_but_marketing(light_ds.dir, light_nomkt.dir, "csv")
    kw = dict(customers=150, events=3000, seed=8, messiness="heavy", fmt="parquet")
    gd.generate(str(tmp_path / "with"), **kw)
    gd.generate(str(tmp_path / "without"), **kw, marketing=False)
    _same_but_marketing(tmp_path / "with", tmp_path / "without", "parquet")


def test_cli_no_marketing(tmp_path):
    """--no-marketing on the command line: nine files, orders without the tags."""
    r = _run("--out", str(tmp_path), "--customers", "60", "--events", "1000", "--seed", "4",
             "--messiness", "heavy", "--no-marketing")
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.strip().splitlines()) == len(BASE_TABLES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t}.csv" for t in BASE_TABLES)
    assert not set(ORDER_TAGS) & set(read(tmp_path, "orders").columns)


@pytest.mark.parametrize("ds", ALL_LEVELS)
def test_campaigns_and_spend(ds, request):
    """Campaigns inside the window (a few running, budgets mostly present, names distinct);
    one spend row per campaign per day of its run, some days absent, some rows of zeros."""
    d = request.getfixturevalue(ds)
    c, s = marketing_staging(d)
    ok = c[c.reason.isna()]
    assert len(ok) == N_CAMPAIGNS                   # heavy: the broken rows are extra rows
    assert len(c) == N_CAMPAIGNS + 3 * (ds == "heavy_ds")
    assert ok.campaign_id.tolist() == [f"CMP-{i:04d}" for i in range(1, N_CAMPAIGNS + 1)]
    assert full_match(c.campaign_id, r"CMP-\d{4}")
    assert set(c.channel) <= CHANNELS and len(set(c.channel)) >= 2
    start, end = _dates(ok.start_date), _dates(ok.end_date)
    assert (start >= START).all() and (end.dropna() < END).all()
    assert ((end >= start) | end.isna()).all()
    assert 1 <= end.isna().sum() <= len(ok) // 2                  # a few still running
    assert (ok.budget != "").mean() >= 0.5
    assert ok.campaign_name.map(utm_key).is_unique
    assert ok.campaign_name.str.fullmatch(r"[A-Z][A-Za-z0-9' ()-]+").all()
    run = ok.set_index("campaign_id").assign(start=start.values,
                                             end=end.fillna(END - pd.Timedelta(days=1)).values)
    v = s[s.reason.isna()].assign(day=lambda x: _dates(x.date))
    v = v.join(run[["start", "end"]], on="campaign_id")
    assert (v.day >= v.start).all() and (v.day <= v.end).all()
    run_days = ((run.end - run.start).dt.days + 1).sum()
    assert 0.85 * run_days < len(v) < run_days                      # some days absent
    zero = (v.spend_value == 0) & (v.imp == 0) & (v.clk == 0)
    assert zero.any() and zero.mean() < 0.1
    assert (v.spend_value >= 0).all() and (v.imp >= 0).all()
    assert (v.clk <= v.imp).mean() > 0.95 and (v.clk > 0).any()
    assert ((v.clk > v.imp).sum() == 0) == (ds == "none_ds")


@pytest.mark.parametrize("ds", ALL_LEVELS)
def test_order_tags_and_roi(ds, request):
    """About 30 % of the orders placed while a campaign runs carry a tag, mostly a
    campaign_id; a campaign_id tag names a campaign running that day; a clean utm value is
    the lower-case campaign name; ROI varies by campaign, positive and negative."""
    d = request.getfixturevalue(ds)
    c, s = marketing_staging(d)
    o = attribution(d, c)
    runs = c[c.reason.isna()].assign(s=_dates(c.start_date), e=_dates(c.end_date).fillna(END))
    day = ts(o.order_date).dt.normalize()
    running = pd.concat([(day >= r.s) & (day <= r.e) for r in runs.itertuples()], axis=1)
    during = running.any(axis=1)
    tagged = (o.campaign_id != "") | (o.utm_campaign != "")
    assert 0.2 < tagged[during].mean() < 0.4
    by_id = o[o.how == "campaign_id"]
    assert 0.55 < (o.campaign_id != "")[tagged & during].mean() < 0.85
    where = runs.set_index("campaign_id")
    assert ((day[by_id.index] >= by_id.campaign.map(where.s))
            & (day[by_id.index] <= by_id.campaign.map(where.e))).all()
    assert {"campaign_id", "utm_campaign", "untagged"} <= set(o.how)
    assert "ambiguous_campaign" not in set(o.how)
    assert ("unknown_campaign" in set(o.how)) == (ds != "none_ds")
    if ds == "none_ds":
        assert not tagged[~during].any()
        utm = o.utm_campaign[o.utm_campaign != ""]
        assert full_match(utm, r"[a-z0-9]+([_-][a-z0-9]+)*")
    revenue = o.net_total.astype(float).groupby(o.campaign).sum()
    spend = s[s.reason.isna()].groupby("campaign_id").spend_value.sum()
    roi = (revenue.reindex(spend.index).fillna(0) - spend) / spend
    assert (roi > 0.15).any() and (roi < -0.15).any(), roi


@pytest.mark.parametrize("ds,campaign_reasons,spend_reasons", [
    ("none_ds", set(), set()),
    ("light_ds", set(), {"exact_duplicate"}),
    ("heavy_ds", {"end_date_before_start_date", "duplicate_campaign_id", "invalid_budget"},
     {"exact_duplicate", "missing_campaign_id", "negative_spend", "orphan_spend_row"}),
])
def test_marketing_quirks_meet_their_checks(ds, campaign_reasons, spend_reasons, request):
    """Each level's marketing quirks, and nothing else, fail the spec's staging checks."""
    c, s = marketing_staging(request.getfixturevalue(ds))
    assert set(c.reason.dropna()) == campaign_reasons
    assert set(s.reason.dropna()) == spend_reasons


def test_light_marketing_quirks(light_ds):
    """Light: utm case / spacing / separator variants and a few utm values of no campaign;
    clicks > impressions; one or two exact duplicate spend rows; `$` on a few spends."""
    c, s = marketing_staging(light_ds)
    o = attribution(light_ds, c)
    utm = o.utm_campaign[o.utm_campaign != ""]
    assert (utm != utm.str.strip()).any() and utm.str.contains("[A-Z]").any()
    assert (o.how == "unknown_campaign").sum() >= 1
    assert (o.campaign_id[o.campaign_id != ""].isin(c.campaign_id)).all()
    assert 1 <= s[SPEND_COLUMNS].duplicated().sum() <= max(4, 0.01 * len(s))
    assert 1 <= (s.clk > s.imp).sum() < 0.02 * len(s)
    assert 1 <= s.spend.str.startswith("$").sum() < 0.06 * len(s)
    assert full_match(s.spend[s.spend.str.startswith("$")], r"\$\d+\.\d{2}")


def test_heavy_has_every_marketing_quirk(heavy_ds):
    """Heavy: every marketing quirk at least once (the staging reasons are checked in
    test_marketing_quirks_meet_their_checks; here the raw spellings)."""
    c, s = marketing_staging(heavy_ds)
    o = attribution(heavy_ds, c)
    utm = o.utm_campaign[o.utm_campaign != ""]
    assert (utm != utm.str.strip()).any()                           # padding
    assert utm.str.strip().str.isupper().any() and utm.str.contains(r"^\s*[A-Z][a-z]").any()
    known = utm[o.how[utm.index] == "utm_campaign"]
    spellings = known.str.strip().str.lower().groupby(o.campaign[known.index]).agg(set)
    assert spellings.map(lambda v: any("_" in x for x in v) and any("-" in x for x in v)).any()
    assert (o.utm_campaign.str.strip().ne("") & (o.how == "unknown_campaign")).any()
    assert (~o.campaign_id[o.campaign_id != ""].isin(c.campaign_id)).any()  # no such campaign
    assert s[SPEND_COLUMNS].duplicated().any()
    assert (s.clk > s.imp).any()
    assert s.spend.str.startswith("$").any()
    assert (s.campaign_id == "").any()
    assert (s.spend_value < 0).any()
    assert (~s.campaign_id[s.campaign_id != ""].isin(c.campaign_id)).any()  # orphan rows
    assert (_dates(c.end_date) < _dates(c.start_date)).any()
    dup = c[c.campaign_id.duplicated(keep=False)].drop(columns="reason")
    assert len(dup) == 2 and not dup.duplicated().any()            # same id, other values
    assert ((c.budget != "") & _money(c.budget).isna()).any()      # unreadable budget


def test_heavy_broken_campaigns_are_extra_rows(heavy_ds):
    """Heavy: the end_date-before-start and the TBD-budget campaigns are two extra rows after
    the real campaigns, with no spend row and no tagged order; the duplicate id is a second
    row of a real campaign (blank budget), whose own row is the kept one, so that campaign
    keeps its spend rows and its tagged orders; the campaign missing from the export has the
    id after the written rows. So each broken row is one row of the campaigns file, and no
    campaigns or campaign_spend check removes more than 1 / 15 of its table (the publish gate
    max_quarantine_share is 10 %)."""
    c, s = marketing_staging(heavy_ds)
    o = attribution(heavy_ds, c)
    real = [f"CMP-{i:04d}" for i in range(1, N_CAMPAIGNS + 1)]
    extra = [f"CMP-{N_CAMPAIGNS + 1:04d}", f"CMP-{N_CAMPAIGNS + 2:04d}"]
    assert c.campaign_id.tolist()[-2:] == extra
    assert c.reason.tolist()[-2:] == ["end_date_before_start_date", "invalid_budget"]
    assert c.budget.iloc[-1] == "TBD" and _money(c.budget.iloc[-2:-1]).gt(0).all()
    extra_start = _dates(c.start_date).iloc[-2:]
    assert ((extra_start >= START) & (extra_start < END)).all()
    once = c[~c.campaign_id.duplicated()]
    assert once.campaign_name.map(utm_key).is_unique        # the extras: names of their own
    assert not s.campaign_id.str.strip().isin(extra).any()            # no spend rows
    names = {utm_key(v) for v in c.campaign_name.iloc[-2:]} | {utm_key(v) for v in extra}
    assert not o.campaign_id.str.strip().isin(extra).any()            # no tagged orders
    assert not o.utm_campaign.map(utm_key).isin(names).any()
    # the campaign written twice: a real one; its kept row is its own (a budget, the real end)
    [twice] = c.campaign_id[c.campaign_id.duplicated()].tolist()
    assert twice in real
    rows = c[c.campaign_id == twice]
    assert rows.index.tolist() == [rows.index[0], rows.index[0] + 1]   # right after it
    assert rows.reason.isna().tolist() == [True, False]
    assert rows.reason.iloc[1] == "duplicate_campaign_id"
    assert rows.budget.iloc[0] != "" and rows.budget.iloc[1] == ""
    assert (_dates(rows.end_date).iloc[1] - _dates(rows.end_date).iloc[0]).days == 14
    assert (s.reason.isna() & (s.campaign_id == twice)).sum() >= 7     # its spend rows
    assert (o.campaign == twice).any()                                  # its tagged orders
    # orphans and unknown ids name the id after the written rows, never a real campaign's
    deleted = f"CMP-{N_CAMPAIGNS + 3:04d}"
    assert set(s.campaign_id[s.reason == "orphan_spend_row"]) == {deleted}
    assert set(o.campaign_id[(o.how == "unknown_campaign") & (o.campaign_id != "")]) == {deleted}
    for df in (c, s):
        assert df.reason.value_counts().max() <= len(df) / 15, df.reason.value_counts()
