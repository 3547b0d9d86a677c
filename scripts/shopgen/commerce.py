"""The commerce tables: catalog, shopping_carts and cart_items here; orders and returns in
``orders.py`` and ``returns.py``.

Each table group draws from its own random stream (catalog + carts, orders, returns), in a
fixed order, so the output depends only on the seed and the arguments.
"""

import numpy as np

from .calendar import Calendar
from .carts import CartContents, Carts, fill_carts
from .common import rows_with_duplicates, unique_ints
from .customers import Customers
from .options import Mess
from .orders import Orders, make_orders
from .products import Products
from .returns import make_returns
from .text import add_case_noise, blank_where, id_text, int_text, money_text, timestamp_text
from .vocab import CATEGORY_NAMES, STATUS_NAMES


def catalog_table(rng: np.random.Generator, prod: Products, mess: Mess) -> dict:
    """Text columns of ``product_catalog``."""
    return {
        "product_id": int_text(np.arange(1, prod.n + 1)),
        "product_name": add_case_noise(rng, prod.name, mess.text_noise, keep_plain=True),
        "category": CATEGORY_NAMES[prod.category],
        "unit_price": money_text(prod.price_c),
        "cost_price": money_text(prod.cost_c),
        "inventory_quantity": int_text(prod.inventory),
    }


def shopping_carts_table(rng: np.random.Generator, cus: Customers, carts: Carts,
                         lines: CartContents, mess: Mess) -> tuple[dict, np.ndarray]:
    """Text columns of ``shopping_carts`` and the cart ids."""
    cart_id = id_text("CART-", unique_ints(rng, carts.n, 0, 100_000_000), 8)
    status_txt = np.array(STATUS_NAMES, dtype=object)[carts.status]
    table = {
        "cart_id": cart_id,
        "customer_id": cus.cid[carts.cust],
        "created_at": timestamp_text(carts.created),
        "updated_at": blank_where(timestamp_text(lines.updated_us),
                                  rng.random(carts.n) < mess.blank_ts),
        "cart_total": money_text(lines.cart_total),
        "status": add_case_noise(rng, status_txt, mess.status_noise),
    }
    return table, cart_id


def cart_items_table(rng: np.random.Generator, prod: Products, lines: CartContents,
                     cart_id: np.ndarray, mess: Mess) -> dict:
    """Text columns of ``cart_items`` (with the exact duplicate rows of messy levels)."""
    n_lines = lines.line_cart.size
    rows = rows_with_duplicates(rng, n_lines, mess.dup_cart_items, mess.messy)
    lprod = lines.product
    items = {
        "cart_item_id": int_text(np.arange(1, n_lines + 1)),
        "cart_id": cart_id[lines.line_cart],
        "product_id": int_text(lprod + 1),
        "product_name": add_case_noise(rng, prod.name[lprod], mess.text_noise, keep_plain=True),
        "category": CATEGORY_NAMES[prod.category[lprod]],
        "added_at": blank_where(timestamp_text(lines.added_us),
                                rng.random(n_lines) < mess.blank_ts),
        "quantity": int_text(lines.qty),
        "unit_price": money_text(lines.price_c),
    }
    return {k: v[rows] for k, v in items.items()}


def build_commerce(rngs, cus: Customers, prod: Products, carts: Carts,
                   cal: Calendar, mess: Mess) -> tuple[dict, CartContents, Orders]:
    """The eight commerce tables as text columns, plus the cart contents and orders that
    the clickstream needs.

    ``rngs`` are the (carts, orders, returns) random streams.
    """
    rng_c, rng_o, rng_r = rngs
    tables: dict[str, dict] = {}
    tables["product_catalog"] = catalog_table(rng_c, prod, mess)
    lines = fill_carts(rng_c, carts, prod)
    tables["shopping_carts"], cart_id = shopping_carts_table(rng_c, cus, carts, lines, mess)
    tables["cart_items"] = cart_items_table(rng_c, prod, lines, cart_id, mess)
    orders, tables["orders"], tables["order_items"] = make_orders(rng_o, cus, prod, carts,
                                                                  lines, mess)
    tables["returns"], tables["return_items"] = make_returns(rng_r, cus, prod, orders, cal, mess)
    tables["customers"] = cus.cols
    return tables, lines, orders
