"""Returns and return_items: ~15 % of the orders that leave room for a return inside the
window; return lines are a non-empty subset of the order's lines, with
quantity_returned <= quantity."""

import numpy as np

from .calendar import Calendar
from .common import (
    DAY_US,
    draw_categorical,
    labels_of,
    position_in_segment,
    segment_starts,
    segment_sum,
    unique_ints,
)
from .customers import Customers
from .options import Mess
from .orders import Orders
from .products import Products
from .text import add_case_noise, date_text, id_text, int_text, money_text
from .vocab import CATEGORY_NAMES, ORDER_CHANNELS, PAYMENT_METHODS, RETURN_REASONS, RETURN_TYPES

TYPE_STORE_CREDIT, TYPE_EXCHANGE = 1, 2         # indices into RETURN_TYPES


def _pick_returned_orders(rng: np.random.Generator, orders: Orders, cal: Calendar):
    """Returned orders sorted by return day, their return day and return type index."""
    o_day = orders.time_us // DAY_US
    elig = np.flatnonzero(o_day + 3 < cal.end_day - 1)
    ret_o = elig[rng.random(elig.size) < 0.15]
    n = ret_o.size
    max_delay = np.minimum(45, cal.end_day - 1 - o_day[ret_o])
    delay = 2 + (rng.random(n) * (max_delay - 1)).astype(np.int64)
    r_day = o_day[ret_o] + np.minimum(delay, max_delay)
    r_ord = np.argsort(r_day, kind="stable")
    ret_o, r_day = ret_o[r_ord], r_day[r_ord]
    rtype = draw_categorical(rng, RETURN_TYPES, n)
    return ret_o, r_day, rtype


def _return_lines(rng: np.random.Generator, orders: Orders, ret_o: np.ndarray,
                  rtype: np.ndarray):
    """Returned order lines (about half of each order's lines, at least one), the return
    each belongs to, quantity returned and refund per line (cents; exchanges refund 0)."""
    ol = orders.lines
    cnt = ol.per_order[ret_o]
    ri_line = np.repeat(segment_starts(ol.per_order)[ret_o], cnt) + position_in_segment(cnt)
    ri_ret = np.repeat(np.arange(ret_o.size), cnt)
    take = rng.random(ri_line.size) < 0.5
    forced = segment_starts(cnt) + (rng.random(ret_o.size) * cnt).astype(np.int64)
    take[forced] = True
    ri_line, ri_ret = ri_line[take], ri_ret[take]
    q_ret = 1 + (rng.random(ri_line.size) * ol.qty[ri_line]).astype(np.int64)
    refund = (q_ret * ol.price_c[ri_line]
              - np.round(ol.discount_c[ri_line] * q_ret / ol.qty[ri_line]).astype(np.int64))
    refund = np.where(rtype[ri_ret] == TYPE_EXCHANGE, 0, refund)
    return ri_line, ri_ret, q_ret, refund


def _return_channels(rng: np.random.Generator, orders: Orders, ret_o: np.ndarray):
    """Return channel (80 % the order's channel) and agent_id of each return."""
    n = ret_o.size
    r_chan = np.where(rng.random(n) < 0.8, orders.channel[ret_o],
                      draw_categorical(rng, ORDER_CHANNELS, n))
    r_chan_txt = labels_of(ORDER_CHANNELS, r_chan)
    r_agent = np.where(r_chan_txt == "Phone", id_text("CSR-", rng.integers(1, 21, n), 4),
                       "ONLINE").astype(object)
    return r_chan_txt, r_agent


def make_returns(rng: np.random.Generator, cus: Customers, prod: Products, orders: Orders,
                 cal: Calendar, mess: Mess) -> tuple[dict, dict]:
    """Text columns of ``returns`` and ``return_items``."""
    ret_o, r_day, rtype = _pick_returned_orders(rng, orders, cal)
    n = ret_o.size
    ri_line, ri_ret, q_ret, refund = _return_lines(rng, orders, ret_o, rtype)
    r_refund = segment_sum(refund, np.bincount(ri_ret, minlength=n))
    r_chan_txt, r_agent = _return_channels(rng, orders, ret_o)
    refund_method = np.where(rtype == TYPE_STORE_CREDIT, "Store Credit",
                             labels_of(PAYMENT_METHODS, orders.payment[ret_o])).astype(object)
    ret_id = id_text("RTN-", unique_ints(rng, n, 0, 100_000_000), 8)
    rcust = orders.cust[ret_o]
    # the draws below happen in column order: reason, return_type, return_channel, then the
    # product names of return_items
    returns = {
        "return_id": ret_id,
        "order_id": orders.order_id[ret_o],
        "customer_id": cus.cid[rcust],
        "email": cus.email[rcust],
        "return_date": date_text(r_day),
        "reason": add_case_noise(rng, np.array(RETURN_REASONS, dtype=object)[
            rng.integers(0, len(RETURN_REASONS), n)], mess.text_noise, keep_plain=True),
        "return_type": add_case_noise(rng, labels_of(RETURN_TYPES, rtype), mess.text_noise,
                                      keep_plain=True),
        "refunded_amount": money_text(r_refund),
        "return_channel": add_case_noise(rng, r_chan_txt, mess.text_noise, keep_plain=True),
        "agent_id": r_agent,
        "refund_method": refund_method,
    }
    rp = orders.lines.product[ri_line]
    return_items = {
        "return_item_id": int_text(np.arange(1, ri_line.size + 1)),
        "return_id": ret_id[ri_ret],
        "order_id": orders.order_id[ret_o][ri_ret],
        "product_id": int_text(rp + 1),
        "product_name": add_case_noise(rng, prod.name[rp], mess.text_noise, keep_plain=True),
        "category": CATEGORY_NAMES[prod.category[rp]],
        "quantity_returned": int_text(q_ret),
        "unit_price": money_text(orders.lines.price_c[ri_line]),
        "cost_price": money_text(prod.cost_c[rp]),
        "refunded_amount": money_text(refund),
    }
    return returns, return_items
