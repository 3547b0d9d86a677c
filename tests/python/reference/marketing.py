"""Independent pandas reference for the marketing marts (differential test oracle).

It reads the RAW files (campaigns, campaign_spend and orders; every column as text) and
recomputes, from the marketing spec (raw tables, staging checks, attribution rule, marts),
what the marketing marts should hold: campaign_performance, campaign_daily and
channel_performance, and what data_quality_audit counts for campaigns and campaign_spend.
It never reads a dbt table or the project's SQL, so a comparison with the marts is an
independent check of the SQL.

The valid orders come from the cart reference's orders checks (reference/carts.py,
`check_orders`), the first order of a customer from the customer reference
(reference/customers.py, `first_orders`): both independent of dbt.

Rules:
  values: NULL, N/A, \\N, None, NaN (any case, trimmed) and blanks are missing in every
  column. text: trimmed; label: lower(trim()); money: as docs/raw_data.md, "Numbers" (one
  currency marker dropped, `$12.50`, `12,50 EUR`; thousands grouped by the other separator, a
  space or an apostrophe; the decimal separator of each file decided from its money values,
  a number with two readings in a file that shows neither stops: ValueError; scientific
  notation with the point) at the storage scale, 4 decimals; integer: a whole number, `12.0`
  is 12 (carts.integer); date: YYYY-MM-DD, a real calendar day.
  family: off when neither campaigns nor campaign_spend is in the raw folder (.csv, .csv.gz,
  .parquet, or a folder of parts): the three marts are empty. One of the two missing reads
  as an empty table. orders' campaign_id / utm_campaign (optional): a missing column is blank.
  checks (the first failing one wins; a row is read once, an exact copy of an earlier row is
  `exact_duplicate`; among the other copies of a key the kept one has the fewest missing
  values, then the smallest raw values compared as text in contract column order):
    campaigns: exact_duplicate, missing_campaign_id, duplicate_campaign_id,
      invalid_start_date (blank or not a date), invalid_end_date (present, not a date),
      end_date_before_start_date, invalid_budget (present, not a number), negative_budget.
    campaign_spend: exact_duplicate, missing_campaign_id, invalid_date (blank or not a date),
      duplicate_spend_day (key campaign_id + date), invalid_spend (blank or not a number),
      negative_spend, invalid_impressions, invalid_clicks (blank or not a whole number),
      negative_count, orphan_spend_row (campaign_id not a valid campaign's).
      Flag on kept rows: clicks_above_impressions.
  attribution of a valid order: a campaign_id tag (trimmed, case kept) attributes the order
  to the valid campaign with that id (`campaign_id`), else `unknown_campaign`; without one,
  a utm_campaign tag, normalised (lower-case, every run of characters other than a-z 0-9 ->
  one `_`, `_` trimmed at both ends), matches the valid campaigns whose normalised
  campaign_name or campaign_id equals it: exactly one -> `utm_campaign`, none ->
  `unknown_campaign`, several -> `ambiguous_campaign`; without either, `untagged`. No date
  window, no fallback.
  new customer of a campaign: the customer's first valid order (earliest ordered_at, ties by
  the smallest order_id) is attributed to it.
  marts: as the spec; rates are null when their denominator is 0; the day of an order is
  the date of ordered_at in UTC; a blank channel is `unknown`.

Money is summed exactly (integer units of 0.0001, the project's decimal(18,4) scale) and
reported as float; the rates are computed from the exact sums.

Usage::

    from reference.marketing import compute
    ref = compute("/path/to/raw_dir")
    ref.campaign_performance      # one row per valid campaign
    ref.campaign_daily            # one row per (campaign_id, activity_date) with spend or orders
    ref.channel_performance       # one row per channel of the valid campaigns
    ref.audit                     # {table: {read, kept, removed: {check: rows}, flagged}}
    ref.orders                    # the valid orders with their attribution
    ref.campaign_checks           # every raw campaigns row, typed, with its dq_reason
    ref.spend_checks              # every raw campaign_spend row, typed, with its dq_reason

Run as a script to print the audit and the channels of one or more raw folders::

    python tests/python/reference/marketing.py DIR [DIR ...]
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

from reference.carts import check_orders, integer
from reference.common import (
    RAW_COLUMNS,
    Rules,
    keep_smallest_per_key,
    label,
    money,
    rate,
    text,
)
from reference.customers import first_orders

MARKETING_TABLES = ["campaigns", "campaign_spend"]
# the spellings of a missing value (docs/raw_data.md, the default of raw_null_tokens)
NULL_TOKENS = {"null", "n/a", "\\n", "none", "nan"}
_UNITS = 10_000  # money units per currency unit: decimal(18,4)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NOT_ALNUM_RE = re.compile(r"[^a-z0-9]+")

# the staging checks of each table, in order (the first failing one wins)
CHECKS = {
    "campaigns": [
        "exact_duplicate",
        "missing_campaign_id",
        "duplicate_campaign_id",
        "invalid_start_date",
        "invalid_end_date",
        "end_date_before_start_date",
        "invalid_budget",
        "negative_budget",
    ],
    "campaign_spend": [
        "exact_duplicate",
        "missing_campaign_id",
        "invalid_date",
        "duplicate_spend_day",
        "invalid_spend",
        "negative_spend",
        "invalid_impressions",
        "invalid_clicks",
        "negative_count",
        "orphan_spend_row",
    ],
}
FLAGS = {"campaigns": [], "campaign_spend": ["clicks_above_impressions"]}
ATTRIBUTIONS = ["campaign_id", "utm_campaign", "unknown_campaign", "ambiguous_campaign",
                "untagged"]

# the columns of the marts, in the spec's order
PERFORMANCE_COLUMNS = [
    "campaign_id", "campaign_name", "channel", "start_date", "end_date", "budget", "spend",
    "impressions", "clicks", "ctr", "cost_per_click", "attributed_orders", "customers",
    "new_customers", "revenue", "roi", "roas"]
DAILY_COLUMNS = [
    "activity_date", "campaign_id", "channel", "spend", "impressions", "clicks", "ctr",
    "cost_per_click", "attributed_orders", "revenue"]
CHANNEL_COLUMNS = [
    "channel", "campaigns", "spend", "impressions", "clicks", "cost_per_click",
    "attributed_orders", "revenue", "new_customers", "cost_per_new_customer", "roi", "roas",
    "share_of_all_revenue"]


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------

def _table_files(raw_dir: Path, table: str) -> list[Path]:
    """The files of a raw table: <table>.csv, .csv.gz or .parquet, or the files of the
    folder <table>/ (sorted)."""
    suffixes = (".csv", ".csv.gz", ".parquet")
    files = [raw_dir / f"{table}{s}" for s in suffixes if (raw_dir / f"{table}{s}").is_file()]
    folder = raw_dir / table
    if folder.is_dir():
        files += sorted(p for p in folder.iterdir()
                        if p.is_file() and p.name.endswith(suffixes) and not
                        p.name.startswith("."))
    return files


def _read_file(path: Path) -> pd.DataFrame:
    """One raw file, every column as text, blanks '' (a parquet NULL too)."""
    if path.name.endswith(".parquet"):
        df = pd.read_parquet(path).astype(object)
        return df.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v))
                      else str(v))
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_table(raw_dir: str | Path, table: str) -> pd.DataFrame | None:
    """A raw table in contract column order, every column as text ('' for blank); an
    optional column the files lack is blank. None when the raw folder has no file of it."""
    from raw_contract import raw_contract  # scripts/ is on sys.path (reference.common)

    files = _table_files(Path(raw_dir), table)
    if not files:
        return None
    df = pd.concat([_read_file(p) for p in files], ignore_index=True)
    optional = raw_contract()[table].get("optional", [])
    missing = [c for c in RAW_COLUMNS[table] if c not in df.columns and c not in optional]
    if missing:
        raise ValueError(f"{table} lacks contract columns {missing}")
    for c in RAW_COLUMNS[table]:
        if c not in df.columns:
            df[c] = ""
    return df[RAW_COLUMNS[table]].astype(object).reset_index(drop=True)


def _empty_table(table: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in RAW_COLUMNS[table]})


# --------------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------------

def missing_as_blank(s: pd.Series) -> pd.Series:
    """A null token (NULL, N/A, \\N, None, NaN; any case, trimmed) -> '' (blank)."""
    return s.map(lambda v: "" if not isinstance(v, str) or v.strip().lower() in NULL_TOKENS
                 else v)


def clean(s: pd.Series) -> pd.Series:
    """text(): trimmed; blank or a null token -> missing (None)."""
    return pd.Series([v if isinstance(v, str) else None for v in text(missing_as_blank(s))],
                     index=s.index, dtype=object)


def date(s: pd.Series) -> pd.Series:
    """YYYY-MM-DD, a real calendar day -> datetime64; anything else (or missing) -> NaT."""
    t = clean(s)
    ok = t.map(lambda v: isinstance(v, str) and bool(_DATE_RE.match(v)))
    return pd.to_datetime(t.where(ok, None), format="%Y-%m-%d", errors="coerce")


def _number_re(decimal: str) -> re.Pattern:
    """A number written with `decimal` as its decimal separator (docs/raw_data.md, "Numbers"):
    a sign, digits, the separator and decimals; the digits may be grouped in thousands (groups
    of three after the first) by the other separator, a space, a no-break space or an
    apostrophe, one of them throughout; scientific notation only with the point."""
    d = re.escape(decimal)
    group = "|".join(re.escape(g) for g in ("," if decimal == "." else ".", " ", "\u00a0", "'"))
    plain = rf"\d+(?:{d}\d*)?|{d}\d+"
    grouped = rf"\d{{1,3}}(?P<g>{group})\d{{3}}(?:(?P=g)\d{{3}})*(?:{d}\d*)?"
    forms = [plain, grouped]
    if decimal == ".":
        forms.append(r"(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+")
    return re.compile(rf"^[+-]?(?:{'|'.join(forms)})$", re.ASCII)


_NUMBER_RE = {d: _number_re(d) for d in ".,"}
_GROUP_CHARS = re.compile("[ \u00a0']")
# one currency marker: a three-letter code in capitals, `$` with up to two capitals before it,
# or a currency symbol
_MARKER = r"(?:[A-Z]{3}|[A-Z]{0,2}\$|[€£¥₹₩₽₺₪₫₱฿₦₴₸¢])"
_MARKER_FIRST_RE = re.compile(rf"^([+-]?)\s*{_MARKER}\s*(.*)$")
_MARKER_LAST_RE = re.compile(rf"^(.*?)\s*{_MARKER}$")


def money_readings(value: str) -> dict[str, float]:
    """The readings of a money text (trimmed, not missing): {decimal separator: amount} for
    each separator, `.` and `,`, with which it is a number (a currency marker dropped)."""
    amount = value
    first = _MARKER_FIRST_RE.match(value)
    if first:
        if first.group(1) and first.group(2)[:1] in ("+", "-"):
            return {}
        amount = first.group(1) + first.group(2)
    else:
        last = _MARKER_LAST_RE.match(value)
        if last:
            amount = last.group(1)
    readings = {}
    for decimal, pattern in _NUMBER_RE.items():
        if pattern.match(amount):
            other = "," if decimal == "." else "."
            plain = _GROUP_CHARS.sub("", amount).replace(other, "").replace(decimal, ".")
            readings[decimal] = float(plain)
    return readings


def decimal_separator(values: pd.Series) -> str | None:
    """The decimal separator of a raw file from its money values (raw_decimal_separator
    `auto`): `,` when some amount reads only with a decimal comma and none only with a
    decimal point, `.` in the opposite case, None (each number by its only reading) when the
    amounts show neither or both."""
    only = {d: False for d in ".,"}
    for v in clean(values).dropna():
        readings = money_readings(v)
        if len(readings) == 1:
            only[next(iter(readings))] = True
    if only[","] != only["."]:
        return "," if only[","] else "."
    return None


def money_value(s: pd.Series, decimal: str | None, what: str) -> pd.Series:
    """Money at the storage scale (4 decimals), read with the file's decimal separator
    (`decimal`; None: each number by its only reading); missing or not a number -> NaN. A
    number with two readings and no decided separator stops the run (ValueError), as the
    project's check does."""
    out = []
    for v in clean(s):
        readings = money_readings(v) if isinstance(v, str) else {}
        if decimal is not None:
            out.append(readings.get(decimal, np.nan))
        elif len(set(readings.values())) > 1:
            raise ValueError(f"{what}: {v!r} reads as {readings}: set raw_decimal_separator")
        else:
            out.append(next(iter(readings.values()), np.nan))
    return money(pd.Series(out, index=s.index, dtype=float))


def whole_number(s: pd.Series) -> pd.Series:
    """A whole number (`12.0` is 12) as Int64; missing or anything else -> <NA>."""
    return integer(missing_as_blank(s))


def units(x: pd.Series) -> pd.Series:
    """Money -> exact integer units of 0.0001."""
    return np.round(x.astype(float) * _UNITS).astype("int64")


def normalise_utm(value: str) -> str:
    """lower-case, every run of characters other than a-z 0-9 -> one `_`, `_` trimmed."""
    return _NOT_ALNUM_RE.sub("_", value.lower()).strip("_")


# --------------------------------------------------------------------------------------------
# rows
# --------------------------------------------------------------------------------------------

def keep_rule(raw: pd.DataFrame, key: pd.Series, columns: list[str]) -> pd.Series:
    """The keep rule among conflicting copies of a key: the fewest missing values (a null
    token counts as missing), then the smallest raw values as text in contract column order.
    (keep_smallest_per_key counts only blanks: the count with the null tokens and the raw
    values are given as its `first` terms.)"""
    blanks = sum(clean(raw[c]).isna().astype(int) for c in columns)
    first = [(blanks, True)] + [(raw[c], True) for c in columns]
    return keep_smallest_per_key(raw, key, columns, first=first)


def first_failing(checks: list[tuple[str, pd.Series]], index: pd.Index) -> pd.Series:
    """Per row, the name of the first check it fails (None: kept)."""
    reason = pd.Series(None, index=index, dtype=object)
    for name, failed in checks:
        failed = failed.reindex(index).astype("boolean").fillna(False).astype(bool)
        reason = reason.where(reason.notna() | ~failed, name)
    return pd.Series([r if isinstance(r, str) else None for r in reason], index=index,
                     dtype=object)


def _not_copied(raw: pd.DataFrame, key: pd.Series, columns: list[str]) -> tuple[pd.Series,
                                                                               pd.Series]:
    """(exact copies of an earlier row, rows kept by the keep rule among the others)."""
    exact = raw.duplicated(keep="first")
    distinct = raw[~exact]
    kept = keep_rule(distinct, key[~exact], columns).reindex(raw.index)
    return exact, kept.astype("boolean").fillna(True).astype(bool)


def check_campaigns(raw: pd.DataFrame) -> pd.DataFrame:
    """Every raw campaigns row, typed, with its dq_reason (None: a valid campaign)."""
    df = pd.DataFrame(index=raw.index)
    df["campaign_id"] = clean(raw["campaign_id"])
    df["campaign_name"] = clean(raw["campaign_name"])
    df["channel"] = label(missing_as_blank(raw["channel"]))
    df["start_date"] = date(raw["start_date"])
    df["end_date"] = date(raw["end_date"])
    df["budget"] = money_value(raw["budget"], decimal_separator(raw["budget"]),
                               "campaigns.budget")
    exact, kept = _not_copied(raw, df["campaign_id"], RAW_COLUMNS["campaigns"])
    df["dq_reason"] = first_failing([
        ("exact_duplicate", exact),
        ("missing_campaign_id", df["campaign_id"].isna()),
        ("duplicate_campaign_id", ~kept),
        ("invalid_start_date", df["start_date"].isna()),
        ("invalid_end_date", clean(raw["end_date"]).notna() & df["end_date"].isna()),
        ("end_date_before_start_date", df["end_date"] < df["start_date"]),
        ("invalid_budget", clean(raw["budget"]).notna() & df["budget"].isna()),
        ("negative_budget", df["budget"] < 0),
    ], raw.index)
    return df


def check_campaign_spend(raw: pd.DataFrame, campaign_ids: set[str]) -> pd.DataFrame:
    """Every raw campaign_spend row, typed, with its dq_reason (None: a valid spend row) and
    is_clicks_above_impressions; `campaign_ids`: the valid campaigns."""
    df = pd.DataFrame(index=raw.index)
    df["campaign_id"] = clean(raw["campaign_id"])
    df["spend_date"] = date(raw["date"])
    df["spend"] = money_value(raw["spend"], decimal_separator(raw["spend"]),
                              "campaign_spend.spend")
    df["impressions"] = whole_number(raw["impressions"])
    df["clicks"] = whole_number(raw["clicks"])
    key = pd.Series([f"{c}\x00{d:%Y-%m-%d}" if isinstance(c, str) and not pd.isna(d) else None
                     for c, d in zip(df["campaign_id"], df["spend_date"], strict=True)],
                    index=raw.index, dtype=object)
    exact, kept = _not_copied(raw, key, RAW_COLUMNS["campaign_spend"])
    df["dq_reason"] = first_failing([
        ("exact_duplicate", exact),
        ("missing_campaign_id", df["campaign_id"].isna()),
        ("invalid_date", df["spend_date"].isna()),
        ("duplicate_spend_day", ~kept),
        ("invalid_spend", df["spend"].isna()),
        ("negative_spend", df["spend"] < 0),
        ("invalid_impressions", df["impressions"].isna()),
        ("invalid_clicks", df["clicks"].isna()),
        ("negative_count", (df["impressions"] < 0) | (df["clicks"] < 0)),
        ("orphan_spend_row", ~df["campaign_id"].isin(campaign_ids)),
    ], raw.index)
    df["is_clicks_above_impressions"] = (
        df["dq_reason"].isna() & (df["clicks"] > df["impressions"])
    ).astype("boolean").fillna(False).astype(bool)
    return df


def table_audit(table: str, checked: pd.DataFrame) -> dict:
    """What data_quality_audit counts for a table: rows read, kept, removed by each check
    (every check, 0 included) and flagged by each flag."""
    reason = checked["dq_reason"]
    return {
        "read": len(checked),
        "kept": int(reason.isna().sum()),
        "removed": {name: int((reason == name).sum()) for name in CHECKS[table]},
        "flagged": {name: int(checked[f"is_{name}"].sum()) for name in FLAGS[table]},
    }


# --------------------------------------------------------------------------------------------
# attribution
# --------------------------------------------------------------------------------------------

def valid_orders(raw_dir: str | Path) -> pd.DataFrame:
    """The valid orders (the orders checks of reference/carts.py) with their raw tags:
    order_id, customer_id, order_date (UTC), net_total, ..., campaign_tag, utm_tag."""
    raw = read_table(raw_dir, "orders")
    if raw is None:
        raise ValueError(f"{raw_dir} has no orders file")
    typed, keep = check_orders(raw)
    orders = typed[keep].copy()
    orders["campaign_tag"] = clean(raw.loc[orders.index, "campaign_id"])
    orders["utm_tag"] = clean(raw.loc[orders.index, "utm_campaign"])
    return orders.reset_index(drop=True)


def attribute(orders: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """orders with `attributed_campaign_id` (None when unattributed) and `attribution`."""
    ids = set(campaigns["campaign_id"])
    by_utm: dict[str, set[str]] = {}
    for cid, name in zip(campaigns["campaign_id"], campaigns["campaign_name"], strict=True):
        for value in (cid, name):
            if isinstance(value, str):
                by_utm.setdefault(normalise_utm(value), set()).add(cid)

    def one(tag, utm) -> tuple[str | None, str]:
        if isinstance(tag, str):
            return (tag, "campaign_id") if tag in ids else (None, "unknown_campaign")
        if isinstance(utm, str):
            matches = by_utm.get(normalise_utm(utm), set())
            if len(matches) == 1:
                return next(iter(matches)), "utm_campaign"
            return None, "ambiguous_campaign" if matches else "unknown_campaign"
        return None, "untagged"

    out = orders.copy()
    found = [one(t, u) for t, u in zip(out["campaign_tag"], out["utm_tag"], strict=True)]
    out["attributed_campaign_id"] = pd.Series([c for c, _ in found], index=out.index,
                                              dtype=object)
    out["attribution"] = pd.Series([a for _, a in found], index=out.index, dtype=object)
    out["day"] = out["order_date"].dt.normalize()
    first = first_orders(out) if len(out) else pd.DataFrame(columns=["first_order_id"])
    out["is_first_order"] = out["order_id"].isin(set(first["first_order_id"]))
    return out


# --------------------------------------------------------------------------------------------
# marts
# --------------------------------------------------------------------------------------------

def _sums(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group of spend rows: spend_units, impressions, clicks."""
    return frame.groupby(by, sort=True).agg(
        spend_units=("spend_units", "sum"),
        impressions=("impressions", "sum"),
        clicks=("clicks", "sum"),
    )


def _rates(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Money from units, and the rates of the spec (null when the denominator is 0)."""
    s, r = df["spend_units"].to_numpy(), df["revenue_units"].to_numpy()
    imp, clk = df["impressions"].to_numpy(), df["clicks"].to_numpy()
    out = df.copy()
    out["spend"] = s / _UNITS
    out["revenue"] = r / _UNITS
    rates = {
        "ctr": [rate(c, i) for c, i in zip(clk, imp, strict=True)],
        "cost_per_click": [rate(x / _UNITS, c) for x, c in zip(s, clk, strict=True)],
        "roi": [rate(y - x, x) for x, y in zip(s, r, strict=True)],
        "roas": [rate(y, x) for x, y in zip(s, r, strict=True)],
    }
    if "new_customers" in df.columns:
        rates["cost_per_new_customer"] = [
            rate(x / _UNITS, n) for x, n in zip(s, df["new_customers"], strict=True)]
    for name, values in rates.items():
        if name in columns:
            out[name] = pd.Series(values, index=df.index, dtype=float)
    return out


def campaign_performance(campaigns: pd.DataFrame, spend: pd.DataFrame,
                         orders: pd.DataFrame) -> pd.DataFrame:
    perf = campaigns[["campaign_id", "campaign_name", "channel", "start_date", "end_date",
                      "budget"]].sort_values("campaign_id").reset_index(drop=True)
    per_spend = _sums(spend, ["campaign_id"])
    attributed = orders[orders["attributed_campaign_id"].notna()]
    per_order = attributed.groupby("attributed_campaign_id").agg(
        attributed_orders=("order_id", "size"),
        customers=("customer_id", "nunique"),
        new_customers=("is_first_order", "sum"),
        revenue_units=("units", "sum"),
    )
    perf = perf.merge(per_spend, left_on="campaign_id", right_index=True, how="left")
    perf = perf.merge(per_order, left_on="campaign_id", right_index=True, how="left")
    for col in ("spend_units", "impressions", "clicks", "attributed_orders", "customers",
                "new_customers", "revenue_units"):
        perf[col] = perf[col].fillna(0).astype("int64")
    return _rates(perf, PERFORMANCE_COLUMNS)[PERFORMANCE_COLUMNS]


def campaign_daily(campaigns: pd.DataFrame, spend: pd.DataFrame,
                   orders: pd.DataFrame) -> pd.DataFrame:
    per_spend = _sums(spend.rename(columns={"spend_date": "day"}), ["campaign_id", "day"])
    attributed = orders[orders["attributed_campaign_id"].notna()]
    per_order = attributed.rename(columns={"attributed_campaign_id": "campaign_id"}).groupby(
        ["campaign_id", "day"]).agg(attributed_orders=("order_id", "size"),
                                    revenue_units=("units", "sum"))
    daily = per_spend.join(per_order, how="outer").reset_index()
    for col in ("spend_units", "impressions", "clicks", "attributed_orders", "revenue_units"):
        daily[col] = daily[col].fillna(0).astype("int64")
    daily["channel"] = daily["campaign_id"].map(campaigns.set_index("campaign_id")["channel"])
    daily = daily.sort_values(["campaign_id", "day"]).reset_index(drop=True)
    daily = daily.rename(columns={"day": "activity_date"})
    return _rates(daily, DAILY_COLUMNS)[DAILY_COLUMNS]


def channel_performance(performance: pd.DataFrame, all_revenue_units: int) -> pd.DataFrame:
    p = performance.assign(spend_units=units(performance["spend"]),
                           revenue_units=units(performance["revenue"]))
    chan = p.groupby("channel", sort=True).agg(
        campaigns=("campaign_id", "size"),
        spend_units=("spend_units", "sum"),
        impressions=("impressions", "sum"),
        clicks=("clicks", "sum"),
        attributed_orders=("attributed_orders", "sum"),
        revenue_units=("revenue_units", "sum"),
        new_customers=("new_customers", "sum"),
    ).reset_index()
    for col in ("campaigns", "spend_units", "impressions", "clicks", "attributed_orders",
                "revenue_units", "new_customers"):
        chan[col] = chan[col].astype("int64")
    chan = _rates(chan, CHANNEL_COLUMNS)
    chan["share_of_all_revenue"] = pd.Series(
        [rate(r, all_revenue_units) for r in chan["revenue_units"]], index=chan.index,
        dtype=float)
    return chan[CHANNEL_COLUMNS]


# --------------------------------------------------------------------------------------------
# the computation
# --------------------------------------------------------------------------------------------

@dataclass
class MarketingReference:
    enabled: bool                     # the raw folder has a file of the marketing family
    campaign_checks: pd.DataFrame     # every raw campaigns row, typed, with dq_reason
    spend_checks: pd.DataFrame        # every raw campaign_spend row, typed, with dq_reason
    campaigns: pd.DataFrame           # the valid campaigns (channel: blank -> unknown)
    spend: pd.DataFrame               # the valid spend rows
    orders: pd.DataFrame              # the valid orders, attributed
    audit: dict                       # {table: {read, kept, removed, flagged}} (when enabled)
    campaign_performance: pd.DataFrame
    campaign_daily: pd.DataFrame
    channel_performance: pd.DataFrame
    rules: Rules = field(default_factory=Rules)

    @property
    def attribution_counts(self) -> dict[str, int]:
        counts = self.orders["attribution"].value_counts()
        return {a: int(counts.get(a, 0)) for a in ATTRIBUTIONS}


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def compute(raw_dir: str | Path, rules: Rules | None = None) -> MarketingReference:
    rules = rules or Rules()  # no business-rule var applies to marketing; kept for symmetry
    raw = {t: read_table(raw_dir, t) for t in MARKETING_TABLES}
    enabled = any(r is not None for r in raw.values())
    raw = {t: r if r is not None else _empty_table(t) for t, r in raw.items()}

    camp_checks = check_campaigns(raw["campaigns"])
    campaigns = camp_checks[camp_checks["dq_reason"].isna()].drop(columns="dq_reason")
    campaigns = campaigns.assign(channel=campaigns["channel"].fillna("unknown"))
    campaigns = campaigns.sort_values("campaign_id").reset_index(drop=True)
    spend_checks = check_campaign_spend(raw["campaign_spend"], set(campaigns["campaign_id"]))
    spend = spend_checks[spend_checks["dq_reason"].isna()].drop(columns="dq_reason")
    spend = spend.assign(spend_units=units(spend["spend"]),
                         impressions=spend["impressions"].astype("int64"),
                         clicks=spend["clicks"].astype("int64")).reset_index(drop=True)

    orders = valid_orders(raw_dir)
    orders["units"] = units(orders["net_total"])
    orders = attribute(orders, campaigns if enabled else campaigns.iloc[0:0])

    if not enabled:
        return MarketingReference(
            enabled=False, campaign_checks=camp_checks, spend_checks=spend_checks,
            campaigns=campaigns, spend=spend, orders=orders, audit={},
            campaign_performance=_empty(PERFORMANCE_COLUMNS),
            campaign_daily=_empty(DAILY_COLUMNS),
            channel_performance=_empty(CHANNEL_COLUMNS), rules=rules)

    performance = campaign_performance(campaigns, spend, orders)
    return MarketingReference(
        enabled=True, campaign_checks=camp_checks, spend_checks=spend_checks,
        campaigns=campaigns, spend=spend, orders=orders,
        audit={"campaigns": table_audit("campaigns", camp_checks),
               "campaign_spend": table_audit("campaign_spend", spend_checks)},
        campaign_performance=performance,
        campaign_daily=campaign_daily(campaigns, spend, orders),
        channel_performance=channel_performance(performance, int(orders["units"].sum())),
        rules=rules,
    )


if __name__ == "__main__":
    pd.set_option("display.width", 200)
    for d in sys.argv[1:]:
        ref = compute(d)
        print(f"== {d}  (marketing family {'on' if ref.enabled else 'off'})")
        for table, counts in ref.audit.items():
            removed = {k: v for k, v in counts["removed"].items() if v}
            print(f"  {table}: read {counts['read']}, kept {counts['kept']}, removed {removed}, "
                  f"flagged {counts['flagged']}")
        print(f"  attribution: {ref.attribution_counts}")
        print(ref.channel_performance.to_string(index=False))
