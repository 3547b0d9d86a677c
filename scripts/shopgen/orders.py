"""Orders and order_items: every converted cart becomes one order of the same customer.

An order is placed a lognormal gap after its cart's last activity (see ``carts.py``); it has
one line per distinct product of the cart, optional discounts, channel, payment, shipping,
customer tier / value bucket and a re-activation flag.
"""

from dataclasses import dataclass

import numpy as np

from .carts import CartContents, Carts
from .common import DAY_US, SEC_US, draw_categorical, labels_of, segment_sum, unique_ints
from .customers import Customers
from .options import Mess
from .products import Products
from .text import (
    add_case_noise,
    blank_where,
    bool_text,
    id_text,
    int_text,
    money_text,
    timestamp_text,
)
from .vocab import (
    CATEGORY_NAMES,
    CLV_BUCKETS,
    ORDER_CHANNELS,
    PAYMENT_FEE_RATE,
    PAYMENT_METHODS,
    SHIPPING,
    SHIPPING_COST_CENTS,
    ST_CONVERTED,
    TIERS,
)


@dataclass
class OrderLines:
    """Order lines, grouped by order then product (money in cents)."""

    order: np.ndarray           # order index of each line
    product: np.ndarray
    qty: np.ndarray
    price_c: np.ndarray
    per_order: np.ndarray       # number of lines of each order
    discount_c: np.ndarray | None = None    # set once the order discounts are drawn


@dataclass
class Orders:
    """Orders sorted by time (one row per order), with their lines.

    ``cart``, ``time_us``, ``cust``, ``channel``, ``payment``, ``order_id`` and ``lines`` are
    also used by the returns and the clickstream.
    """

    cart: np.ndarray            # converted cart of each order
    time_us: np.ndarray
    cust: np.ndarray            # customer index
    order_id: np.ndarray        # text ORD-########
    channel: np.ndarray         # index into ORDER_CHANNELS
    payment: np.ndarray         # index into PAYMENT_METHODS
    lines: OrderLines


def _place_orders(rng: np.random.Generator, carts: Carts) -> tuple[np.ndarray, np.ndarray]:
    """Converted carts and their order times (us), sorted by order time."""
    conv = np.flatnonzero(carts.status == ST_CONVERTED)
    o_us = carts.order_us()[conv] + rng.integers(0, SEC_US, conv.size)
    oo = np.argsort(o_us, kind="stable")
    return conv[oo], o_us[oo]


def _order_lines(carts: Carts, lines: CartContents, conv: np.ndarray,
                 prod: Products) -> OrderLines:
    """One order line per distinct product of the cart (quantities summed)."""
    n_orders = conv.size
    order_of_cart = np.full(carts.n, -1, dtype=np.int64)
    order_of_cart[conv] = np.arange(n_orders)
    lm = order_of_cart[lines.line_cart] >= 0
    key_o = order_of_cart[lines.line_cart][lm]
    key_p = lines.product[lm]
    ordk = np.lexsort((key_p, key_o))
    ko, kp, kq = key_o[ordk], key_p[ordk], lines.qty[lm][ordk]
    newg = np.ones(ko.size, dtype=bool)
    newg[1:] = (ko[1:] != ko[:-1]) | (kp[1:] != kp[:-1])
    gid = np.cumsum(newg) - 1
    oi_order = ko[newg]
    oi_prod = kp[newg]
    oi_qty = np.bincount(gid, weights=kq).astype(np.int64) if ko.size else np.zeros(0, np.int64)
    return OrderLines(order=oi_order, product=oi_prod, qty=oi_qty, price_c=prod.price_c[oi_prod],
                      per_order=np.bincount(oi_order, minlength=n_orders))


def _discounts_and_counts(rng: np.random.Generator, ol: OrderLines, o_us: np.ndarray,
                          mess: Mess) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Discounts on ~30 % of orders: returns the discount of each line and of each order,
    and each order's total_items (doubled for one month in the heavy level)."""
    n_orders = o_us.size
    has_disc = rng.random(n_orders) < 0.30
    pct = np.where(has_disc, rng.uniform(0.02, 0.20, n_orders), 0.0)
    line_disc = np.round(ol.qty * ol.price_c * pct[ol.order]).astype(np.int64)
    disc = segment_sum(line_disc, ol.per_order)
    total_items = segment_sum(ol.qty, ol.per_order)
    if mess.double_month and n_orders:
        order_month = o_us.astype("datetime64[us]").astype("datetime64[M]")
        months = np.unique(order_month)
        month = months[rng.integers(0, months.size)]
        total_items = np.where(order_month == month, total_items * 2, total_items)
    return line_disc, disc, total_items


def _channels_and_agents(rng: np.random.Generator, n: int, mess: Mess):
    """Order channel index and agent_id (CSR-#### on phone orders, some blank; else ONLINE)."""
    chan = draw_categorical(rng, ORDER_CHANNELS, n)
    phone = labels_of(ORDER_CHANNELS, chan) == "Phone"
    agent = np.where(phone, id_text("CSR-", rng.integers(1, 21, n), 4), "ONLINE").astype(object)
    agent = blank_where(agent, phone & (rng.random(n) < mess.blank_agent))
    return chan, agent


def _payment_and_shipping(rng: np.random.Generator, n: int):
    """Payment method and shipping speed indices, expedited flag, actual shipping cost."""
    pay = draw_categorical(rng, PAYMENT_METHODS, n)
    ship = draw_categorical(rng, SHIPPING, n)
    expedited = (ship == 2) | ((ship == 1) & (rng.random(n) < 0.3))
    actual_ship = np.round(SHIPPING_COST_CENTS[ship] * rng.uniform(0.7, 0.97, n)).astype(np.int64)
    return pay, ship, expedited, actual_ship


def _clv_buckets(cus: Customers, ocust: np.ndarray, net: np.ndarray) -> np.ndarray:
    """Customer value bucket (Low / Medium / High by total net spend) of every customer."""
    spend = np.bincount(ocust, weights=net, minlength=cus.n)
    clv_i = np.where(spend < 30000, 0, np.where(spend < 120000, 1, 2))
    return np.array(CLV_BUCKETS, dtype=object)[clv_i]


def _order_tiers(cus: Customers, ocust: np.ndarray, gross: np.ndarray) -> np.ndarray:
    """customer_tier per order: the loyalty tier, or for guests a tier by order value."""
    guest_tier = np.array(TIERS, dtype=object)[np.searchsorted([15000, 50000, 100000], gross,
                                                               side="right")]
    return np.where(cus.is_guest[ocust], guest_tier, cus.tier[ocust]).astype(object)


def _reactivated(ocust: np.ndarray, o_us: np.ndarray) -> np.ndarray:
    """True where the customer's previous order was more than 120 days earlier."""
    n = o_us.size
    byc = np.lexsort((o_us, ocust))
    prev_gap = np.full(n, 0, dtype=np.int64)
    same = np.zeros(n, dtype=bool)
    if n > 1:
        same[byc[1:]] = ocust[byc[1:]] == ocust[byc[:-1]]
        prev_gap[byc[1:]] = o_us[byc[1:]] - o_us[byc[:-1]]
    return same & (prev_gap > 120 * DAY_US)


def _order_date_text(rng: np.random.Generator, o_us: np.ndarray, mess: Mess) -> np.ndarray:
    """order_date text; the heavy level writes a share with a space instead of ``T``."""
    odate = timestamp_text(o_us)
    n = o_us.size
    if mess.order_date_space > 0 and n:
        sp = rng.random(n) < mess.order_date_space
        sp[rng.integers(0, n)] = True
        odate = np.where(sp, np.char.replace(odate.astype(str), "T", " "), odate).astype(object)
    return odate


def _order_items_table(rng: np.random.Generator, orders: Orders, prod: Products,
                       mess: Mess) -> dict:
    """Text columns of ``order_items``."""
    ol = orders.lines
    return {
        "order_id": orders.order_id[ol.order],
        "product_id": int_text(ol.product + 1),
        "product_name": add_case_noise(rng, prod.name[ol.product], mess.text_noise,
                                       keep_plain=True),
        "category": CATEGORY_NAMES[prod.category[ol.product]],
        "quantity": int_text(ol.qty),
        "unit_price": money_text(ol.price_c),
        "discount_amount": money_text(ol.discount_c),
        "cost_price": money_text(prod.cost_c[ol.product]),
    }


def make_orders(rng: np.random.Generator, cus: Customers, prod: Products, carts: Carts,
                lines: CartContents, mess: Mess) -> tuple[Orders, dict, dict]:
    """One order per converted cart: returns the orders and the text columns of ``orders``
    and ``order_items``. Also fills the customers' ``clv_bucket`` column."""
    conv, o_us = _place_orders(rng, carts)
    n = conv.size
    ol = _order_lines(carts, lines, conv, prod)
    ol.discount_c, disc, total_items = _discounts_and_counts(rng, ol, o_us, mess)
    gross = lines.cart_total[conv]
    net = gross - disc
    ocust = carts.cust[conv]
    chan, agent = _channels_and_agents(rng, n, mess)
    pay, ship, expedited, actual_ship = _payment_and_shipping(rng, n)
    clv_txt = _clv_buckets(cus, ocust, net)
    cus.cols["clv_bucket"] = blank_where(clv_txt, cus.is_guest)
    order_id = id_text("ORD-", unique_ints(rng, n, 0, 100_000_000), 8)
    odate = _order_date_text(rng, o_us, mess)
    ship_addr = np.where(rng.random(n) < 0.9, cus.mailing[ocust], cus.billing[ocust]).astype(object)
    fee = np.round(net * PAYMENT_FEE_RATE[pay]).astype(np.int64)
    orders = Orders(cart=conv, time_us=o_us, cust=ocust, order_id=order_id, channel=chan,
                    payment=pay, lines=ol)
    # the text noise below draws in column order: payment_method, shipping_speed, clv_bucket
    table = {
        "order_id": order_id,
        "total_items": int_text(total_items),
        "order_date": odate,
        "customer_id": cus.cid[ocust],
        "email": cus.email[ocust],
        "order_channel": labels_of(ORDER_CHANNELS, chan),
        "is_expedited": bool_text(expedited),
        "customer_tier": _order_tiers(cus, ocust, gross),
        "gross_total": money_text(gross),
        "net_total": money_text(net),
        "total_discount_amount": money_text(disc),
        "payment_method": add_case_noise(rng, labels_of(PAYMENT_METHODS, pay), mess.text_noise,
                                         keep_plain=True),
        "shipping_speed": add_case_noise(rng, labels_of(SHIPPING, ship), mess.text_noise,
                                         keep_plain=True),
        "shipping_cost": money_text(SHIPPING_COST_CENTS[ship]),
        "agent_id": agent,
        "actual_shipping_cost": money_text(actual_ship),
        "payment_processing_fee": money_text(fee),
        "shipping_address": ship_addr,
        "billing_address": cus.billing[ocust],
        "clv_bucket": add_case_noise(rng, clv_txt[ocust], mess.text_noise, keep_plain=True),
        "is_reactivated": bool_text(_reactivated(ocust, o_us)),
    }
    return orders, table, _order_items_table(rng, orders, prod, mess)
