"""The activity calendar: seasonal, weekly and hourly weights over the time window.

Timestamps are drawn by inverse CDF over hourly bins, so any lower / upper bound per row
(e.g. "after signup", "before the window end") is honoured exactly.
"""

import datetime as dt

import numpy as np

from .common import DAY_US, EPOCH, HOUR_US

MONTH_FACTOR = np.array([0.90, 0.85, 0.95, 0.95, 1.0, 0.95, 0.95, 1.0, 0.95, 1.05, 1.45, 1.70])
DOW_FACTOR = np.array([1.0, 0.97, 0.97, 1.0, 1.05, 1.15, 1.20])           # Monday .. Sunday
HOUR_FACTOR = np.array([0.35, 0.22, 0.15, 0.12, 0.12, 0.18, 0.35, 0.60, 0.85, 1.00, 1.10, 1.15,
                        1.20, 1.15, 1.10, 1.10, 1.15, 1.25, 1.40, 1.55, 1.60, 1.45, 1.10, 0.65])


def day_weights(start_day: int, days: int) -> np.ndarray:
    """Relative activity of each day of the window (month, weekday and holiday effects)."""
    day_num = start_day + np.arange(days)
    dates = day_num.astype("datetime64[D]")
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    dow = (day_num + 3) % 7                                   # 1970-01-01 was a Thursday
    w_day = MONTH_FACTOR[month - 1] * DOW_FACTOR[dow]
    w_day = w_day * np.where((month == 11) & (dom >= 20), 1.35, 1.0)   # Black Friday weeks
    w_day = w_day * np.where((month == 12) & (dom <= 22), 1.25, 1.0)   # Christmas shopping
    w_day = w_day * np.where((month == 12) & (dom >= 24) & (dom <= 26), 0.6, 1.0)
    return w_day


class Calendar:
    """Hourly activity weights over the window and inverse-CDF sampling of timestamps."""

    def __init__(self, start: dt.date, days: int):
        self.start_day = (start - EPOCH).days
        self.days = days
        self.end_day = self.start_day + days
        self.start_us = self.start_day * DAY_US
        self.end_us = self.end_day * DAY_US
        w = (day_weights(self.start_day, days)[:, None] * HOUR_FACTOR[None, :]).ravel()
        self.w = w / w.sum()
        self.cdf = np.concatenate([[0.0], np.cumsum(self.w)])
        self.cdf[-1] = 1.0
        self.hours = len(w)

    def cdf_at(self, t_us: np.ndarray) -> np.ndarray:
        """Cumulative activity share of the window before each time ``t_us`` (0 .. 1)."""
        x = np.clip((np.asarray(t_us, dtype=np.float64) - self.start_us) / HOUR_US, 0, self.hours)
        k = np.minimum(np.floor(x).astype(np.int64), self.hours - 1)
        return self.cdf[k] + (x - k) * self.w[k]

    def sample(self, rng: np.random.Generator, lo_us: np.ndarray, hi_us: np.ndarray) -> np.ndarray:
        """One timestamp (int64 us) per row, in ``[lo_us, hi_us]``, following the weights."""
        lo_us = np.asarray(lo_us, dtype=np.int64)
        hi_us = np.asarray(hi_us, dtype=np.int64)
        n = max(lo_us.size, hi_us.size)
        u0, u1 = self.cdf_at(lo_us), self.cdf_at(hi_us)
        u = u0 + rng.random(n) * (u1 - u0)
        k = np.clip(np.searchsorted(self.cdf, u, side="right") - 1, 0, self.hours - 1)
        frac = np.clip((u - self.cdf[k]) / self.w[k], 0.0, 1.0)
        t = self.start_us + np.floor((k + frac) * HOUR_US).astype(np.int64)
        return np.clip(t, lo_us, hi_us)
