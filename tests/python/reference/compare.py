"""Compare a mart with an independent reference, row by row, and show what differs.

Shared by the differential tests (test_*_marts_reference.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHOW_ROWS = 10
# money is an exact decimal(18,4) on both sides: a difference of a cent must show
TOLERANCES = {
    "money": dict(rtol=0.0, atol=1e-4),
    "float": dict(rtol=1e-6, atol=1e-6),   # rates, averages
    "days": dict(rtol=1e-9, atol=2e-5),    # day counts from timestamps (about 1.7 s)
}


def is_missing(v) -> bool:
    return v is None or (not isinstance(v, str) and bool(pd.isna(v)))


def as_timestamp(s: pd.Series) -> pd.Series:
    t = pd.to_datetime(s, errors="coerce")
    if getattr(t.dt, "tz", None) is not None:
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    return t.astype("datetime64[us]")


def key_text(s: pd.Series) -> pd.Series:
    """Join keys as text, so that 12 and '12' (and two spellings of one timestamp) meet."""
    if pd.api.types.is_datetime64_any_dtype(s):
        s = as_timestamp(s)
        return s.map(lambda v: None if is_missing(v) else v.strftime("%Y-%m-%d %H:%M:%S.%f"))
    return s.map(lambda v: None if is_missing(v) else str(v))


def equal(a: pd.Series, b: pd.Series, kind: str) -> pd.Series:
    """Element-wise equality of two aligned columns; missing == missing."""
    both_missing = a.map(is_missing) & b.map(is_missing)
    if kind in TOLERANCES:
        x = pd.to_numeric(a, errors="coerce").astype(float).to_numpy()
        y = pd.to_numeric(b, errors="coerce").astype(float).to_numpy()
        close = np.isclose(x, y, **TOLERANCES[kind])
        return pd.Series(close, index=a.index) | both_missing
    if kind == "int":
        x = pd.to_numeric(a, errors="coerce")
        y = pd.to_numeric(b, errors="coerce")
        return (x == y).fillna(False).astype(bool) | both_missing
    if kind == "timestamp":
        x, y = as_timestamp(a), as_timestamp(b)
        return (x == y).fillna(False).astype(bool) | both_missing
    if kind == "bool":
        x = a.map(lambda v: None if is_missing(v) else bool(v))
        y = b.map(lambda v: None if is_missing(v) else bool(v))
        return pd.Series([p == q for p, q in zip(x, y, strict=True)], index=a.index) | both_missing
    if kind != "text":
        raise ValueError(f"unknown kind of column: {kind}")
    x = a.map(lambda v: None if is_missing(v) else str(v))
    y = b.map(lambda v: None if is_missing(v) else str(v))
    return pd.Series([p == q for p, q in zip(x, y, strict=True)], index=a.index) | both_missing


def compare(mart: pd.DataFrame, ref: pd.DataFrame, keys: list[str], columns: dict[str, str],
            what: str) -> None:
    """Assert that mart and ref hold the same rows (by keys) and the same values in
    `columns` ({column: kind}); on failure show the differing rows side by side."""
    missing = [c for c in keys + list(columns) if c not in mart.columns]
    assert not missing, f"{what}: the mart lacks columns {missing}; it has {list(mart.columns)}"
    mart = mart[keys + list(columns)].copy()
    ref = ref[keys + list(columns)].copy()
    for k in keys:
        mart[k] = key_text(mart[k])
        ref[k] = key_text(ref[k])
    problems = []
    for name, df in (("mart", mart), ("reference", ref)):
        dup = df[df.duplicated(keys, keep=False)]
        if len(dup):
            problems.append(f"{what}: {name} has duplicate keys {keys}:\n{dup.head(SHOW_ROWS)}")
    merged = mart.merge(ref, on=keys, how="outer", suffixes=("_mart", "_ref"), indicator=True)
    bad = merged["_merge"] != "both"
    diff_cols, shown = [], []
    for col, kind in columns.items():
        eq = equal(merged[f"{col}_mart"], merged[f"{col}_ref"], kind)
        col_bad = ~eq & (merged["_merge"] == "both")
        if col_bad.any():
            diff_cols.append(f"{col} ({int(col_bad.sum())} rows)")
            shown += [f"{col}_mart", f"{col}_ref"]
        bad |= col_bad
    if bad.any():
        if (merged["_merge"] != "both").any():  # rows missing on one side: show everything
            shown = [c for c in merged.columns if c not in keys and c != "_merge"]
        view = merged.loc[bad, keys + shown + ["_merge"]].sort_values(keys)
        only_mart = int((merged["_merge"] == "left_only").sum())
        only_ref = int((merged["_merge"] == "right_only").sum())
        with pd.option_context("display.width", 250, "display.max_columns", 50,
                               "display.max_colwidth", 40):
            problems.append(
                f"{what}: {int(bad.sum())} of {len(merged)} rows differ "
                f"(mart rows {len(mart)}, reference rows {len(ref)}; only in mart {only_mart}, "
                f"only in reference {only_ref}; columns differing: {', '.join(diff_cols) or '-'})"
                f"\n{view.head(SHOW_ROWS).to_string()}"
            )
    assert not problems, "\n\n".join(problems)


def compare_one_row(mart: pd.DataFrame, ref: dict, columns: dict[str, str], what: str) -> None:
    """A one-row mart (the kpis of a family) against the reference's dict of values: the
    mart has exactly one row, and it holds the same values in `columns` ({column: kind})."""
    assert len(mart) == 1, f"{what} must have exactly one row, has {len(mart)}"
    mart = mart.assign(_row=1)
    ref = pd.DataFrame([ref]).assign(_row=1)
    compare(mart, ref, ["_row"], columns, what)
