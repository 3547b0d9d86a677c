"""Shared constants and vectorised numpy helpers used by every generator step.

Time is handled as integer microseconds (or whole seconds / days) since the Unix epoch.
Many arrays are *segmented*: a flat array built with ``np.repeat(..., counts)`` holds one
segment per parent row (e.g. the lines of each cart); the ``segment_*`` helpers work on such
layouts without Python loops.
"""

import datetime as dt

import numpy as np

SEC_US = 1_000_000
MIN_US = 60 * SEC_US
HOUR_US = 3600 * SEC_US
DAY_US = 86400 * SEC_US
DAY_S = 86400
EPOCH = dt.date(1970, 1, 1)

# customer id spaces: registered CUST-<n> with REGISTERED_BASE <= n < REGISTERED_LIMIT,
# guests GUEST-<n> with n >= GUEST_BASE
REGISTERED_BASE = 1000          # first registered number: CUST-1000
REGISTERED_LIMIT = 100_000      # registered numbers stay below this
GUEST_BASE = 100_000            # GUEST-100000, GUEST-100001, ...

EVENT_CHUNK = 1_000_000         # rows per event write batch / parquet row group


def draw_categorical(rng: np.random.Generator, options_p, n: int) -> np.ndarray:
    """Indices drawn from a categorical distribution given as (options, probabilities)."""
    p = np.asarray(options_p[1], dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def labels_of(options_p, idx: np.ndarray) -> np.ndarray:
    """Labels (object array) of the option indices ``idx`` of an (options, probabilities)."""
    return np.array(options_p[0], dtype=object)[idx]


def draw_labels(rng: np.random.Generator, options_p, n: int) -> np.ndarray:
    """``n`` labels drawn from a categorical distribution given as (options, probabilities)."""
    return labels_of(options_p, draw_categorical(rng, options_p, n))


def unique_ints(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    """``n`` distinct random integers in ``[low, high)``, in random (draw) order."""
    if n > (high - low) // 2:
        raise ValueError("id space too small")
    out = np.empty(0, dtype=np.int64)
    while out.size < n:
        draw = rng.integers(low, high, size=int((n - out.size) * 1.05) + 16, dtype=np.int64)
        cand = np.concatenate([out, draw])
        _, first = np.unique(cand, return_index=True)
        out = cand[np.sort(first)][:n]
    return out


def rare_count(rng: np.random.Generator, n: int, rate: float, messy: bool) -> int:
    """Binomial count of a rare quirk; at least one when the level is messy and n > 0."""
    if rate <= 0 or n <= 0:
        return 0
    k = int(rng.binomial(n, rate))
    return max(k, 1) if messy else k


def segment_starts(counts: np.ndarray) -> np.ndarray:
    """Start offset of each segment in a flat array built with ``np.repeat(..., counts)``."""
    s = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=s[1:])
    return s


def position_in_segment(counts: np.ndarray) -> np.ndarray:
    """Position of each flat element inside its segment (0, 1, 2, ... per segment)."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(segment_starts(counts), counts)


def segment_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative sum of ``values`` restarting at every segment."""
    cs = np.cumsum(values)
    if cs.size == 0:
        return cs
    starts = segment_starts(counts)
    before = np.where(starts > 0, cs[np.maximum(starts - 1, 0)], 0)
    return cs - np.repeat(before, counts)


def segment_sum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sum of ``values`` per segment (empty segments give 0), rounded to int64."""
    seg = np.repeat(np.arange(len(counts)), counts)
    return np.bincount(seg, weights=values, minlength=len(counts)).round().astype(np.int64)


def segment_last(flat: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Last value of each segment of ``flat`` (0 for empty segments), as int64."""
    last = np.zeros(len(counts), dtype=np.int64)
    has = counts > 0
    last[has] = flat[segment_starts(counts)[has] + counts[has] - 1]
    return last


def take_segments(flat: np.ndarray, counts: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Flat segments of the rows ``idx`` (in that order)."""
    starts = segment_starts(counts)[idx]
    c = counts[idx]
    pos = np.repeat(starts, c) + position_in_segment(c)
    return flat[pos]


def rows_with_duplicates(rng: np.random.Generator, n: int, rate: float,
                         messy: bool) -> np.ndarray:
    """Row order with a few rows repeated right after themselves (exact duplicates)."""
    k = rare_count(rng, n, rate, messy)
    if k == 0:
        return np.arange(n)
    dup = np.sort(rng.choice(n, size=k, replace=False))
    key = np.concatenate([np.arange(n) * 2, dup * 2 + 1])
    src = np.concatenate([np.arange(n), dup])
    return src[np.argsort(key, kind="stable")]
