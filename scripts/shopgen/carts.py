"""Shopping carts: how many, their lines' timing, status, and when converted carts turn
into orders.

Base carts are converted / abandoned / emptied. Abandoned carts active in the last 36 h of the
window are ``open``, plus a few forced open carts (older and younger than 24 h). Follow-up
carts model abandoners coming back and customers ordering again within three days.
``make_carts`` shapes and places the carts in time; ``fill_carts`` then picks the products
and quantities of their lines (ids and text columns are made in ``commerce.py``).
"""

from dataclasses import dataclass

import numpy as np

from .calendar import Calendar
from .common import (
    DAY_S,
    DAY_US,
    HOUR_US,
    MIN_US,
    SEC_US,
    position_in_segment,
    segment_cumsum,
    segment_last,
    segment_starts,
    segment_sum,
    take_segments,
)
from .customers import Customers
from .options import Mess
from .products import Products
from .vocab import (
    BASE_STATUS_P,
    LINE_COUNT_P,
    QUANTITY_P,
    ST_ABANDONED,
    ST_CONVERTED,
    ST_EMPTIED,
    ST_OPEN,
)


@dataclass
class Carts:
    """Cart-level arrays (one row per cart) plus flat line / phantom-line arrays."""

    cust: np.ndarray
    status: np.ndarray
    created: np.ndarray         # us
    n_lines: np.ndarray
    line_off: np.ndarray        # flat, whole seconds after created
    n_ph: np.ndarray            # phantom lines of emptied carts (events only)
    ph_off: np.ndarray
    dur: np.ndarray             # seconds from created to updated
    gap: np.ndarray             # seconds from updated to order (converted only)
    focus: np.ndarray           # focus category

    @property
    def n(self) -> int:
        """Number of carts."""
        return len(self.cust)

    def updated(self) -> np.ndarray:
        """Time of each cart's last activity (us)."""
        return self.created + self.dur * SEC_US

    def order_us(self) -> np.ndarray:
        """Time of each cart's order (us); equal to ``updated()`` for unconverted carts."""
        return self.updated() + self.gap * SEC_US

    def take(self, idx: np.ndarray) -> "Carts":
        """The carts ``idx`` (in that order), with their lines."""
        idx = np.asarray(idx, dtype=np.int64)
        return Carts(self.cust[idx], self.status[idx], self.created[idx], self.n_lines[idx],
                     take_segments(self.line_off, self.n_lines, idx), self.n_ph[idx],
                     take_segments(self.ph_off, self.n_ph, idx), self.dur[idx], self.gap[idx],
                     self.focus[idx])

    @staticmethod
    def concat(parts: list["Carts"]) -> "Carts":
        """All carts of ``parts``, one after the other."""
        f = [np.concatenate([getattr(p, k) for p in parts]) for k in
             ("cust", "status", "created", "n_lines", "line_off", "n_ph", "ph_off", "dur",
              "gap", "focus")]
        return Carts(*f)


def cart_shapes(rng: np.random.Generator, cust: np.ndarray, status: np.ndarray,
                products: Products) -> Carts:
    """Lines, timings and order gap of new carts (created_at still to be placed)."""
    n = len(cust)
    lined = status != ST_EMPTIED
    n_lines = np.where(lined, rng.choice(6, size=n, p=LINE_COUNT_P) + 1, 0)
    n_ph = np.where(lined, 0, rng.integers(1, 4, n))

    def offsets(counts):
        tot = int(counts.sum())
        first = position_in_segment(counts) == 0
        g = np.where(first, rng.integers(5, 120, tot), np.ceil(rng.exponential(150.0, tot)) + 2)
        return segment_cumsum(g.astype(np.int64), counts)

    line_off = offsets(n_lines)
    ph_off = offsets(n_ph)
    last_line = segment_last(line_off, n_lines)
    last_ph = segment_last(ph_off, n_ph)
    dur = np.where(lined, last_line + rng.integers(0, 600, n), last_ph + rng.integers(30, 1800, n))
    gap = np.clip(np.round(np.exp(np.log(1500.0) + 1.2 * rng.standard_normal(n))), 90, 30 * 3600)
    late = rng.random(n) < 0.04
    gap = np.where(late, rng.integers(DAY_S, 2 * DAY_S, n), gap).astype(np.int64)
    gap = np.where(status == ST_CONVERTED, gap, 0)
    focus = products.pick_category(rng, n)
    return Carts(cust.astype(np.int64), status.astype(np.int8), np.zeros(n, np.int64),
                 n_lines, line_off, n_ph, ph_off, dur.astype(np.int64), gap, focus)


def _base_carts(rng: np.random.Generator, cus: Customers, products: Products, cal: Calendar):
    """About 3 carts per customer, placed after the customer's signup so that the whole
    cart (and its order) fits in the window.

    Returns the carts, each cart's earliest / latest allowed created_at, and whether it fits.
    """
    lam = rng.gamma(2.0, 2.4 / 2.0, cus.n)
    k = rng.poisson(lam)
    cust = np.repeat(np.arange(cus.n), k)
    status = rng.choice(3, size=cust.size, p=BASE_STATUS_P)
    base = cart_shapes(rng, cust, status, products)
    lo = cus.lo_us[cust]
    span_us = (base.dur + base.gap + 1) * SEC_US
    hi = cal.end_us - span_us - SEC_US
    valid = hi > lo
    base.created = cal.sample(rng, lo, np.maximum(hi, lo))
    return base, lo, hi, valid


def _date_some_before_signup(rng: np.random.Generator, base: Carts, cus: Customers,
                             hi: np.ndarray, valid: np.ndarray, cal: Calendar,
                             mess: Mess) -> None:
    """Quirk: move a share of carts (hence their orders) before the customer's signup date."""
    if mess.before_signup <= 0:
        return
    cust = base.cust
    signup_us = cus.signup_day[cust] * DAY_US
    elig = (~cus.is_guest[cust]) & (signup_us > cal.start_us + DAY_US) & valid
    if not elig.any():
        return
    p = min(1.0, mess.before_signup * cust.size / elig.sum())
    pick = elig & (rng.random(cust.size) < p)
    bs_hi = np.minimum(signup_us - SEC_US, hi)
    t = cal.sample(rng, np.full(cust.size, cal.start_us), np.maximum(bs_hi, cal.start_us))
    base.created = np.where(pick, t, base.created)


def _mark_open_carts(rng: np.random.Generator, base: Carts, lo: np.ndarray, valid: np.ndarray,
                     cal: Calendar) -> None:
    """Abandoned carts active in the last 36 h become ``open``; a few more are moved to
    25-72 h and 5 min-23 h before the window end, so old and young open carts both exist."""
    upd = base.updated()
    base.status = np.where((base.status == ST_ABANDONED) & (upd >= cal.end_us - 36 * HOUR_US),
                           ST_OPEN, base.status).astype(np.int8)
    elig = np.flatnonzero(valid & (base.status == ST_ABANDONED)
                          & (lo <= cal.end_us - 4 * DAY_US) & (base.dur < 20 * 3600))
    n_fo = min(elig.size, max(2, int(round(0.004 * base.n))))
    if n_fo:
        pick = rng.choice(elig, size=n_fo, replace=False)
        old = np.arange(n_fo) % 2 == 0
        age = np.where(old, rng.integers(25 * 3600, 72 * 3600, n_fo),
                       rng.integers(300, 23 * 3600, n_fo)) * SEC_US
        created = cal.end_us - age - base.dur[pick] * SEC_US
        ok = created >= lo[pick]
        base.created[pick[ok]] = created[ok]
        base.status[pick[ok]] = ST_OPEN


def _abandoners_come_back(rng: np.random.Generator, base: Carts, products: Products,
                          cal: Calendar) -> Carts:
    """Converted follow-up carts of 40 % of abandoned carts: for 30 % the order falls within
    7 days of the abandoned cart's last activity, for 10 % more than 7 days later."""
    ab = np.flatnonzero(base.status == ST_ABANDONED)
    r = rng.random(ab.size)
    quick, late = ab[r < 0.30], ab[(r >= 0.30) & (r < 0.40)]
    par = np.concatenate([quick, late])
    fa = cart_shapes(rng, base.cust[par], np.zeros(par.size, np.int8), products)
    is_quick = np.arange(par.size) < quick.size
    budget = 7 * DAY_S - 60
    g1 = np.where(is_quick, (rng.uniform(0.002, 0.7, par.size) * budget).astype(np.int64),
                  rng.integers(int(7.2 * DAY_S), 45 * DAY_S, par.size))
    room = budget - g1 - fa.dur
    fa.gap = np.where(is_quick, np.clip(fa.gap, 60, np.maximum(room, 60)), fa.gap)
    fa.created = base.updated()[par] + g1 * SEC_US + rng.integers(0, SEC_US, par.size)
    ok = (fa.order_us() < cal.end_us) & (~is_quick | (room >= 60))
    return fa.take(np.flatnonzero(ok))


def _repeat_purchases(rng: np.random.Generator, carts: Carts, products: Products,
                      cal: Calendar) -> Carts:
    """Another converted cart of the same customer 0-3 days after 4.5 % of converted carts."""
    cidx = np.flatnonzero(carts.status == ST_CONVERTED)
    par = cidx[rng.random(cidx.size) < 0.045]
    fb = cart_shapes(rng, carts.cust[par], np.zeros(par.size, np.int8), products)
    p_created, p_order = carts.created[par], carts.order_us()[par]
    lo_b = p_order + MIN_US
    hi_b = np.maximum(p_created + 3 * DAY_US, lo_b + 2 * MIN_US)
    fb.created = lo_b + (rng.random(par.size) * (hi_b - lo_b)).astype(np.int64)
    return fb.take(np.flatnonzero(fb.order_us() < cal.end_us))


def make_carts(rng: np.random.Generator, cus: Customers, products: Products,
               cal: Calendar, mess: Mess) -> Carts:
    """Base carts, forced/natural open carts and the follow-up (return / repeat) carts,
    sorted by created_at."""
    base, lo, hi, valid = _base_carts(rng, cus, products, cal)
    _date_some_before_signup(rng, base, cus, hi, valid, cal, mess)
    _mark_open_carts(rng, base, lo, valid, cal)
    base = base.take(np.flatnonzero(valid))
    fa = _abandoners_come_back(rng, base, products, cal)
    fb = _repeat_purchases(rng, Carts.concat([base, fa]), products, cal)
    allc = Carts.concat([base, fa, fb])
    return allc.take(np.argsort(allc.created, kind="stable"))


@dataclass
class CartContents:
    """What is in the carts: flat line arrays (one row per cart line, grouped by cart) and
    the per-cart totals and last-activity times."""

    line_cart: np.ndarray       # cart index of each line
    product: np.ndarray         # product index of each line
    qty: np.ndarray
    price_c: np.ndarray         # unit price in cents
    added_us: np.ndarray        # time the line was added
    cart_total: np.ndarray      # per cart: sum of qty * price (cents)
    updated_us: np.ndarray      # per cart: last activity


def fill_carts(rng: np.random.Generator, carts: Carts, prod: Products) -> CartContents:
    """Products (mostly from the cart's focus category, sometimes an earlier line's product
    again) and quantities of every cart line."""
    line_cart = np.repeat(np.arange(carts.n), carts.n_lines)
    j = position_in_segment(carts.n_lines)
    n_lines = line_cart.size
    use_focus = rng.random(n_lines) < 0.75
    lprod = prod.pick(rng, np.where(use_focus, carts.focus[line_cart], -1))
    starts = segment_starts(carts.n_lines)[line_cart]
    for pos in range(1, 6):                                   # repeat an earlier product
        m = (j == pos) & (rng.random(n_lines) < 0.12)
        src = starts + (rng.random(n_lines) * pos).astype(np.int64)
        lprod[m] = lprod[src[m]]
    qty = rng.choice(6, size=n_lines, p=QUANTITY_P) + 1
    lprice = prod.price_c[lprod]
    return CartContents(
        line_cart=line_cart, product=lprod, qty=qty, price_c=lprice,
        added_us=carts.created[line_cart] + carts.line_off * SEC_US,
        cart_total=segment_sum(qty * lprice, carts.n_lines),
        updated_us=carts.updated())
