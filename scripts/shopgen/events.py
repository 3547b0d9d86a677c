"""The clickstream (REES46 / Open CDP ``events`` table).

Customer-linked events come first: every cart is a session (views before each line, one
``cart`` event per line, ``cart`` + ``remove_from_cart`` for emptied carts), every order line
gives a ``purchase`` event, and every customer browses. If these exceed ``--events`` they are
capped by priority; the rest, up to exactly ``--events`` rows, is anonymous traffic. Then come
the messy-level quirks (shared session ids, duplicate rows, empty sessions, bad prices, empty
brand / category_code) and the conversion to text batches for the writer.
"""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .calendar import Calendar
from .carts import CartContents, Carts
from .common import (
    DAY_S,
    EVENT_CHUNK,
    MIN_US,
    SEC_US,
    position_in_segment,
    rare_count,
    segment_cumsum,
    segment_last,
    segment_starts,
    unique_ints,
)
from .customers import Customers
from .options import Mess
from .orders import Orders
from .products import Products
from .schema import TABLE_COLUMNS
from .text import money_text_2dp
from .vocab import EV_CART, EV_PURCHASE, EV_REMOVE, EV_VIEW, EVENT_TYPES

# capping priority of customer-linked events: lower numbers are kept first
PRIO_ACTION = 0             # cart, remove_from_cart and purchase events
PRIO_FIRST_BROWSE = 1       # first view of each customer's browsing
PRIO_LINE_VIEW = 2          # views before a cart line
PRIO_EXTRA_BROWSE = 3       # the other browsing views


@dataclass
class EventColumns:
    """Unsorted event arrays: time (whole seconds since window start), event type code,
    product index, user id and session number."""

    t: np.ndarray
    typ: np.ndarray
    pr: np.ndarray
    usr: np.ndarray
    ses: np.ndarray

    def take(self, idx: np.ndarray) -> "EventColumns":
        """The events ``idx`` (in that order)."""
        return EventColumns(self.t[idx], self.typ[idx], self.pr[idx], self.usr[idx],
                            self.ses[idx])


@dataclass
class Clickstream:
    """Final event rows, sorted by time (duplicates included), and the values they point to."""

    t: np.ndarray               # whole seconds since window start
    typ: np.ndarray
    pr: np.ndarray
    usr: np.ndarray
    sess: np.ndarray            # index into uuids
    empty: np.ndarray           # True: user_session written empty
    price_kind: np.ndarray      # 0 ok, 1 negative, 2 zero
    uuids: pa.Array             # session id text per session number
    no_brand: np.ndarray        # per product: brand written empty
    no_code: np.ndarray         # per product: category_code written empty


# --------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------
def uuid_strings(rng: np.random.Generator, n: int) -> pa.Array:
    """``n`` random version-4 UUID strings as an Arrow string array (vectorised)."""
    b = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    b[:, 6] = (b[:, 6] & 0x0F) | 0x40
    b[:, 8] = (b[:, 8] & 0x3F) | 0x80
    hx = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    h = np.empty((n, 32), dtype=np.uint8)
    h[:, 0::2] = hx[b >> 4]
    h[:, 1::2] = hx[b & 15]
    del b
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    out[:, 0:8], out[:, 9:13], out[:, 14:18] = h[:, 0:8], h[:, 8:12], h[:, 12:16]
    out[:, 19:23], out[:, 24:36] = h[:, 16:20], h[:, 20:32]
    del h
    offsets = np.arange(0, 36 * n + 1, 36, dtype=np.int64)
    return pa.Array.from_buffers(pa.large_string(), n,
                                 [None, pa.py_buffer(offsets), pa.py_buffer(out.reshape(-1))])


def session_times(rng: np.random.Generator, cal: Calendar, lengths: np.ndarray,
                  lo_us: np.ndarray) -> np.ndarray:
    """Event times (whole seconds since window start) for sessions of given lengths."""
    tot = int(lengths.sum())
    first = position_in_segment(lengths) == 0
    gaps = np.where(rng.random(tot) < 0.35, 0, np.ceil(rng.exponential(45.0, tot)))
    gaps = np.minimum(gaps, 1800).astype(np.int64)
    gaps[first] = 0
    rel = segment_cumsum(gaps, lengths)
    span = segment_last(rel, lengths)
    hi = np.maximum(cal.end_us - (span + 1) * SEC_US, lo_us)
    start = (cal.sample(rng, lo_us, hi) - cal.start_us) // SEC_US
    t = np.repeat(start, lengths) + rel
    return np.clip(t, 0, cal.days * DAY_S - 1)


def separate_identical(ev: EventColumns, t_max: int) -> None:
    """Move events that would be exact duplicates (same second, type, product, user, session;
    e.g. a product viewed twice within one second) by one second, in place, so that the only
    exact duplicate rows are the ones added on purpose by the messiness settings."""
    t, typ, pr, usr, ses = ev.t, ev.typ, ev.pr, ev.usr, ev.ses
    k1, k2, k3, k4, k5 = (np.uint64(x) for x in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F,
                                                  0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                                                  0xFF51AFD7ED558CCD))
    for _ in range(20):
        h = (t.astype(np.uint64) * k1) ^ (typ.astype(np.uint64) * k2) ^ \
            (pr.astype(np.uint64) * k3) ^ (usr.view(np.uint64) * k4) ^ (ses.astype(np.uint64) * k5)
        order = np.argsort(h, kind="stable")
        hs = h[order]
        del h
        same = np.flatnonzero(hs[1:] == hs[:-1]) + 1
        if same.size == 0:
            return
        idx = order[same]
        t[idx] = np.where(t[idx] < t_max, t[idx] + 1, t[idx] - 1)


def _seconds_in_window(us: np.ndarray, cal: Calendar) -> np.ndarray:
    """Microseconds since epoch -> whole seconds since the window start."""
    return us // SEC_US - cal.start_us // SEC_US


# --------------------------------------------------------------------------------------------
# Customer-linked events; each part is (t, type, product, user, session, priority)
# --------------------------------------------------------------------------------------------
def _cart_line_events(rng: np.random.Generator, lines: CartContents, user_of_cart: np.ndarray,
                      cart_sess: np.ndarray, cal: Calendar) -> list[tuple]:
    """0-3 views of each line's product before its added_at, and a cart event at added_at."""
    lc = lines.line_cart
    nv = rng.choice(4, size=lc.size, p=[0.2, 0.4, 0.25, 0.15])
    add_s = _seconds_in_window(lines.added_us, cal)
    v_line = np.repeat(np.arange(lc.size), nv)
    v_back = segment_cumsum(rng.integers(3, 240, v_line.size), nv)
    v_t = np.maximum(add_s[v_line] - v_back, 0)
    return [(v_t, EV_VIEW, lines.product[v_line], user_of_cart[lc[v_line]],
             cart_sess[lc[v_line]], PRIO_LINE_VIEW),
            (add_s, EV_CART, lines.product, user_of_cart[lc], cart_sess[lc], PRIO_ACTION)]


def _emptied_cart_events(rng: np.random.Generator, carts: Carts, lines: CartContents,
                         prod: Products, user_of_cart: np.ndarray, cart_sess: np.ndarray,
                         cal: Calendar) -> list[tuple]:
    """Emptied carts: a cart event per phantom line and its remove_from_cart at updated_at."""
    ph_cart = np.repeat(np.arange(carts.n), carts.n_ph)
    ph_prod = prod.pick(rng, np.where(rng.random(ph_cart.size) < 0.75, carts.focus[ph_cart], -1))
    ph_add = _seconds_in_window(carts.created[ph_cart], cal) + carts.ph_off
    ph_rm = _seconds_in_window(lines.updated_us[ph_cart], cal)
    return [(t, et, ph_prod, user_of_cart[ph_cart], cart_sess[ph_cart], PRIO_ACTION)
            for t, et in ((ph_add, EV_CART), (ph_rm, EV_REMOVE))]


def _purchase_events(orders: Orders, lines: CartContents, user_of_cart: np.ndarray,
                     cart_sess: np.ndarray, first_new_sess: int, cal: Calendar) -> tuple:
    """A purchase event per order line at the order time; in the cart's session if within
    30 min of the cart's last activity, else in a new session (one per order)."""
    conv, o_us = orders.cart, orders.time_us
    new_sess = (o_us - lines.updated_us[conv]) > 30 * MIN_US
    p_sess = np.where(new_sess, first_new_sess + np.arange(conv.size), cart_sess[conv])
    oi = orders.lines.order
    return (_seconds_in_window(o_us, cal)[oi], EV_PURCHASE, orders.lines.product,
            user_of_cart[conv][oi], p_sess[oi], PRIO_ACTION)


def _browsing_events(rng: np.random.Generator, cus: Customers, prod: Products,
                     first_sess: int, cal: Calendar) -> tuple[tuple, int]:
    """1+ browsing sessions of views per customer; returns the part and the session count."""
    nb = 1 + rng.poisson(0.8, cus.n)
    b_cust = np.repeat(np.arange(cus.n), nb)
    b_len = rng.geometric(1 / 3.0, b_cust.size).clip(1, 60)
    b_t = session_times(rng, cal, b_len, cus.lo_us[b_cust])
    b_sess_i = np.repeat(np.arange(b_cust.size), b_len)
    b_focus = prod.pick_category(rng, b_cust.size)
    b_prod = prod.pick(rng, np.where(rng.random(b_t.size) < 0.7, b_focus[b_sess_i], -1))
    first_view = np.zeros(b_t.size, dtype=bool)
    first_view[segment_starts(b_len)[position_in_segment(nb) == 0]] = True
    part = (b_t, EV_VIEW, b_prod, cus.num[b_cust][b_sess_i], first_sess + b_sess_i,
            np.where(first_view, PRIO_FIRST_BROWSE, PRIO_EXTRA_BROWSE))
    return part, b_cust.size


def _linked_event_parts(rng: np.random.Generator, cus: Customers, prod: Products,
                        carts: Carts, lines: CartContents, orders: Orders,
                        cal: Calendar) -> tuple[list[tuple], int]:
    """All customer-linked event parts and the number of sessions they use.

    Session numbers: carts first (one per cart), then new purchase sessions, then browsing.
    """
    cart_sess = np.arange(carts.n, dtype=np.int64)
    sess_next = carts.n
    user_of_cart = cus.num[carts.cust]
    parts = _cart_line_events(rng, lines, user_of_cart, cart_sess, cal)
    parts += _emptied_cart_events(rng, carts, lines, prod, user_of_cart, cart_sess, cal)
    parts.append(_purchase_events(orders, lines, user_of_cart, cart_sess, sess_next, cal))
    sess_next += orders.cart.size
    browsing, n_browse = _browsing_events(rng, cus, prod, sess_next, cal)
    parts.append(browsing)
    return parts, sess_next + n_browse


def _concat_parts(parts: list[tuple]) -> tuple[EventColumns, np.ndarray]:
    """Concatenate event parts (scalars broadcast) into columns; returns them and priority."""
    def cat(i, dtype):
        return np.concatenate([np.broadcast_to(np.asarray(p[i]), np.shape(p[0])).astype(dtype)
                               for p in parts])
    ev = EventColumns(cat(0, np.int64), cat(1, np.int8), cat(2, np.int32), cat(3, np.int64),
                      cat(4, np.int64))
    return ev, cat(5, np.int8)


def _cap_linked(rng: np.random.Generator, ev: EventColumns, prio: np.ndarray,
                n_target: int) -> EventColumns:
    """Keep at most ``n_target`` events, dropping low-priority ones first (a seeded random
    subset within a priority level); kept events stay in generation order."""
    if ev.t.size <= n_target:
        return ev
    keep = np.lexsort((rng.random(ev.t.size), prio))[:n_target]
    keep.sort()
    return ev.take(keep)


# --------------------------------------------------------------------------------------------
# Anonymous traffic
# --------------------------------------------------------------------------------------------
def _anonymous_session_lengths(rng: np.random.Generator, n_rows: int) -> np.ndarray:
    """Geometric session lengths (mean 2.8, at most 300) adding up to exactly ``n_rows``."""
    lens = []
    got = 0
    while got < n_rows:
        draw = np.minimum(rng.geometric(1 / 2.8, int(n_rows / 2.8 * 1.05) + 32), 300)
        lens.append(draw)
        got += int(draw.sum())
    lens = np.concatenate(lens)
    cs = np.cumsum(lens)
    ns = int(np.searchsorted(cs, n_rows, side="left")) + 1
    lens = lens[:ns].copy()
    lens[-1] -= int(cs[ns - 1] - n_rows)
    return lens


def _anonymous_actions(rng: np.random.Generator, lens: np.ndarray, prod: Products):
    """Event type and product of anonymous events: sessions start with a view, mostly views;
    cart / purchase / remove_from_cart act on the last viewed product."""
    n_rows, ns = int(lens.sum()), lens.size
    a_si = np.repeat(np.arange(ns, dtype=np.int64), lens)
    first = position_in_segment(lens) == 0
    u = rng.random(n_rows)
    a_typ = np.where(u < 0.885, EV_VIEW, np.where(u < 0.945, EV_CART,
                     np.where(u < 0.99, EV_PURCHASE, EV_REMOVE))).astype(np.int8)
    a_typ[first] = EV_VIEW
    del u
    focus = prod.pick_category(rng, ns)
    a_pr = prod.pick(rng, np.where(rng.random(n_rows) < 0.75, focus[a_si], -1)).astype(np.int32)
    is_view = a_typ == EV_VIEW
    last_view = np.maximum.accumulate(np.where(is_view, np.arange(n_rows), 0))
    return a_si, a_typ, a_pr[last_view]


def _anonymous_users(rng: np.random.Generator, ns: int) -> np.ndarray:
    """User id of each anonymous session (9-10 digit and 19 digit ids, ~1.3 sessions each)."""
    nu = max(1, int(np.ceil(ns / 1.3)))
    n19 = int(round(nu * 0.25))
    uid = np.concatenate([
        unique_ints(rng, nu - n19, 100_000_000, 2_000_000_000),
        unique_ints(rng, n19, 1_515_915_625_000_000_000, 1_515_915_626_000_000_000)])
    uid = uid[rng.permutation(nu)]
    return uid[rng.integers(0, nu, ns)]


def _add_anonymous_traffic(rng: np.random.Generator, ev: EventColumns, n_target: int,
                           first_sess: int, prod: Products,
                           cal: Calendar) -> tuple[EventColumns, np.ndarray]:
    """Fill up to ``n_target`` events with anonymous sessions; returns all events and the
    user of each anonymous session (numbered from ``first_sess``)."""
    n_rows = n_target - ev.t.size
    if n_rows <= 0:
        return ev, np.zeros(0, np.int64)
    lens = _anonymous_session_lengths(rng, n_rows)
    a_t = session_times(rng, cal, lens, np.full(lens.size, cal.start_us))
    a_si, a_typ, a_pr = _anonymous_actions(rng, lens, prod)
    sess_user = _anonymous_users(rng, lens.size)
    ev = EventColumns(np.concatenate([ev.t, a_t]), np.concatenate([ev.typ, a_typ]),
                      np.concatenate([ev.pr, a_pr]), np.concatenate([ev.usr, sess_user[a_si]]),
                      np.concatenate([ev.ses, first_sess + a_si]))
    return ev, sess_user


# --------------------------------------------------------------------------------------------
# Messiness and ordering
# --------------------------------------------------------------------------------------------
def _session_uuid_index(rng: np.random.Generator, n_sess: int, first_anon: int,
                        anon_user: np.ndarray, mess: Mess) -> np.ndarray:
    """Session number -> uuid index; a few anonymous sessions reuse another user's id."""
    uuid_of = np.arange(n_sess, dtype=np.int64)
    ns = anon_user.size
    n_sh = rare_count(rng, ns, mess.shared_session, mess.messy) if ns >= 2 else 0
    if n_sh:
        a = rng.choice(ns, size=n_sh, replace=False)
        b = rng.integers(0, ns, n_sh)
        ok = (anon_user[a] != anon_user[b]) & (a != b)
        uuid_of[first_anon + a[ok]] = uuid_of[first_anon + b[ok]]
    return uuid_of


def _sorted_rows(rng: np.random.Generator, ev: EventColumns, n_dup: int) -> np.ndarray:
    """Row order of the output: ``n_dup`` random rows repeated, all sorted by (second,
    event-type rank, generation order)."""
    n = ev.t.size
    if n_dup and n:
        dup = rng.choice(n, size=min(n_dup, n), replace=False)
        src = np.concatenate([np.arange(n), dup])
    else:
        src = np.arange(n)
    rank = np.array([0, 1, 2, 3], dtype=np.int64)[ev.typ[src]]
    key = (ev.t[src] << 34) | (rank << 32) | (src & 0xFFFFFFFF)
    del rank
    return src[np.argsort(key, kind="stable")]


def _row_quirks(rng: np.random.Generator, n: int, mess: Mess) -> tuple[np.ndarray, np.ndarray]:
    """Rows with an empty user_session, and each row's price kind (0 ok, 1 negative, 2 zero)."""
    empty = np.zeros(n, dtype=bool)
    k = rare_count(rng, n, mess.empty_session, mess.messy)
    if k:
        empty[rng.choice(n, size=k, replace=False)] = True
    price_kind = np.zeros(n, dtype=np.int8)
    k = rare_count(rng, n, mess.bad_price, mess.messy)
    if k:
        bad = rng.choice(n, size=k, replace=False)
        price_kind[bad] = np.where(rng.random(k) < 0.5, 1, 2)
    return empty, price_kind


def _empty_by_product(rng: np.random.Generator, prod: Products, share: float) -> np.ndarray:
    """Products whose value is written empty, chosen at random until they account for
    ``share`` of the popularity (an event-weighted share, like a real catalog)."""
    if share <= 0:
        return np.zeros(prod.n, dtype=bool)
    perm = rng.permutation(prod.n)
    out = np.zeros(prod.n, dtype=bool)
    out[perm[: int(np.searchsorted(np.cumsum(prod.pop[perm]), share)) + 1]] = True
    return out


def make_events(rng: np.random.Generator, n_events: int, cus: Customers, prod: Products,
                carts: Carts, lines: CartContents, orders: Orders, cal: Calendar,
                mess: Mess) -> Clickstream:
    """Exactly ``n_events`` event rows, sorted by time, with the messiness quirks."""
    n_dup = rare_count(rng, n_events, mess.dup_events, mess.messy) if n_events > 1 else 0
    n_target = n_events - n_dup
    parts, n_linked_sess = _linked_event_parts(rng, cus, prod, carts, lines, orders, cal)
    ev, prio = _concat_parts(parts)
    del parts
    ev = _cap_linked(rng, ev, prio, n_target)
    del prio
    ev, anon_user = _add_anonymous_traffic(rng, ev, n_target, n_linked_sess, prod, cal)
    n_sess = n_linked_sess + anon_user.size
    separate_identical(ev, cal.days * DAY_S - 1)
    uuid_of = _session_uuid_index(rng, n_sess, n_linked_sess, anon_user, mess)
    order = _sorted_rows(rng, ev, n_dup)
    sess_out = uuid_of[ev.ses[order]]
    empty, price_kind = _row_quirks(rng, order.size, mess)
    no_brand = _empty_by_product(rng, prod, mess.empty_brand)
    no_code = _empty_by_product(rng, prod, mess.empty_code)
    return Clickstream(t=ev.t[order], typ=ev.typ[order], pr=ev.pr[order], usr=ev.usr[order],
                       sess=sess_out, empty=empty, price_kind=price_kind,
                       uuids=uuid_strings(rng, n_sess), no_brand=no_brand, no_code=no_code)


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------
def event_batches(ev: Clickstream, prod: Products, cal: Calendar):
    """Yield Arrow tables (all-string columns) of at most EVENT_CHUNK events."""
    day0 = cal.start_day
    days_txt = pa.array([str(np.datetime64(day0 + d, "D")) + " " for d in range(cal.days + 1)])
    sod_txt = pa.array([f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d} UTC"
                        for s in range(DAY_S)])
    type_txt = pa.array(EVENT_TYPES)
    pid_txt = pa.array([str(i) for i in range(1, prod.n + 1)])
    catid_txt = pa.array([str(x) for x in prod.code_ids[prod.subtype].tolist()])
    code_txt = pa.array([None if e else prod.code_names[s]
                         for s, e in zip(prod.subtype.tolist(), ev.no_code.tolist(), strict=True)],
                        type=pa.string())
    brand_txt = pa.array([None if e else b
                          for b, e in zip(prod.brand.tolist(), ev.no_brand.tolist(), strict=True)],
                         type=pa.string())
    price_txt = pa.array(money_text_2dp(prod.price_c) + money_text_2dp(-prod.price_c) + ["0.00"])
    n = ev.t.size
    for s in range(0, n, EVENT_CHUNK):
        e = min(n, s + EVENT_CHUNK)
        t = ev.t[s:e]
        pr = ev.pr[s:e].astype(np.int64)
        pk = ev.price_kind[s:e]
        pidx = np.where(pk == 0, pr, np.where(pk == 1, pr + prod.n, 2 * prod.n))
        sess_idx = pa.array(ev.sess[s:e], mask=ev.empty[s:e])
        cols = [
            pc.binary_join_element_wise(days_txt.take(pa.array(t // DAY_S)),
                                        sod_txt.take(pa.array(t % DAY_S)), ""),
            type_txt.take(pa.array(ev.typ[s:e])),
            pid_txt.take(pa.array(pr)),
            catid_txt.take(pa.array(pr)),
            code_txt.take(pa.array(pr)),
            brand_txt.take(pa.array(pr)),
            price_txt.take(pa.array(pidx)),
            pc.cast(pa.array(ev.usr[s:e]), pa.string()),
            pc.cast(ev.uuids.take(sess_idx), pa.string()),
        ]
        yield pa.Table.from_arrays(cols, names=TABLE_COLUMNS["events"])
