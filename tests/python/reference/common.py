"""What the pandas references (carts.py, customers.py, funnel.py) share.

The raw-data contract (column order of each raw file), the business-rule vars with
their defaults, reading a raw file as text, and the value rules every reference
applies in the same way: strip / lower-case a label, read a number, an ISO
timestamp, a duration, money at the project's storage scale, a rate; drop exact
duplicate rows and keep one row per key.

Like the references, this module never reads a dbt table or project SQL: it is
written from the documents (docs/raw_data.md, docs/overview.md) only. The one thing it
takes from the project is the list of raw columns, the contract of the input
(macros/raw/raw_contract.sql, read by scripts/raw_contract.py).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.append(str(Path(__file__).resolve().parents[3] / "scripts"))
from raw_contract import raw_columns, raw_contract  # noqa: E402

# Contract column order of each raw file: the "keep" rule for duplicate keys compares the raw
# values in this order. Read from the raw contract (scripts/raw_contract.py), the input's
# specification, not a computation.
RAW_COLUMNS = raw_columns()
# the columns a file may lack (raw_contract `optional`): read as blank
OPTIONAL_COLUMNS = {table: spec.get("optional", []) for table, spec in raw_contract().items()}

# a decimal number in plain or scientific notation ('nan', 'inf' and friends are not)
NUMERIC_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
US_PER_HOUR = 3_600_000_000
US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class Rules:
    """The project's business-rule vars (defaults of docs/overview.md) that the
    references apply."""

    # carts (reference/carts.py)
    abandonment_timeout_hours: float = 24
    cart_order_match_window_hours: float = 72
    reengagement_window_days: float = 7
    value_match_tolerance: float = 0.005
    # customers (reference/customers.py)
    rfm_bins: int = 5
    active_within_days: float = 14
    inactive_after_days: float = 56
    top_revenue_share: float = 0.50
    order_value_low_max: float = 50
    order_value_high_min: float = 200
    age_band_edges: tuple[int, ...] = (25, 35, 45, 55, 65)
    purchase_interval_short_max_days: float = 30
    purchase_interval_long_min_days: float = 60
    # clickstream (reference/funnel.py)
    session_timeout_minutes: float = 30
    high_value_user_share: str = "0.10"   # kept as text: ceil() is computed exactly
    zero_purchase_min_views: int = 200
    zero_purchase_window_days: float = 30
    # plausibility bounds (cleaning; the references apply the defaults)
    max_plausible_quantity: float = 10_000
    max_plausible_unit_price: float = 1_000_000
    max_plausible_order_total: float = 10_000_000
    # the data's end (as_of's default): a mistyped far-future date lies beyond it
    beyond_data_gap_days: int = 30
    beyond_data_max_share: float = 0.01


# the bounds the references' cleaning applies (the defaults)
BOUNDS = Rules()


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------

def read_raw(raw_dir: str | Path, table: str) -> pd.DataFrame:
    """<raw_dir>/<table>.csv, its contract columns in contract order, every column as text;
    blanks stay '' (never NaN). An optional column of the contract (orders' campaign tags)
    that the file lacks is blank."""
    df = pd.read_csv(Path(raw_dir) / f"{table}.csv", dtype=str, keep_default_na=False)
    optional = OPTIONAL_COLUMNS.get(table, [])
    missing = [c for c in RAW_COLUMNS[table] if c not in df.columns and c not in optional]
    if missing:
        raise ValueError(f"{table}.csv lacks contract columns {missing}")
    for column in optional:
        if column not in df.columns:
            df[column] = ""
    return df[RAW_COLUMNS[table]].astype(object)


# --------------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------------

def text(s: pd.Series) -> pd.Series:
    """strip(); empty -> missing (None)."""
    out = s.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    return out.where(out.map(lambda v: isinstance(v, str) and v != ""), None)


def product_id(s: pd.Series) -> pd.Series:
    """An id as text (docs/raw_data.md, "Product ids"): text(); a whole number written with a
    zero fraction (`123.0`, `123,00`) is that number (`123`); anything else as written."""
    return text(s).map(lambda v: re.split(r"[.,]", v)[0]
                       if isinstance(v, str) and re.fullmatch(r"[0-9]+[.,]0+", v) else v)


def id_number(ids: pd.Series) -> pd.Series:
    """The value of each id that is a whole number (`-3`, `0012`), else NaN: ties broken by id
    put whole numbers first, by value, then the other ids as text."""
    return ids.map(lambda v: float(int(v)) if isinstance(v, str)
                   and re.fullmatch(r"[+-]?[0-9]{1,18}", v) else np.nan)


def label(s: pd.Series) -> pd.Series:
    """lower(strip()); empty -> missing."""
    return text(s).map(lambda v: v.lower() if isinstance(v, str) else v)


def numeric(s: pd.Series) -> pd.Series:
    """A decimal number written in plain or scientific notation; anything else -> NaN.
    ('nan', 'inf' and friends are NOT numbers here, as in a SQL cast to decimal.)"""
    t = text(s)
    ok = t.map(lambda v: isinstance(v, str) and bool(NUMERIC_RE.match(v)))
    return pd.to_numeric(t.where(ok, None), errors="coerce").astype(float)


_ZONED_TIME_RE = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?)?) *(.*)$")
_OFFSET_RE = re.compile(r"^[+-]((0\d|1[0-7])(:?[0-5]\d)?|18(:?00)?)$")


def zone_offset_minutes(zone: str) -> int | None:
    """Minutes to add to UTC to get the local time of a zone written after a time
    (docs/raw_data.md, Timestamps): '' (no zone: raw_timezone, UTC by default), Z, UTC and
    GMT (any case) -> 0, +HH:MM / +HHMM / +HH (or -, at most 18 h) -> the offset; else None
    (a zone that cannot be read)."""
    zone = zone.upper()
    if zone in ("", "Z", "UTC", "GMT"):
        return 0
    if not _OFFSET_RE.match(zone):
        return None
    digits = zone[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
    return -minutes if zone[0] == "-" else minutes


def split_zone(v) -> tuple[str, int] | None:
    """A raw time (stripped) -> (its date and time as written, zone offset in minutes);
    None when the zone cannot be read or the text has no date."""
    if not isinstance(v, str):
        return None
    m = _ZONED_TIME_RE.match(v)
    if not m:
        return None
    offset = zone_offset_minutes(m.group(2))
    return None if offset is None else (m.group(1), offset)


def timestamp(s: pd.Series) -> pd.Series:
    """ISO-8601 ('T' or space separator, microseconds kept) with an optional zone, converted
    to UTC (a time without zone is UTC); blank / unparseable / unreadable zone -> NaT."""
    parts = text(s).map(split_zone)
    local = parts.map(lambda p: p[0] if p else None)
    offset = parts.map(lambda p: p[1] if p else 0).astype("int64")
    parsed = pd.to_datetime(local, format="ISO8601", errors="coerce")
    return (parsed - pd.to_timedelta(offset, unit="m")).astype("datetime64[us]")


def money(x):
    """Round to the project's storage scale, decimal(18,4)."""
    return np.round(x, 4)


def _duration(delta: pd.Series, unit_us: int) -> pd.Series:
    """Timedelta -> a float count of `unit_us` microseconds, exact to the microsecond."""
    us = delta.astype("timedelta64[us]")
    micros = us.to_numpy().astype("int64").astype(float)
    micros[us.isna().to_numpy()] = np.nan
    return pd.Series(micros / unit_us, index=delta.index)


def hours(delta: pd.Series) -> pd.Series:
    """Timedelta -> hours as float, exact to the microsecond."""
    return _duration(delta, US_PER_HOUR)


def days(delta: pd.Series) -> pd.Series:
    """Timedelta -> days as float (seconds / 86400), exact to the microsecond."""
    return _duration(delta, US_PER_DAY)


def rate(num, den) -> float | None:
    """num / den as float; None when den is 0 (a SQL division by nullif(den, 0))."""
    return float(num) / float(den) if den else None


# --------------------------------------------------------------------------------------------
# rows
# --------------------------------------------------------------------------------------------

def drop_exact_duplicates(raw: pd.DataFrame) -> pd.DataFrame:
    """The first of each group of identical raw rows."""
    return raw.drop_duplicates(keep="first")


def keep_smallest_per_key(
    raw: pd.DataFrame, key: pd.Series, columns: list[str],
    first: list[tuple[pd.Series, bool]] | None = None,
) -> pd.Series:
    """Boolean mask of the keep rule for conflicting copies of a key (docs/raw_data.md): for
    each non-missing key, True only on one row, the first by the table's own terms `first`
    ((values, ascending) pairs; missing values last), then the fewest blank raw values, then
    the smallest raw values compared as strings in contract column order. Rows with a
    missing key get True (they are dropped by their own rule)."""
    frame = pd.DataFrame(index=raw.index)
    by, ascending = [], []
    for i, (values, asc) in enumerate(first or []):
        frame[f"_first{i}"] = values
        by.append(f"_first{i}")
        ascending.append(asc)
    frame["_blanks"] = sum(text(raw[c]).isna().astype(int) for c in columns)
    for c in columns:
        frame[f"_raw_{c}"] = raw[c]
    by += ["_blanks"] + [f"_raw_{c}" for c in columns]
    ascending += [True] * (1 + len(columns))
    order = frame.sort_values(by, ascending=ascending, kind="mergesort",
                              na_position="last").index
    k = key.loc[order]
    kept = ~k.duplicated(keep="first") | k.isna()
    return kept.reindex(raw.index)


def latest_within_data(timestamps: pd.Series, rules: Rules) -> pd.Timestamp:
    """The latest timestamp before what lies beyond the data (docs/business_rules.md,
    "as_of"): the earliest day that comes more than beyond_data_gap_days after the previous
    day with timestamps, and from which on lie at most beyond_data_max_share of them,
    starts what is beyond; without one, the latest timestamp."""
    present = timestamps.dropna()
    per_day = present.dt.floor("D").value_counts().sort_index()
    from_here = per_day[::-1].cumsum()[::-1]
    gap = pd.Series(per_day.index, index=per_day.index).diff().dt.days
    starts = per_day.index[(gap > rules.beyond_data_gap_days)
                           & (from_here <= rules.beyond_data_max_share * per_day.sum())]
    if len(starts):
        present = present[present < starts.min()]
    return present.max()

