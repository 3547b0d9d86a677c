#!/usr/bin/env python3
"""Synthetic raw-data generator for the ``ecommerce_behavior`` dbt project.

It writes the nine raw tables described in ``docs/raw_data.md``: the eight commerce tables of
the ``ecom_retailer_v3`` schema (customers, product_catalog, shopping_carts, cart_items, orders,
order_items, returns, return_items) and one REES46 / Open CDP clickstream table (events).
Every column is written as text, exactly as the raw files look (see *Formats* below), as CSV
(header, comma separated, minimal RFC 4180 quoting, empty field = blank) or as Parquet (every
column a STRING, blanks are NULL, same text as the CSV).

Usage::

    python scripts/generate_data.py --out DIR --customers N --events N --seed S \
        --messiness none|light|heavy [--format csv|parquet] [--start-date YYYY-MM-DD] [--days D]

or ``generate(out_dir, customers, events, seed, messiness, fmt, start_date, days)`` from Python.

Determinism
-----------
Only ``numpy.random.default_rng(seed)`` is used (spawned into independent child streams for
products, customers, carts, orders, returns and events, so the commerce tables do not depend on
``--events``). No wall clock, no hash-order or set-order dependence: the same arguments give
byte-identical files.

Linkage (what a real shop looks like)
-------------------------------------
* Time window ``[start_date, start_date + days)``. Activity follows a calendar weight: busier
  Nov-Dec (a Black-Friday/Christmas bump, a lull around Dec 25), weekends, and evenings
  (hourly profile). Times are drawn by inverse CDF over hourly bins, so any lower/upper bound
  (e.g. "after signup", "before the window end") is honoured exactly.
* ~40 % of customers are guests (``GUEST-<n>``, n >= 100000, no name/phone/signup/loyalty);
  registered customers are ``CUST-<n>`` (1000 <= n < 100000), half of them signed up before
  the window, half inside it. Their carts start after their signup date.
* Products: ``max(50, 1.3 * customers)`` in eight categories with a Zipf-like popularity; every
  category has a REES46-like dotted ``category_code`` per product type (first segment is the
  lower-case category), a 19-digit ``category_id`` per category_code and a lower-case brand.
* About 3 carts per customer (guests included). Base carts are converted / abandoned /
  emptied; 1-6 lines (emptied carts: none, total 0.0); lines are separate add-to-cart actions,
  so a product can appear on several lines of a cart. ``cart_total`` is the sum of
  quantity * unit_price of its lines; ``created_at <= added_at <= updated_at``.
* ``open`` carts: abandoned carts whose last activity is within 36 h of the window end, plus a
  few carts placed on purpose 25-72 h and 5 min-23 h before the end (so both "older than 24 h"
  and "younger" open carts always exist).
* Every converted cart becomes exactly one order of the same customer, placed a lognormal gap
  after the cart's last activity (median ~25 min, 90 s .. 30 h, 4 % after 1-2 days); never at
  or before ``created_at`` and always inside the window. ``gross_total = cart_total``, one
  order line per distinct product (quantities summed), ``total_items`` = sum of quantities,
  discounts on ~30 % of orders, ``net_total = gross_total - total_discount_amount``.
* Abandoners come back: 30 % of abandoned carts get a later converted cart of the same customer
  whose order falls within 7 days of the abandoned cart's last activity, another 10 % one whose
  order comes more than 7 days later. 4.5 % of converted carts get another converted cart of
  the same customer 0-3 days later (with chance coincidences ~5-6 % in all, so "nearest order"
  is ambiguous, as in the contract).
* Returns for ~15 % of orders (those leaving room for a return inside the window); return
  lines are a non-empty subset of the order's lines, quantity_returned <= quantity.
* Events: every customer is an event user with ``user_id`` = numeric part of ``customer_id``.
  Each cart is one session: 0-3 views of each line's product before its ``added_at``, one
  ``cart`` event per line at ``added_at`` (whole seconds); emptied carts get 1-3 ``cart``
  events and matching ``remove_from_cart`` events at ``updated_at``; each order line gives a
  ``purchase`` event at the order time (same session if within 30 min of the cart, else a new
  one). Every customer also has 1+ browsing sessions of views. The rest, up to exactly
  ``--events`` rows, is anonymous traffic (user_id of 9-10 or 19 digits): sessions of mostly
  views; ``cart`` / ``purchase`` / ``remove_from_cart`` events act on the last viewed product,
  so many purchases have no cart event. Events within a second are common.
* Capping: if the customer-linked events alone exceed ``--events``, linked events are dropped
  deterministically by priority: first the extra browsing views, then the views before cart
  lines, then the first browsing view of each customer, and only then cart/remove/purchase
  events; within a priority level a seeded random subset is kept. The output always has
  exactly ``--events`` rows, sorted by event_time.

Messiness (every quirk of docs/raw_data.md is reachable; rates are per-row probabilities)
------------------------------------------------------------------------------------------
=========================================  =======  ===========  ===========
quirk                                      none     light        heavy
=========================================  =======  ===========  ===========
cart status padding / case variants        0        20 %         45 %
free-text padding / case variants (*)      0        10 %         25 %
blank updated_at / added_at                0        3 %          8 %
exact duplicate cart_items rows            0        0.5 %        1.5 %
carts (and their orders) before signup     0        ~2 % carts   ~3 % carts
blank booleans (email_verified, opt-in)    0        1 %          3 %
guest age written ``nan`` (else empty)     0        50 %         50 %
registered without loyalty enrolment       0        12 %         18 %
blank agent_id on phone orders             0        5 %          10 %
order_date written with a space, not T     0        0            15 %
orders.total_items doubled for one month   no       no           yes
exact duplicate event rows                 0        0.07 %       0.3 %
event price 0 or negative                  0        0.05 %       0.2 %
brand empty (per product, event-weighted)  0        24 %         30 %
category_code empty (per product, ditto)   0        27 %         33 %
empty user_session                         0        0.02 %       0.1 %
session ids shared by two users            0        0.04 % ses.  0.2 % ses.
=========================================  =======  ===========  ===========

(*) product_name (catalog and item tables), customer_status, payment_method, shipping_speed,
orders.clv_bucket, returns reason / return_channel / return_type.
Padding / case variants are: lower, UPPER, Title with no padding or 1 / 2 spaces on both sides,
plus lower with 1+2 and 2+1 spaces: 11 spellings per value, i.e. at most 44 raw spellings of the
4 cart statuses. In light/heavy the rare quirks (duplicates, bad prices, empty or shared
sessions) occur at least once whenever the table is non-empty.

Formats
-------
commerce timestamps ``YYYY-MM-DDTHH:MM:SS.ffffff``; dates ``YYYY-MM-DD``; money as plain
decimals with at most 2 decimals (``25.83``, ``0.0``); booleans ``True``/``False``; registered
age ``67.0``; event_time ``YYYY-MM-DD HH:MM:SS UTC``; event price with exactly 2 decimals.
"""

import argparse
import csv
import datetime as dt
import os
import sys
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

__all__ = ["generate", "main", "TABLE_COLUMNS", "MESSINESS_LEVELS"]

# --------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------
TABLE_COLUMNS: dict[str, list[str]] = {
    "customers": [
        "customer_id", "first_name", "last_name", "email", "phone_number", "signup_date",
        "gender", "age", "is_guest", "customer_status", "signup_channel", "loyalty_tier",
        "initial_loyalty_tier", "email_verified", "marketing_opt_in", "mailing_address",
        "billing_address", "loyalty_enrollment_date", "clv_bucket",
    ],
    "product_catalog": [
        "product_id", "product_name", "category", "unit_price", "cost_price", "inventory_quantity",
    ],
    "shopping_carts": ["cart_id", "customer_id", "created_at", "updated_at", "cart_total", "status"],
    "cart_items": [
        "cart_item_id", "cart_id", "product_id", "product_name", "category", "added_at",
        "quantity", "unit_price",
    ],
    "orders": [
        "order_id", "total_items", "order_date", "customer_id", "email", "order_channel",
        "is_expedited", "customer_tier", "gross_total", "net_total", "total_discount_amount",
        "payment_method", "shipping_speed", "shipping_cost", "agent_id", "actual_shipping_cost",
        "payment_processing_fee", "shipping_address", "billing_address", "clv_bucket",
        "is_reactivated",
    ],
    "order_items": [
        "order_id", "product_id", "product_name", "category", "quantity", "unit_price",
        "discount_amount", "cost_price",
    ],
    "returns": [
        "return_id", "order_id", "customer_id", "email", "return_date", "reason", "return_type",
        "refunded_amount", "return_channel", "agent_id", "refund_method",
    ],
    "return_items": [
        "return_item_id", "return_id", "order_id", "product_id", "product_name", "category",
        "quantity_returned", "unit_price", "cost_price", "refunded_amount",
    ],
    "events": [
        "event_time", "event_type", "product_id", "category_id", "category_code", "brand",
        "price", "user_id", "user_session",
    ],
}
MESSINESS_LEVELS = ("none", "light", "heavy")
FORMATS = ("csv", "parquet")

SEC_US = 1_000_000
MIN_US = 60 * SEC_US
HOUR_US = 3600 * SEC_US
DAY_US = 86400 * SEC_US
DAY_S = 86400
EPOCH = dt.date(1970, 1, 1)
REGISTERED_BASE = 1000          # first registered number: CUST-1000
REGISTERED_LIMIT = 100_000      # registered numbers stay below this
GUEST_BASE = 100_000            # GUEST-100000, GUEST-100001, ...
MAX_DAYS = 3650
EVENT_CHUNK = 1_000_000         # rows per event write batch / parquet row group


@dataclass(frozen=True)
class Mess:
    """Per-row probabilities of every quirk for one messiness level (see module docstring)."""

    status_noise: float = 0.0
    text_noise: float = 0.0
    blank_ts: float = 0.0
    dup_cart_items: float = 0.0
    before_signup: float = 0.0
    blank_bool: float = 0.0
    guest_age_nan: float = 0.0
    not_enrolled: float = 0.0
    blank_agent: float = 0.0
    order_date_space: float = 0.0
    double_month: bool = False
    dup_events: float = 0.0
    bad_price: float = 0.0
    empty_brand: float = 0.0
    empty_code: float = 0.0
    empty_session: float = 0.0
    shared_session: float = 0.0

    @property
    def messy(self) -> bool:
        return self.status_noise > 0


MESS = {
    "none": Mess(),
    "light": Mess(status_noise=0.20, text_noise=0.10, blank_ts=0.03, dup_cart_items=0.005,
                  before_signup=0.02, blank_bool=0.01, guest_age_nan=0.5, not_enrolled=0.12,
                  blank_agent=0.05, dup_events=0.0007, bad_price=0.0005, empty_brand=0.24,
                  empty_code=0.27, empty_session=0.0002, shared_session=0.0004),
    "heavy": Mess(status_noise=0.45, text_noise=0.25, blank_ts=0.08, dup_cart_items=0.015,
                  before_signup=0.03, blank_bool=0.03, guest_age_nan=0.5, not_enrolled=0.18,
                  blank_agent=0.10, order_date_space=0.15, double_month=True, dup_events=0.003,
                  bad_price=0.002, empty_brand=0.30, empty_code=0.33, empty_session=0.001,
                  shared_session=0.002),
}

# --------------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------------
# (category, weight, (median price, lognormal sigma, min, max), adjectives,
#  [(product type, category_code)], brands)
CATEGORIES = [
    ("Electronics", 0.20, (150.0, 0.9, 10.0, 2500.0),
     ["Smart", "Wireless", "Compact", "Portable", "Digital", "Ultra"],
     [("Headphones", "electronics.audio.headphone"), ("Speaker", "electronics.audio.acoustic"),
      ("Monitor", "electronics.video.monitor"), ("TV", "electronics.video.tv"),
      ("Laptop", "electronics.computers.notebook"), ("Smartphone", "electronics.smartphone"),
      ("Camera", "electronics.camera.photo"), ("Tablet", "electronics.tablet"),
      ("Keyboard", "electronics.computers.keyboard"),
      ("Smartwatch", "electronics.wearables.smartwatch")],
     ["samsung", "apple", "sony", "xiaomi", "lg", "huawei", "jbl", "lenovo", "asus", "acer",
      "philips", "canon"]),
    ("Books", 0.12, (18.0, 0.5, 4.0, 90.0),
     ["Hardcover", "Illustrated", "Classic", "Modern", "Paperback"],
     [("Novel", "books.fiction.novel"), ("Anthology", "books.fiction.anthology"),
      ("Memoir", "books.nonfiction.memoir"), ("Guide", "books.nonfiction.guide"),
      ("Biography", "books.nonfiction.biography"), ("Cookbook", "books.cooking"),
      ("Comic", "books.comics")],
     ["penguin", "harpercollins", "scholastic", "hachette", "macmillan", "wiley"]),
    ("Clothing", 0.16, (45.0, 0.6, 8.0, 400.0),
     ["Comfortable", "Classic", "Durable", "Stylish", "Casual"],
     [("Shirt", "clothing.tops.shirt"), ("Sweater", "clothing.tops.sweater"),
      ("Jeans", "clothing.bottoms.jeans"), ("Jacket", "clothing.outerwear.jacket"),
      ("Dress", "clothing.women.dress"), ("Sneakers", "clothing.shoes.sneakers"),
      ("Socks", "clothing.accessories.socks")],
     ["nike", "adidas", "zara", "levis", "uniqlo", "puma", "hm", "gap"]),
    ("Home", 0.15, (70.0, 0.8, 8.0, 1500.0),
     ["Modern", "Rustic", "Elegant", "Cozy"],
     [("Chair", "home.furniture.chair"), ("Table", "home.furniture.table"),
      ("Sofa", "home.furniture.sofa"), ("Lamp", "home.lighting.lamp"),
      ("Rug", "home.decor.rug"), ("Vase", "home.decor.vase"),
      ("Blender", "home.kitchen.blender"), ("Cookware Set", "home.kitchen.cookware")],
     ["ikea", "philips", "tefal", "bosch", "kenwood", "habitat"]),
    ("Toys", 0.10, (25.0, 0.6, 4.0, 300.0),
     ["Fun", "Colorful", "Interactive", "Educational"],
     [("Car", "toys.vehicles.car"), ("Doll", "toys.dolls.doll"),
      ("Puzzle", "toys.games.puzzle"), ("Board Game", "toys.games.board_game"),
      ("Blocks", "toys.construction.blocks"), ("Robot", "toys.electronic.robot")],
     ["lego", "hasbro", "mattel", "playmobil", "ravensburger", "hotwheels"]),
    ("Sports", 0.10, (50.0, 0.8, 6.0, 1500.0),
     ["Pro", "Lightweight", "Durable", "Outdoor"],
     [("Yoga Mat", "sports.fitness.yoga_mat"), ("Dumbbells", "sports.fitness.dumbbell"),
      ("Tennis Racket", "sports.tennis.racket"), ("Football", "sports.team.football"),
      ("Bicycle", "sports.cycling.bicycle"), ("Tent", "sports.camping.tent"),
      ("Running Shoes", "sports.running.shoes")],
     ["decathlon", "wilson", "nike", "adidas", "puma", "coleman", "trek"]),
    ("Beauty", 0.09, (20.0, 0.6, 3.0, 200.0),
     ["Organic", "Hydrating", "Luxury", "Natural"],
     [("Face Cream", "beauty.skincare.cream"), ("Serum", "beauty.skincare.serum"),
      ("Shampoo", "beauty.hair.shampoo"), ("Lipstick", "beauty.makeup.lipstick"),
      ("Perfume", "beauty.fragrance.perfume"), ("Nail Polish", "beauty.nails.polish")],
     ["loreal", "nivea", "maybelline", "garnier", "dove", "clinique"]),
    ("Grocery", 0.08, (9.0, 0.5, 1.5, 80.0),
     ["Organic", "Premium", "Fresh", "Gourmet"],
     [("Coffee", "grocery.beverages.coffee"), ("Tea", "grocery.beverages.tea"),
      ("Olive Oil", "grocery.pantry.oil"), ("Pasta", "grocery.pantry.pasta"),
      ("Honey", "grocery.pantry.honey"), ("Chocolate", "grocery.sweets.chocolate")],
     ["nestle", "lavazza", "barilla", "lindt", "twinings", "illy"]),
]

FIRST_NAMES = np.array([
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark",
    "Sandra", "Steven", "Ashley", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
    "Kevin", "Carol", "Brian", "Amanda", "George", "Melissa", "Nathan", "Deborah", "Ryan",
    "Laura", "Jacob", "Rebecca", "Gary", "Sharon", "Brett", "Heather", "Luke", "Rachel",
])
LAST_NAMES = np.array([
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Arnold", "Kelley", "Barnes",
    "Valenzuela", "Aguilar", "Castro", "Dominguez", "Atkinson", "Miranda", "Bryant",
])
STREET_NAMES = np.array([
    "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park", "Sunset",
    "Miller", "Vincent", "Barnes", "Castro", "Fox", "Aguilar", "Bryant", "River", "Forest",
    "Meadow", "Highland", "Church", "Mill", "Spring", "Willow", "Ridge", "Valley", "Jackson",
])
STREET_SUFFIXES = np.array([
    "Street", "Avenue", "Road", "Lane", "Drive", "Court", "Parkway", "Springs", "Wells",
    "Corners", "Lodge", "Fords", "Parks", "Way", "Place", "Trail",
])
CITIES = np.array([
    "Springfield", "Riverside", "Franklin", "Greenville", "Fairview", "Madison", "Georgetown",
    "Salem", "Clinton", "Arlington", "Ashland", "Jessicaport", "North Christopher",
    "Johnsonburgh", "Port Paul", "Lake Jessica", "East Jasonside", "Stevenmouth", "North Bonnie",
    "West Laura", "South Kevin", "New Amanda", "Millerfort", "Davisview",
])
STATES = np.array([
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
    "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
    "VA", "WA", "WV", "WI", "WY",
])
EMAIL_DOMAINS = np.array(["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com"])
GUEST_DOMAINS = np.array(["example.org", "example.com", "example.net"])

GENDERS = (["Female", "Male", "Unknown", "Non-binary"], [0.45, 0.43, 0.09, 0.03])
CUSTOMER_STATUSES = (["Active", "Inactive", "Dormant"], [0.62, 0.20, 0.18])
SIGNUP_CHANNELS = (["Website", "Mobile App", "Social Media", "Email", "Referral", "Phone"],
                   [0.35, 0.22, 0.15, 0.12, 0.08, 0.08])
TIERS = ["Bronze", "Silver", "Gold", "Platinum"]
TIER_P = [0.50, 0.25, 0.15, 0.10]
ORDER_CHANNELS = (["Web", "Mobile App", "Phone", "Social Media", "Ebay", "NewEgg"],
                  [0.45, 0.15, 0.15, 0.12, 0.09, 0.04])
PAYMENT_METHODS = (["Credit Card", "PayPal", "Apple Pay", "Google Pay", "Debit Card", "ACH"],
                   [0.48, 0.18, 0.12, 0.08, 0.09, 0.05])
PAYMENT_FEE_RATE = np.array([0.025, 0.029, 0.025, 0.025, 0.015, 0.01])
SHIPPING = (["Standard", "Two-Day", "Overnight"], [0.62, 0.20, 0.18])
SHIPPING_COST_CENTS = np.array([500, 4500, 8000])
RETURN_REASONS = ["Wrong item", "Found a better price", "Damaged in transit",
                  "Product did not match description", "No longer needed", "Defective",
                  "Item arrived late", "Arrived damaged", "Changed mind"]
RETURN_TYPES = (["Refund", "Store Credit", "Exchange"], [0.80, 0.10, 0.10])
CLV_BUCKETS = ["Low", "Medium", "High"]
EVENT_TYPES = ["view", "cart", "remove_from_cart", "purchase"]
EV_VIEW, EV_CART, EV_REMOVE, EV_PURCHASE = 0, 1, 2, 3

# cart status codes
ST_CONVERTED, ST_ABANDONED, ST_EMPTIED, ST_OPEN = 0, 1, 2, 3
STATUS_NAMES = ["converted", "abandoned", "emptied", "open"]
BASE_STATUS_P = [0.10, 0.72, 0.18]
LINE_COUNT_P = [0.25, 0.22, 0.18, 0.15, 0.12, 0.08]      # 1..6 lines
QUANTITY_P = [0.30, 0.28, 0.20, 0.10, 0.08, 0.04]        # 1..6 units

# calendar shape
MONTH_FACTOR = np.array([0.90, 0.85, 0.95, 0.95, 1.0, 0.95, 0.95, 1.0, 0.95, 1.05, 1.45, 1.70])
DOW_FACTOR = np.array([1.0, 0.97, 0.97, 1.0, 1.05, 1.15, 1.20])           # Monday .. Sunday
HOUR_FACTOR = np.array([0.35, 0.22, 0.15, 0.12, 0.12, 0.18, 0.35, 0.60, 0.85, 1.00, 1.10, 1.15,
                        1.20, 1.15, 1.10, 1.10, 1.15, 1.25, 1.40, 1.55, 1.60, 1.45, 1.10, 0.65])

# padding / case variants: (case, left spaces, right spaces); index 0 is the plain lower form
NOISE_VARIANTS = ([(case, n, n) for case in ("lower", "upper", "title") for n in (0, 1, 2)]
                  + [("lower", 1, 2), ("lower", 2, 1)])


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------
def _choice(rng: np.random.Generator, options_p, n: int) -> np.ndarray:
    """Indices drawn from a categorical distribution given as (options, probabilities)."""
    p = np.asarray(options_p[1], dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _unique_ints(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
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


def _seg_starts(counts: np.ndarray) -> np.ndarray:
    """Start offset of each segment in a flat array built with ``np.repeat(..., counts)``."""
    s = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=s[1:])
    return s


def _within(counts: np.ndarray) -> np.ndarray:
    """Position of each flat element inside its segment (0, 1, 2, ... per segment)."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(_seg_starts(counts), counts)


def _seg_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative sum of ``values`` restarting at every segment."""
    cs = np.cumsum(values)
    if cs.size == 0:
        return cs
    starts = _seg_starts(counts)
    before = np.where(starts > 0, cs[np.maximum(starts - 1, 0)], 0)
    return cs - np.repeat(before, counts)


def _seg_sum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sum of ``values`` per segment (empty segments give 0)."""
    seg = np.repeat(np.arange(len(counts)), counts)
    return np.bincount(seg, weights=values, minlength=len(counts)).round().astype(np.int64)


def _n_rare(rng: np.random.Generator, n: int, rate: float, messy: bool) -> int:
    """Binomial count of a rare quirk; at least one when the level is messy and n > 0."""
    if rate <= 0 or n <= 0:
        return 0
    k = int(rng.binomial(n, rate))
    return max(k, 1) if messy else k


def _money(cents: np.ndarray) -> np.ndarray:
    """Integer cents -> ``'25.83'`` / ``'364.0'`` / ``'0.0'`` (at most 2 decimals)."""
    return np.array([repr(x) for x in (np.asarray(cents, dtype=np.float64) / 100.0).tolist()],
                    dtype=object)


def _money2(cents: np.ndarray) -> list[str]:
    """Integer cents -> text with exactly two decimals (``'-3.05'``, ``'0.00'``)."""
    return [("-" if c < 0 else "") + f"{abs(c) // 100}.{abs(c) % 100:02d}"
            for c in np.asarray(cents).tolist()]


def _ts(us: np.ndarray) -> np.ndarray:
    """Microseconds since epoch -> ``YYYY-MM-DDTHH:MM:SS.ffffff``."""
    return np.datetime_as_string(np.asarray(us, dtype=np.int64).astype("datetime64[us]"),
                                 unit="us").astype(object)


def _date(day: np.ndarray) -> np.ndarray:
    """Days since epoch -> ``YYYY-MM-DD``."""
    return np.datetime_as_string(np.asarray(day, dtype=np.int64).astype("datetime64[D]"),
                                 unit="D").astype(object)


def _ids(prefix: str, nums: np.ndarray, width: int = 0) -> np.ndarray:
    s = np.asarray(nums, dtype=np.int64).astype(str)
    if s.size == 0:
        return np.empty(0, dtype=object)
    if width:
        s = np.char.zfill(s, width)
    return np.char.add(prefix, s).astype(object)


def _bool(x: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(x, dtype=bool), "True", "False").astype(object)


def _istr(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=np.int64).astype(str).astype(object)


def _blank(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Copy of an object array with ``None`` (= empty field) where ``mask``."""
    out = np.asarray(values, dtype=object).copy()
    out[np.asarray(mask, dtype=bool)] = None
    return out


def _cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays / scalars (object result)."""
    out = np.asarray(parts[0]).astype(str)
    for p in parts[1:]:
        out = np.char.add(out, np.asarray(p).astype(str))
    return out.astype(object)


def _noisy(rng: np.random.Generator, values: np.ndarray, rate: float,
           keep_plain: bool = False) -> np.ndarray:
    """Apply padding / case noise to a share ``rate`` of non-blank values.

    Selected values get one of ``NOISE_VARIANTS`` (lower / UPPER / Title, 0-2 spaces of
    padding). ``keep_plain=False`` excludes the plain lower form (used for cart statuses, whose
    clean spelling is lower case, so every selected row really changes).
    """
    values = np.asarray(values, dtype=object)
    n = len(values)
    if rate <= 0 or n == 0:
        return values
    out = values.copy()
    present = np.array([v is not None for v in values.tolist()], dtype=bool)
    sel = np.flatnonzero((rng.random(n) < rate) & present)
    first = 0 if keep_plain else 1
    var = rng.integers(first, len(NOISE_VARIANTS), size=sel.size)
    for j in range(first, len(NOISE_VARIANTS)):
        idx = sel[var == j]
        if idx.size == 0:
            continue
        case, left, right = NOISE_VARIANTS[j]
        s = np.asarray(out[idx].tolist(), dtype=str)
        s = {"lower": np.char.lower, "upper": np.char.upper, "title": np.char.title}[case](s)
        out[idx] = _cat(" " * left, s, " " * right) if (left or right) else s.astype(object)
    return out


# --------------------------------------------------------------------------------------------
# Calendar (seasonality, weekly and hourly pattern)
# --------------------------------------------------------------------------------------------
class _Calendar:
    """Hourly activity weights over the window and inverse-CDF sampling of timestamps."""

    def __init__(self, start: dt.date, days: int):
        self.start_day = (start - EPOCH).days
        self.days = days
        self.end_day = self.start_day + days
        self.start_us = self.start_day * DAY_US
        self.end_us = self.end_day * DAY_US
        day_num = self.start_day + np.arange(days)
        dates = day_num.astype("datetime64[D]")
        month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
        dom = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
        dow = (day_num + 3) % 7                                   # 1970-01-01 was a Thursday
        w_day = MONTH_FACTOR[month - 1] * DOW_FACTOR[dow]
        w_day = w_day * np.where((month == 11) & (dom >= 20), 1.35, 1.0)   # Black Friday weeks
        w_day = w_day * np.where((month == 12) & (dom <= 22), 1.25, 1.0)   # Christmas shopping
        w_day = w_day * np.where((month == 12) & (dom >= 24) & (dom <= 26), 0.6, 1.0)
        w = (w_day[:, None] * HOUR_FACTOR[None, :]).ravel()
        self.w = w / w.sum()
        self.cdf = np.concatenate([[0.0], np.cumsum(self.w)])
        self.cdf[-1] = 1.0
        self.hours = len(w)

    def cdf_at(self, t_us: np.ndarray) -> np.ndarray:
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


# --------------------------------------------------------------------------------------------
# Products
# --------------------------------------------------------------------------------------------
@dataclass
class _Products:
    n: int
    category: np.ndarray        # int category index
    subtype: np.ndarray         # global index into code_names
    name: np.ndarray            # object
    price_c: np.ndarray         # int64 cents
    cost_c: np.ndarray
    inventory: np.ndarray
    brand: np.ndarray           # object, lower case
    pop: np.ndarray             # popularity weights (sum 1)
    code_names: list            # category_code per subtype
    code_ids: np.ndarray        # 19-digit category_id per subtype
    sorted_idx: np.ndarray      # products sorted by category
    cum: np.ndarray             # cumulative popularity over sorted_idx
    cat_lo: np.ndarray          # cumulative mass interval of each category
    cat_hi: np.ndarray
    cat_first: np.ndarray       # first / last position of each category in sorted_idx
    cat_last: np.ndarray

    def pick(self, rng: np.random.Generator, cat: np.ndarray) -> np.ndarray:
        """Popularity-weighted products; ``cat`` = category per draw, or -1 for any."""
        cat = np.asarray(cat, dtype=np.int64)
        anyc = cat < 0
        c = np.where(anyc, 0, cat)
        lo = np.where(anyc, 0.0, self.cat_lo[c])
        hi = np.where(anyc, 1.0, self.cat_hi[c])
        x = lo + rng.random(cat.size) * (hi - lo)
        k = np.searchsorted(self.cum, x, side="right")
        k = np.where(anyc, np.clip(k, 0, self.n - 1), np.clip(k, self.cat_first[c], self.cat_last[c]))
        return self.sorted_idx[k]

    def pick_category(self, rng: np.random.Generator, n: int) -> np.ndarray:
        mass = self.cat_hi - self.cat_lo
        return rng.choice(len(mass), size=n, p=mass / mass.sum())


def _make_products(rng: np.random.Generator, n: int) -> _Products:
    ncat = len(CATEGORIES)
    cat_w = np.array([c[1] for c in CATEGORIES])
    category = np.concatenate([np.arange(ncat), rng.choice(ncat, size=n - ncat, p=cat_w / cat_w.sum())])
    code_names, code_cat, first_sub = [], [], []
    for ci, c in enumerate(CATEGORIES):
        first_sub.append(len(code_names))
        for _, code in c[4]:
            code_names.append(code)
            code_cat.append(ci)
    n_sub = np.array([len(c[4]) for c in CATEGORIES])
    sub_local = (rng.random(n) * n_sub[category]).astype(np.int64)
    subtype = np.array(first_sub)[category] + sub_local
    adj = np.empty(n, dtype=object)
    brand = np.empty(n, dtype=object)
    price = np.empty(n)
    for ci, (_, _, (med, sig, lo, hi), adjs, _, brands) in enumerate(CATEGORIES):
        m = category == ci
        k = int(m.sum())
        adj[m] = np.array(adjs, dtype=object)[rng.integers(0, len(adjs), k)]
        brand[m] = np.array(brands, dtype=object)[rng.integers(0, len(brands), k)]
        price[m] = np.clip(med * np.exp(sig * rng.standard_normal(k)), lo, hi)
    nouns = np.array([t for c in CATEGORIES for t, _ in c[4]], dtype=object)
    name = _cat(adj, " ", nouns[subtype])
    price_c = np.maximum(np.round(price * 100).astype(np.int64), 100)
    cost_c = np.round(price_c * rng.uniform(0.35, 0.75, n)).astype(np.int64)
    inventory = rng.integers(0, 251, n)
    ranks = rng.permutation(n)
    pop = (ranks + 1.0) ** -0.8
    pop /= pop.sum()
    code_ids = _unique_ints(rng, len(code_names), 2_000_000_000_000_000_000,
                            2_300_000_000_000_000_000)
    sorted_idx = np.argsort(category, kind="stable")
    cum = np.cumsum(pop[sorted_idx])
    cum /= cum[-1]
    counts = np.bincount(category, minlength=ncat)
    cat_first = _seg_starts(counts)
    cat_last = cat_first + counts - 1
    cat_hi = cum[cat_last]
    cat_lo = np.where(cat_first > 0, cum[np.maximum(cat_first - 1, 0)], 0.0)
    return _Products(n, category, subtype, name, price_c, cost_c, inventory, brand, pop,
                     code_names, code_ids, sorted_idx, cum, cat_lo, cat_hi, cat_first, cat_last)


# --------------------------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------------------------
@dataclass
class _Customers:
    n: int
    is_guest: np.ndarray
    num: np.ndarray             # numeric part of customer_id (= event user_id)
    cid: np.ndarray             # object: CUST-… / GUEST-…
    email: np.ndarray
    signup_day: np.ndarray      # days since epoch, -1 for guests
    lo_us: np.ndarray           # earliest activity (window start or signup)
    tier: np.ndarray            # object, None for guests
    mailing: np.ndarray
    billing: np.ndarray
    cols: dict                  # text columns (clv_bucket filled in later)


def _addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    num = rng.integers(1, 99999, n)
    street = STREET_NAMES[rng.integers(0, len(STREET_NAMES), n)]
    suffix = STREET_SUFFIXES[rng.integers(0, len(STREET_SUFFIXES), n)]
    unit_kind = rng.random(n)
    unit_no = np.char.zfill(rng.integers(1, 999, n).astype(str), 3)
    unit = np.where(unit_kind < 0.15, np.char.add(" Apt. ", unit_no),
                    np.where(unit_kind < 0.25, np.char.add(" Suite ", unit_no), ""))
    city = CITIES[rng.integers(0, len(CITIES), n)]
    state = STATES[rng.integers(0, len(STATES), n)]
    zipc = np.char.zfill(rng.integers(501, 99951, n).astype(str), 5)
    return _cat(num, " ", street, " ", suffix, unit, ", ", city, ", ", state, " ", zipc)


def _phones(rng: np.random.Generator, n: int) -> np.ndarray:
    a = rng.integers(201, 990, n).astype(str)
    b = np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)
    c = np.char.zfill(rng.integers(0, 10000, n).astype(str), 4)
    x = rng.integers(10, 99999, n).astype(str)
    fmt = rng.integers(0, 5, n)
    forms = [
        _cat("001-", a, "-", b, "-", c),
        _cat("(", a, ")", b, "-", c),
        _cat(a, ".", b, ".", c),
        _cat("+1-", a, "-", b, "-", c, "x", x),
        _cat(a, "-", b, "-", c),
    ]
    return np.choose(fmt, forms).astype(object)


def _dedupe_emails(email: np.ndarray) -> np.ndarray:
    """Make e-mail addresses unique by appending a counter before the @ of repeats."""
    email = np.asarray(email, dtype=object)
    order = np.argsort(email, kind="stable")
    srt = email[order]
    new_grp = np.ones(len(srt), dtype=bool)
    new_grp[1:] = srt[1:] != srt[:-1]
    grp_start = np.maximum.accumulate(np.where(new_grp, np.arange(len(srt)), 0))
    k = np.empty(len(srt), dtype=np.int64)
    k[order] = np.arange(len(srt)) - grp_start
    out = email.copy()
    dup = np.flatnonzero(k > 0)
    for i in dup.tolist():            # only repeated addresses (a small share)
        local, dom = out[i].split("@")
        out[i] = f"{local}{k[i] + 1}@{dom}"
    return out


def _make_customers(rng: np.random.Generator, n: int, cal: _Calendar, mess: Mess) -> _Customers:
    n_guest = int(round(0.4 * n))
    n_reg = n - n_guest
    is_guest = np.concatenate([np.zeros(n_reg, bool), np.ones(n_guest, bool)])
    num = np.concatenate([REGISTERED_BASE + np.arange(n_reg), GUEST_BASE + np.arange(n_guest)])
    cid = np.concatenate([_ids("CUST-", num[:n_reg]), _ids("GUEST-", num[n_reg:])])
    reg = ~is_guest

    first = FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), n)]
    last = LAST_NAMES[rng.integers(0, len(LAST_NAMES), n)]
    lf, ll = np.char.lower(first), np.char.lower(last)
    reg_email = _cat(lf, ".", ll, "@", EMAIL_DOMAINS[rng.integers(0, len(EMAIL_DOMAINS), n)])
    two = rng.integers(10, 99, n).astype(str)
    gdom = GUEST_DOMAINS[rng.integers(0, len(GUEST_DOMAINS), n)]
    gform = rng.integers(0, 3, n)
    guest_email = np.choose(gform, [_cat(lf, ll, "@", gdom), _cat(ll, lf, "@", gdom),
                                    _cat(lf, two, "@", gdom)])
    email = _dedupe_emails(np.where(reg, reg_email, guest_email).astype(object))

    before = rng.random(n) < 0.45
    signup_day = np.where(before, cal.start_day - rng.integers(1, 1096, n),
                          cal.start_day + rng.integers(0, cal.days, n))
    signup_day = np.where(reg, signup_day, -1)
    lo_us = np.where(reg, np.maximum(signup_day * DAY_US, cal.start_us), cal.start_us)

    tier_i = rng.choice(4, size=n, p=TIER_P)
    init_i = np.clip(tier_i - (rng.random(n) < 0.35) + (rng.random(n) < 0.10), 0, 3)
    tiers = np.array(TIERS, dtype=object)
    enrolled = reg & (rng.random(n) >= mess.not_enrolled)
    last_day = cal.end_day - 1
    span = np.maximum(np.minimum(last_day - signup_day, 365), 0)
    enroll_day = signup_day + (rng.random(n) * (span + 1)).astype(np.int64)
    age = rng.integers(18, 76, n)
    age_txt = np.char.add(age.astype(str), ".0").astype(object)
    guest_age = np.where(rng.random(n) < mess.guest_age_nan, "nan", None)
    age_txt = np.where(reg, age_txt, guest_age)
    verified = np.where(reg, rng.random(n) < 0.7, rng.random(n) < 0.1)
    opt_in = np.where(reg, rng.random(n) < 0.35, rng.random(n) < 0.15)
    status = np.array(CUSTOMER_STATUSES[0], dtype=object)[_choice(rng, CUSTOMER_STATUSES, n)]
    status = np.where(reg, status, "Guest").astype(object)
    mailing = _addresses(rng, n)
    billing = np.where(rng.random(n) < 0.88, mailing, _addresses(rng, n)).astype(object)
    g = is_guest
    cols = {
        "customer_id": cid,
        "first_name": _blank(first.astype(object), g),
        "last_name": _blank(last.astype(object), g),
        "email": email,
        "phone_number": _blank(_phones(rng, n), g),
        "signup_date": _blank(_date(np.maximum(signup_day, 0)), g),
        "gender": _blank(np.array(GENDERS[0], dtype=object)[_choice(rng, GENDERS, n)], g),
        "age": age_txt,
        "is_guest": _bool(is_guest),
        "customer_status": _noisy(rng, status, mess.text_noise, keep_plain=True),
        "signup_channel": _blank(np.array(SIGNUP_CHANNELS[0], dtype=object)[
            _choice(rng, SIGNUP_CHANNELS, n)], g),
        "loyalty_tier": _blank(tiers[tier_i], g),
        "initial_loyalty_tier": _blank(tiers[init_i], ~enrolled),
        "email_verified": _blank(_bool(verified), rng.random(n) < mess.blank_bool),
        "marketing_opt_in": _blank(_bool(opt_in), rng.random(n) < mess.blank_bool),
        "mailing_address": mailing,
        "billing_address": billing,
        "loyalty_enrollment_date": _blank(_date(np.maximum(enroll_day, 0)), ~enrolled),
    }
    return _Customers(n, is_guest, num, cid, email, signup_day, lo_us,
                      np.where(reg, tiers[tier_i], None), mailing, billing, cols)


# --------------------------------------------------------------------------------------------
# Carts
# --------------------------------------------------------------------------------------------
@dataclass
class _Carts:
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
        return len(self.cust)

    def updated(self) -> np.ndarray:
        return self.created + self.dur * SEC_US

    def order_us(self) -> np.ndarray:
        return self.updated() + self.gap * SEC_US

    def take(self, idx: np.ndarray) -> "_Carts":
        idx = np.asarray(idx, dtype=np.int64)
        return _Carts(self.cust[idx], self.status[idx], self.created[idx], self.n_lines[idx],
                      _take_flat(self.line_off, self.n_lines, idx), self.n_ph[idx],
                      _take_flat(self.ph_off, self.n_ph, idx), self.dur[idx], self.gap[idx],
                      self.focus[idx])

    @staticmethod
    def concat(parts: list["_Carts"]) -> "_Carts":
        f = [np.concatenate([getattr(p, k) for p in parts]) for k in
             ("cust", "status", "created", "n_lines", "line_off", "n_ph", "ph_off", "dur",
              "gap", "focus")]
        return _Carts(*f)


def _take_flat(flat: np.ndarray, counts: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Flat segments of the rows ``idx`` (in that order)."""
    starts = _seg_starts(counts)[idx]
    c = counts[idx]
    pos = np.repeat(starts, c) + _within(c)
    return flat[pos]


def _cart_shapes(rng: np.random.Generator, cust: np.ndarray, status: np.ndarray,
                 products: _Products) -> _Carts:
    """Lines, timings and order gap of new carts (created_at still to be placed)."""
    n = len(cust)
    lined = status != ST_EMPTIED
    n_lines = np.where(lined, rng.choice(6, size=n, p=LINE_COUNT_P) + 1, 0)
    n_ph = np.where(lined, 0, rng.integers(1, 4, n))

    def offsets(counts):
        tot = int(counts.sum())
        first = _within(counts) == 0
        g = np.where(first, rng.integers(5, 120, tot), np.ceil(rng.exponential(150.0, tot)) + 2)
        return _seg_cumsum(g.astype(np.int64), counts)

    line_off = offsets(n_lines)
    ph_off = offsets(n_ph)
    last_line = np.zeros(n, dtype=np.int64)
    has = n_lines > 0
    last_line[has] = line_off[_seg_starts(n_lines)[has] + n_lines[has] - 1]
    last_ph = np.zeros(n, dtype=np.int64)
    hp = n_ph > 0
    last_ph[hp] = ph_off[_seg_starts(n_ph)[hp] + n_ph[hp] - 1]
    dur = np.where(lined, last_line + rng.integers(0, 600, n), last_ph + rng.integers(30, 1800, n))
    gap = np.clip(np.round(np.exp(np.log(1500.0) + 1.2 * rng.standard_normal(n))), 90, 30 * 3600)
    late = rng.random(n) < 0.04
    gap = np.where(late, rng.integers(DAY_S, 2 * DAY_S, n), gap).astype(np.int64)
    gap = np.where(status == ST_CONVERTED, gap, 0)
    focus = products.pick_category(rng, n)
    return _Carts(cust.astype(np.int64), status.astype(np.int8), np.zeros(n, np.int64),
                  n_lines, line_off, n_ph, ph_off, dur.astype(np.int64), gap, focus)


def _make_carts(rng: np.random.Generator, cus: _Customers, products: _Products,
                cal: _Calendar, mess: Mess) -> _Carts:
    """Base carts, forced/natural open carts and the follow-up (return / repeat) carts."""
    lam = rng.gamma(2.0, 2.4 / 2.0, cus.n)
    k = rng.poisson(lam)
    cust = np.repeat(np.arange(cus.n), k)
    status = rng.choice(3, size=cust.size, p=BASE_STATUS_P)
    base = _cart_shapes(rng, cust, status, products)
    lo = cus.lo_us[cust]
    span_us = (base.dur + base.gap + 1) * SEC_US
    hi = cal.end_us - span_us - SEC_US
    valid = hi > lo
    base.created = cal.sample(rng, lo, np.maximum(hi, lo))
    # quirk: carts (hence their orders) dated before the customer's signup date
    if mess.before_signup > 0:
        signup_us = cus.signup_day[cust] * DAY_US
        elig = (~cus.is_guest[cust]) & (signup_us > cal.start_us + DAY_US) & valid
        if elig.any():
            p = min(1.0, mess.before_signup * cust.size / elig.sum())
            pick = elig & (rng.random(cust.size) < p)
            bs_hi = np.minimum(signup_us - SEC_US, hi)
            t = cal.sample(rng, np.full(cust.size, cal.start_us), np.maximum(bs_hi, cal.start_us))
            base.created = np.where(pick, t, base.created)
    # natural open carts: abandoned with activity in the last 36 h
    upd = base.updated()
    base.status = np.where((base.status == ST_ABANDONED) & (upd >= cal.end_us - 36 * HOUR_US),
                           ST_OPEN, base.status).astype(np.int8)
    # forced open carts: some older than 24 h, some younger
    elig = np.flatnonzero(valid & (base.status == ST_ABANDONED)
                          & (lo <= cal.end_us - 4 * DAY_US) & (base.dur < 20 * 3600))
    n_fo = min(elig.size, max(2, int(round(0.004 * cust.size))))
    if n_fo:
        pick = rng.choice(elig, size=n_fo, replace=False)
        old = np.arange(n_fo) % 2 == 0
        age = np.where(old, rng.integers(25 * 3600, 72 * 3600, n_fo),
                       rng.integers(300, 23 * 3600, n_fo)) * SEC_US
        created = cal.end_us - age - base.dur[pick] * SEC_US
        ok = created >= lo[pick]
        base.created[pick[ok]] = created[ok]
        base.status[pick[ok]] = ST_OPEN
    base = base.take(np.flatnonzero(valid))

    # follow-up A: abandoners come back (quick: order within 7 days; late: after > 7 days)
    ab = np.flatnonzero(base.status == ST_ABANDONED)
    r = rng.random(ab.size)
    quick, late = ab[r < 0.30], ab[(r >= 0.30) & (r < 0.40)]
    par = np.concatenate([quick, late])
    fa = _cart_shapes(rng, base.cust[par], np.zeros(par.size, np.int8), products)
    is_quick = np.arange(par.size) < quick.size
    budget = 7 * DAY_S - 60
    g1 = np.where(is_quick, (rng.uniform(0.002, 0.7, par.size) * budget).astype(np.int64),
                  rng.integers(int(7.2 * DAY_S), 45 * DAY_S, par.size))
    room = budget - g1 - fa.dur
    fa.gap = np.where(is_quick, np.clip(fa.gap, 60, np.maximum(room, 60)), fa.gap)
    fa.created = base.updated()[par] + g1 * SEC_US + rng.integers(0, SEC_US, par.size)
    ok = (fa.order_us() < cal.end_us) & (~is_quick | (room >= 60))
    fa = fa.take(np.flatnonzero(ok))

    # follow-up B: another converted cart of the same customer 0-3 days later
    conv = _Carts.concat([base, fa])
    cidx = np.flatnonzero(conv.status == ST_CONVERTED)
    par = cidx[rng.random(cidx.size) < 0.045]
    fb = _cart_shapes(rng, conv.cust[par], np.zeros(par.size, np.int8), products)
    p_created, p_order = conv.created[par], conv.order_us()[par]
    lo_b = p_order + MIN_US
    hi_b = np.maximum(p_created + 3 * DAY_US, lo_b + 2 * MIN_US)
    fb.created = lo_b + (rng.random(par.size) * (hi_b - lo_b)).astype(np.int64)
    fb = fb.take(np.flatnonzero(fb.order_us() < cal.end_us))

    allc = _Carts.concat([base, fa, fb])
    return allc.take(np.argsort(allc.created, kind="stable"))


# --------------------------------------------------------------------------------------------
# Assemble commerce tables
# --------------------------------------------------------------------------------------------
def _dup_rows(rng: np.random.Generator, n: int, rate: float, messy: bool) -> np.ndarray:
    """Row order with a few rows repeated right after themselves (exact duplicates)."""
    k = _n_rare(rng, n, rate, messy)
    if k == 0:
        return np.arange(n)
    dup = np.sort(rng.choice(n, size=k, replace=False))
    key = np.concatenate([np.arange(n) * 2, dup * 2 + 1])
    src = np.concatenate([np.arange(n), dup])
    return src[np.argsort(key, kind="stable")]


def _build_commerce(rngs, cus: _Customers, prod: _Products, carts: _Carts, cal: _Calendar,
                    mess: Mess) -> tuple[dict, dict]:
    """Return (tables, extras): text columns per table, and arrays needed by the events."""
    rng_c, rng_o, rng_r = rngs
    tables: dict[str, dict] = {}
    messy = mess.messy

    # ---- products
    tables["product_catalog"] = {
        "product_id": _istr(np.arange(1, prod.n + 1)),
        "product_name": _noisy(rng_c, prod.name, mess.text_noise, keep_plain=True),
        "category": np.array([c[0] for c in CATEGORIES], dtype=object)[prod.category],
        "unit_price": _money(prod.price_c),
        "cost_price": _money(prod.cost_c),
        "inventory_quantity": _istr(prod.inventory),
    }

    # ---- cart lines (products, repeated products, quantities)
    K = carts.n
    line_cart = np.repeat(np.arange(K), carts.n_lines)
    j = _within(carts.n_lines)
    L = line_cart.size
    use_focus = rng_c.random(L) < 0.75
    lprod = prod.pick(rng_c, np.where(use_focus, carts.focus[line_cart], -1))
    starts = _seg_starts(carts.n_lines)[line_cart]
    for pos in range(1, 6):                                   # repeat an earlier product
        m = (j == pos) & (rng_c.random(L) < 0.12)
        src = starts + (rng_c.random(L) * pos).astype(np.int64)
        lprod[m] = lprod[src[m]]
    qty = rng_c.choice(6, size=L, p=QUANTITY_P) + 1
    lprice = prod.price_c[lprod]
    cart_total = _seg_sum(qty * lprice, carts.n_lines)
    added_us = carts.created[line_cart] + carts.line_off * SEC_US
    updated_us = carts.updated()

    cart_nums = _unique_ints(rng_c, K, 0, 100_000_000)
    cart_id = _ids("CART-", cart_nums, 8)
    status_txt = np.array(STATUS_NAMES, dtype=object)[carts.status]
    tables["shopping_carts"] = {
        "cart_id": cart_id,
        "customer_id": cus.cid[carts.cust],
        "created_at": _ts(carts.created),
        "updated_at": _blank(_ts(updated_us), rng_c.random(K) < mess.blank_ts),
        "cart_total": _money(cart_total),
        "status": _noisy(rng_c, status_txt, mess.status_noise),
    }
    rows = _dup_rows(rng_c, L, mess.dup_cart_items, messy)
    cat_names = np.array([c[0] for c in CATEGORIES], dtype=object)
    ci = {
        "cart_item_id": _istr(np.arange(1, L + 1)),
        "cart_id": cart_id[line_cart],
        "product_id": _istr(lprod + 1),
        "product_name": _noisy(rng_c, prod.name[lprod], mess.text_noise, keep_plain=True),
        "category": cat_names[prod.category[lprod]],
        "added_at": _blank(_ts(added_us), rng_c.random(L) < mess.blank_ts),
        "quantity": _istr(qty),
        "unit_price": _money(lprice),
    }
    tables["cart_items"] = {k: v[rows] for k, v in ci.items()}

    # ---- orders
    conv = np.flatnonzero(carts.status == ST_CONVERTED)
    order_us_all = carts.order_us()
    o_us = order_us_all[conv] + rng_o.integers(0, SEC_US, conv.size)
    oo = np.argsort(o_us, kind="stable")
    conv, o_us = conv[oo], o_us[oo]
    O = conv.size
    order_of_cart = np.full(K, -1, dtype=np.int64)
    order_of_cart[conv] = np.arange(O)
    lm = order_of_cart[line_cart] >= 0
    key_o = order_of_cart[line_cart][lm]
    key_p = lprod[lm]
    ordk = np.lexsort((key_p, key_o))
    ko, kp, kq = key_o[ordk], key_p[ordk], qty[lm][ordk]
    newg = np.ones(ko.size, dtype=bool)
    newg[1:] = (ko[1:] != ko[:-1]) | (kp[1:] != kp[:-1])
    gid = np.cumsum(newg) - 1
    oi_order = ko[newg]
    oi_prod = kp[newg]
    oi_qty = np.bincount(gid, weights=kq).astype(np.int64) if ko.size else np.zeros(0, np.int64)
    oi_price = prod.price_c[oi_prod]
    oi_gross = oi_qty * oi_price
    n_oi = np.bincount(oi_order, minlength=O)
    has_disc = rng_o.random(O) < 0.30
    pct = np.where(has_disc, rng_o.uniform(0.02, 0.20, O), 0.0)
    oi_disc = np.round(oi_gross * pct[oi_order]).astype(np.int64)
    gross = cart_total[conv]
    disc = _seg_sum(oi_disc, n_oi)
    net = gross - disc
    total_items = _seg_sum(oi_qty, n_oi)
    if mess.double_month and O:
        months = np.unique(o_us.astype("datetime64[us]").astype("datetime64[M]"))
        month = months[rng_o.integers(0, months.size)]
        in_month = o_us.astype("datetime64[us]").astype("datetime64[M]") == month
        total_items = np.where(in_month, total_items * 2, total_items)
    ocust = carts.cust[conv]
    chan = _choice(rng_o, ORDER_CHANNELS, O)
    chan_txt = np.array(ORDER_CHANNELS[0], dtype=object)[chan]
    phone = chan_txt == "Phone"
    agent = np.where(phone, _ids("CSR-", rng_o.integers(1, 21, O), 4), "ONLINE").astype(object)
    agent = _blank(agent, phone & (rng_o.random(O) < mess.blank_agent))
    pay = _choice(rng_o, PAYMENT_METHODS, O)
    ship = _choice(rng_o, SHIPPING, O)
    ship_c = SHIPPING_COST_CENTS[ship]
    expedited = (ship == 2) | ((ship == 1) & (rng_o.random(O) < 0.3))
    actual_ship = np.round(ship_c * rng_o.uniform(0.7, 0.97, O)).astype(np.int64)
    fee = np.round(net * PAYMENT_FEE_RATE[pay]).astype(np.int64)
    # customer value (net spend) -> clv buckets; guest tier from order value
    spend = np.bincount(ocust, weights=net, minlength=cus.n)
    clv_i = np.where(spend < 30000, 0, np.where(spend < 120000, 1, 2))
    clv_txt = np.array(CLV_BUCKETS, dtype=object)[clv_i]
    cus.cols["clv_bucket"] = _blank(clv_txt, cus.is_guest)
    guest_tier = np.array(TIERS, dtype=object)[np.searchsorted([15000, 50000, 100000], gross,
                                                               side="right")]
    tier = np.where(cus.is_guest[ocust], guest_tier, cus.tier[ocust]).astype(object)
    # re-activation: previous order of the customer more than 120 days earlier
    byc = np.lexsort((o_us, ocust))
    prev_gap = np.full(O, 0, dtype=np.int64)
    same = np.zeros(O, dtype=bool)
    if O > 1:
        same[byc[1:]] = ocust[byc[1:]] == ocust[byc[:-1]]
        prev_gap[byc[1:]] = o_us[byc[1:]] - o_us[byc[:-1]]
    react = same & (prev_gap > 120 * DAY_US)
    order_nums = _unique_ints(rng_o, O, 0, 100_000_000)
    order_id = _ids("ORD-", order_nums, 8)
    odate = _ts(o_us)
    if mess.order_date_space > 0 and O:
        sp = rng_o.random(O) < mess.order_date_space
        sp[rng_o.integers(0, O)] = True
        odate = np.where(sp, np.char.replace(odate.astype(str), "T", " "), odate).astype(object)
    ship_addr = np.where(rng_o.random(O) < 0.9, cus.mailing[ocust], cus.billing[ocust]).astype(object)
    tables["orders"] = {
        "order_id": order_id,
        "total_items": _istr(total_items),
        "order_date": odate,
        "customer_id": cus.cid[ocust],
        "email": cus.email[ocust],
        "order_channel": chan_txt,
        "is_expedited": _bool(expedited),
        "customer_tier": tier,
        "gross_total": _money(gross),
        "net_total": _money(net),
        "total_discount_amount": _money(disc),
        "payment_method": _noisy(rng_o, np.array(PAYMENT_METHODS[0], dtype=object)[pay],
                                 mess.text_noise, keep_plain=True),
        "shipping_speed": _noisy(rng_o, np.array(SHIPPING[0], dtype=object)[ship],
                                 mess.text_noise, keep_plain=True),
        "shipping_cost": _money(ship_c),
        "agent_id": agent,
        "actual_shipping_cost": _money(actual_ship),
        "payment_processing_fee": _money(fee),
        "shipping_address": ship_addr,
        "billing_address": cus.billing[ocust],
        "clv_bucket": _noisy(rng_o, clv_txt[ocust], mess.text_noise, keep_plain=True),
        "is_reactivated": _bool(react),
    }
    tables["order_items"] = {
        "order_id": order_id[oi_order],
        "product_id": _istr(oi_prod + 1),
        "product_name": _noisy(rng_o, prod.name[oi_prod], mess.text_noise, keep_plain=True),
        "category": cat_names[prod.category[oi_prod]],
        "quantity": _istr(oi_qty),
        "unit_price": _money(oi_price),
        "discount_amount": _money(oi_disc),
        "cost_price": _money(prod.cost_c[oi_prod]),
    }

    # ---- returns
    o_day = o_us // DAY_US
    elig = np.flatnonzero(o_day + 3 < cal.end_day - 1)
    ret_o = elig[rng_r.random(elig.size) < 0.15]
    R = ret_o.size
    max_delay = np.minimum(45, cal.end_day - 1 - o_day[ret_o])
    delay = 2 + (rng_r.random(R) * (max_delay - 1)).astype(np.int64)
    r_day = o_day[ret_o] + np.minimum(delay, max_delay)
    r_ord = np.argsort(r_day, kind="stable")
    ret_o, r_day = ret_o[r_ord], r_day[r_ord]
    rtype = _choice(rng_r, RETURN_TYPES, R)
    # lines of the returned orders
    oi_start = _seg_starts(n_oi)
    cnt = n_oi[ret_o]
    ri_line = np.repeat(oi_start[ret_o], cnt) + _within(cnt)
    ri_ret = np.repeat(np.arange(R), cnt)
    take = rng_r.random(ri_line.size) < 0.5
    forced = _seg_starts(cnt) + (rng_r.random(R) * cnt).astype(np.int64)
    take[forced] = True
    ri_line, ri_ret = ri_line[take], ri_ret[take]
    q_ret = 1 + (rng_r.random(ri_line.size) * oi_qty[ri_line]).astype(np.int64)
    refund = q_ret * oi_price[ri_line] - np.round(oi_disc[ri_line] * q_ret / oi_qty[ri_line]).astype(np.int64)
    refund = np.where(rtype[ri_ret] == 2, 0, refund)              # exchanges refund nothing
    r_refund = _seg_sum(refund, np.bincount(ri_ret, minlength=R))
    r_chan = np.where(rng_r.random(R) < 0.8, chan[ret_o], _choice(rng_r, ORDER_CHANNELS, R))
    r_chan_txt = np.array(ORDER_CHANNELS[0], dtype=object)[r_chan]
    r_agent = np.where(r_chan_txt == "Phone", _ids("CSR-", rng_r.integers(1, 21, R), 4),
                       "ONLINE").astype(object)
    refund_method = np.where(rtype == 1, "Store Credit",
                             np.array(PAYMENT_METHODS[0], dtype=object)[pay[ret_o]]).astype(object)
    ret_id = _ids("RTN-", _unique_ints(rng_r, R, 0, 100_000_000), 8)
    rcust = ocust[ret_o]
    tables["returns"] = {
        "return_id": ret_id,
        "order_id": order_id[ret_o],
        "customer_id": cus.cid[rcust],
        "email": cus.email[rcust],
        "return_date": _date(r_day),
        "reason": _noisy(rng_r, np.array(RETURN_REASONS, dtype=object)[
            rng_r.integers(0, len(RETURN_REASONS), R)], mess.text_noise, keep_plain=True),
        "return_type": _noisy(rng_r, np.array(RETURN_TYPES[0], dtype=object)[rtype],
                              mess.text_noise, keep_plain=True),
        "refunded_amount": _money(r_refund),
        "return_channel": _noisy(rng_r, r_chan_txt, mess.text_noise, keep_plain=True),
        "agent_id": r_agent,
        "refund_method": refund_method,
    }
    rp = oi_prod[ri_line]
    tables["return_items"] = {
        "return_item_id": _istr(np.arange(1, ri_line.size + 1)),
        "return_id": ret_id[ri_ret],
        "order_id": order_id[ret_o][ri_ret],
        "product_id": _istr(rp + 1),
        "product_name": _noisy(rng_r, prod.name[rp], mess.text_noise, keep_plain=True),
        "category": cat_names[prod.category[rp]],
        "quantity_returned": _istr(q_ret),
        "unit_price": _money(oi_price[ri_line]),
        "cost_price": _money(prod.cost_c[rp]),
        "refunded_amount": _money(refund),
    }
    tables["customers"] = cus.cols

    extras = dict(line_cart=line_cart, lprod=lprod, added_us=added_us, updated_us=updated_us,
                  conv=conv, o_us=o_us, oi_order=oi_order, oi_prod=oi_prod)
    return tables, extras


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------
def _uuid_strings(rng: np.random.Generator, n: int) -> pa.Array:
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


def _session_times(rng, cal: _Calendar, lengths: np.ndarray, lo_us: np.ndarray) -> np.ndarray:
    """Event times (whole seconds since window start) for sessions of given lengths."""
    tot = int(lengths.sum())
    first = _within(lengths) == 0
    gaps = np.where(rng.random(tot) < 0.35, 0, np.ceil(rng.exponential(45.0, tot)))
    gaps = np.minimum(gaps, 1800).astype(np.int64)
    gaps[first] = 0
    rel = _seg_cumsum(gaps, lengths)
    span = np.zeros(len(lengths), dtype=np.int64)
    nz = lengths > 0
    span[nz] = rel[_seg_starts(lengths)[nz] + lengths[nz] - 1]
    hi = np.maximum(cal.end_us - (span + 1) * SEC_US, lo_us)
    start = (cal.sample(rng, lo_us, hi) - cal.start_us) // SEC_US
    t = np.repeat(start, lengths) + rel
    return np.clip(t, 0, cal.days * DAY_S - 1)


def _separate_identical(t, typ, pr, usr, ses, t_max: int) -> None:
    """Move events that would be exact duplicates (same second, type, product, user, session;
    e.g. a product viewed twice within one second) by one second, in place, so that the only
    exact duplicate rows are the ones added on purpose by the messiness settings."""
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


def _make_events(rng: np.random.Generator, n_events: int, cus: _Customers, prod: _Products,
                 carts: _Carts, ex: dict, cal: _Calendar, mess: Mess) -> dict:
    """Event arrays (sorted, duplicates included): t, type, product, user, uuid index."""
    messy = mess.messy
    n_dup = _n_rare(rng, n_events, mess.dup_events, messy) if n_events > 1 else 0
    n_target = n_events - n_dup
    start_s = cal.start_us // SEC_US
    to_rel = lambda us: us // SEC_US - start_s                     # noqa: E731

    parts = []          # (t, type, product, user, session, priority)
    K = carts.n
    sess_next = 0
    cart_sess = np.arange(K, dtype=np.int64)
    sess_next += K
    user_of_cart = cus.num[carts.cust]
    # cart lines: views before, cart event at added_at
    lc = ex["line_cart"]
    nv = rng.choice(4, size=lc.size, p=[0.2, 0.4, 0.25, 0.15])
    add_s = to_rel(ex["added_us"])
    v_line = np.repeat(np.arange(lc.size), nv)
    v_back = _seg_cumsum(rng.integers(3, 240, v_line.size), nv)
    v_t = np.maximum(add_s[v_line] - v_back, 0)
    parts.append((v_t, EV_VIEW, ex["lprod"][v_line], user_of_cart[lc[v_line]],
                  cart_sess[lc[v_line]], 2))
    parts.append((add_s, EV_CART, ex["lprod"], user_of_cart[lc], cart_sess[lc], 0))
    # emptied carts: cart + remove_from_cart of phantom lines
    ph_cart = np.repeat(np.arange(K), carts.n_ph)
    ph_prod = prod.pick(rng, np.where(rng.random(ph_cart.size) < 0.75, carts.focus[ph_cart], -1))
    ph_add = to_rel(carts.created[ph_cart]) + carts.ph_off
    ph_rm = to_rel(ex["updated_us"][ph_cart])
    for t, et in ((ph_add, EV_CART), (ph_rm, EV_REMOVE)):
        parts.append((t, et, ph_prod, user_of_cart[ph_cart], cart_sess[ph_cart], 0))
    # purchases at the order time (same session if within 30 min of the cart's last activity)
    conv, o_us = ex["conv"], ex["o_us"]
    new_sess = (o_us - ex["updated_us"][conv]) > 30 * MIN_US
    p_sess = np.where(new_sess, sess_next + np.arange(conv.size), cart_sess[conv])
    sess_next += conv.size
    oi = ex["oi_order"]
    parts.append((to_rel(o_us)[oi], EV_PURCHASE, ex["oi_prod"], user_of_cart[conv][oi],
                  p_sess[oi], 0))
    # browsing sessions of every customer
    nb = 1 + rng.poisson(0.8, cus.n)
    b_cust = np.repeat(np.arange(cus.n), nb)
    b_len = rng.geometric(1 / 3.0, b_cust.size).clip(1, 60)
    b_t = _session_times(rng, cal, b_len, cus.lo_us[b_cust])
    b_sess_i = np.repeat(np.arange(b_cust.size), b_len)
    b_focus = prod.pick_category(rng, b_cust.size)
    b_prod = prod.pick(rng, np.where(rng.random(b_t.size) < 0.7, b_focus[b_sess_i], -1))
    first_view = np.zeros(b_t.size, dtype=bool)
    first_view[_seg_starts(b_len)[_within(nb) == 0]] = True
    parts.append((b_t, EV_VIEW, b_prod, cus.num[b_cust][b_sess_i], sess_next + b_sess_i,
                  np.where(first_view, 1, 3)))
    sess_next += b_cust.size
    n_cust_sessions = sess_next

    def cat(i, dtype):
        return np.concatenate([np.broadcast_to(np.asarray(p[i]), np.shape(p[0])).astype(dtype)
                               for p in parts])
    t = cat(0, np.int64)
    typ = cat(1, np.int8)
    pr = cat(2, np.int32)
    usr = cat(3, np.int64)
    ses = cat(4, np.int64)
    prio = cat(5, np.int8)
    del parts
    if t.size > n_target:           # cap: drop low-priority linked events first
        keep = np.lexsort((rng.random(t.size), prio))[:n_target]
        keep.sort()
        t, typ, pr, usr, ses = t[keep], typ[keep], pr[keep], usr[keep], ses[keep]
    del prio

    # anonymous traffic
    R = n_target - t.size
    if R > 0:
        lens = []
        got = 0
        while got < R:
            draw = np.minimum(rng.geometric(1 / 2.8, int(R / 2.8 * 1.05) + 32), 300)
            lens.append(draw)
            got += int(draw.sum())
        lens = np.concatenate(lens)
        cs = np.cumsum(lens)
        ns = int(np.searchsorted(cs, R, side="left")) + 1
        lens = lens[:ns].copy()
        lens[-1] -= int(cs[ns - 1] - R)
        a_t = _session_times(rng, cal, lens, np.full(ns, cal.start_us))
        a_si = np.repeat(np.arange(ns, dtype=np.int64), lens)
        first = _within(lens) == 0
        u = rng.random(R)
        a_typ = np.where(u < 0.885, EV_VIEW, np.where(u < 0.945, EV_CART,
                         np.where(u < 0.99, EV_PURCHASE, EV_REMOVE))).astype(np.int8)
        a_typ[first] = EV_VIEW
        del u
        focus = prod.pick_category(rng, ns)
        a_pr = prod.pick(rng, np.where(rng.random(R) < 0.75, focus[a_si], -1)).astype(np.int32)
        is_view = a_typ == EV_VIEW
        last_view = np.maximum.accumulate(np.where(is_view, np.arange(R), 0))
        a_pr = a_pr[last_view]                # cart / purchase / remove act on the last view
        del last_view, is_view, first
        nu = max(1, int(np.ceil(ns / 1.3)))
        n19 = int(round(nu * 0.25))
        uid = np.concatenate([
            _unique_ints(rng, nu - n19, 100_000_000, 2_000_000_000),
            _unique_ints(rng, n19, 1_515_915_625_000_000_000, 1_515_915_626_000_000_000)])
        uid = uid[rng.permutation(nu)]
        sess_user = uid[rng.integers(0, nu, ns)]
        t = np.concatenate([t, a_t])
        typ = np.concatenate([typ, a_typ])
        pr = np.concatenate([pr, a_pr])
        usr = np.concatenate([usr, sess_user[a_si]])
        ses = np.concatenate([ses, n_cust_sessions + a_si])
        del a_t, a_typ, a_pr, a_si
        n_sess = n_cust_sessions + ns
    else:
        ns, sess_user = 0, np.zeros(0, np.int64)
        n_sess = n_cust_sessions

    _separate_identical(t, typ, pr, usr, ses, cal.days * DAY_S - 1)

    # session id table, shared ids across users (anonymous sessions)
    uuid_of = np.arange(n_sess, dtype=np.int64)
    n_sh = _n_rare(rng, ns, mess.shared_session, messy) if ns >= 2 else 0
    if n_sh:
        a = rng.choice(ns, size=n_sh, replace=False)
        b = rng.integers(0, ns, n_sh)
        ok = (sess_user[a] != sess_user[b]) & (a != b)
        uuid_of[n_cust_sessions + a[ok]] = uuid_of[n_cust_sessions + b[ok]]

    # duplicates, then sort by (second, event-type rank, generation order)
    N = t.size
    if n_dup and N:
        dup = rng.choice(N, size=min(n_dup, N), replace=False)
        src = np.concatenate([np.arange(N), dup])
    else:
        src = np.arange(N)
    rank = np.array([0, 1, 2, 3], dtype=np.int64)[typ[src]]
    key = (t[src] << 34) | (rank << 32) | (src & 0xFFFFFFFF)
    del rank
    order = src[np.argsort(key, kind="stable")]
    del key, src
    sess_out = uuid_of[ses[order]]
    empty = np.zeros(order.size, dtype=bool)
    k = _n_rare(rng, order.size, mess.empty_session, messy)
    if k:
        empty[rng.choice(order.size, size=k, replace=False)] = True
    price_kind = np.zeros(order.size, dtype=np.int8)    # 0 ok, 1 negative, 2 zero
    k = _n_rare(rng, order.size, mess.bad_price, messy)
    if k:
        bad = rng.choice(order.size, size=k, replace=False)
        price_kind[bad] = np.where(rng.random(k) < 0.5, 1, 2)
    # per-product empty brand / category_code (event-weighted share, like a real catalog)
    def empty_share(share):
        if share <= 0:
            return np.zeros(prod.n, dtype=bool)
        perm = rng.permutation(prod.n)
        out = np.zeros(prod.n, dtype=bool)
        out[perm[: int(np.searchsorted(np.cumsum(prod.pop[perm]), share)) + 1]] = True
        return out
    no_brand = empty_share(mess.empty_brand)
    no_code = empty_share(mess.empty_code)
    return dict(t=t[order], typ=typ[order], pr=pr[order], usr=usr[order], sess=sess_out,
                empty=empty, price_kind=price_kind, uuids=_uuid_strings(rng, n_sess),
                no_brand=no_brand, no_code=no_code)


def _event_batches(ev: dict, prod: _Products, cal: _Calendar):
    """Yield Arrow tables (all-string columns) of at most EVENT_CHUNK events."""
    day0 = cal.start_day
    days_txt = pa.array([str(np.datetime64(day0 + d, "D")) + " " for d in range(cal.days + 1)])
    sod_txt = pa.array([f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d} UTC"
                        for s in range(DAY_S)])
    type_txt = pa.array(EVENT_TYPES)
    pid_txt = pa.array([str(i) for i in range(1, prod.n + 1)])
    catid_txt = pa.array([str(x) for x in prod.code_ids[prod.subtype].tolist()])
    code_txt = pa.array([None if e else prod.code_names[s]
                         for s, e in zip(prod.subtype.tolist(), ev["no_code"].tolist())],
                        type=pa.string())
    brand_txt = pa.array([None if e else b for b, e in zip(prod.brand.tolist(),
                                                           ev["no_brand"].tolist())],
                         type=pa.string())
    neg = -prod.price_c
    price_txt = pa.array(_money2(prod.price_c) + _money2(neg) + ["0.00"])
    uuids = ev["uuids"]
    n = ev["t"].size
    for s in range(0, n, EVENT_CHUNK):
        e = min(n, s + EVENT_CHUNK)
        t = ev["t"][s:e]
        pr = ev["pr"][s:e].astype(np.int64)
        pk = ev["price_kind"][s:e]
        pidx = np.where(pk == 0, pr, np.where(pk == 1, pr + prod.n, 2 * prod.n))
        sess_idx = pa.array(ev["sess"][s:e], mask=ev["empty"][s:e])
        cols = [
            pc.binary_join_element_wise(days_txt.take(pa.array(t // DAY_S)),
                                        sod_txt.take(pa.array(t % DAY_S)), ""),
            type_txt.take(pa.array(ev["typ"][s:e])),
            pid_txt.take(pa.array(pr)),
            catid_txt.take(pa.array(pr)),
            code_txt.take(pa.array(pr)),
            brand_txt.take(pa.array(pr)),
            price_txt.take(pa.array(pidx)),
            pc.cast(pa.array(ev["usr"][s:e]), pa.string()),
            pc.cast(uuids.take(sess_idx), pa.string()),
        ]
        yield pa.Table.from_arrays(cols, names=TABLE_COLUMNS["events"])


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------
def _schema(name: str) -> pa.Schema:
    return pa.schema([(c, pa.string()) for c in TABLE_COLUMNS[name]])


def _to_table(name: str, cols: dict) -> pa.Table:
    arrays = [pa.array(np.asarray(cols[c], dtype=object), type=pa.string(), from_pandas=True)
              for c in TABLE_COLUMNS[name]]
    return pa.Table.from_arrays(arrays, schema=_schema(name))


def _needs_quoting(table: pa.Table) -> bool:
    for col in table.columns:
        if pc.any(pc.match_substring_regex(col, r'[,"\r\n]')).as_py():
            return True
    return False


def _write_csv(table: pa.Table, path: str) -> None:
    """Header + rows, minimal quoting (only fields with , " CR LF), blank = empty field."""
    if _needs_quoting(table):
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            w.writerow(table.column_names)
            cols = [c.to_pylist() for c in table.columns]
            w.writerows(zip(*cols))
        return
    with open(path, "wb") as f:
        f.write((",".join(table.column_names) + "\n").encode())
        pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False, quoting_style="none"))


def _write_table(table: pa.Table, path: str, fmt: str) -> None:
    if fmt == "csv":
        _write_csv(table, path)
    else:
        pq.write_table(table, path, compression="snappy")


def _write_events(batches, path: str, fmt: str) -> int:
    schema = _schema("events")
    rows = 0
    if fmt == "csv":
        with open(path, "wb") as f:
            f.write((",".join(schema.names) + "\n").encode())
            opts = pacsv.WriteOptions(include_header=False, quoting_style="none")
            with pacsv.CSVWriter(f, schema, write_options=opts) as w:
                for b in batches:
                    w.write_table(b)
                    rows += b.num_rows
    else:
        with pq.ParquetWriter(path, schema, compression="snappy") as w:
            for b in batches:
                w.write_table(b, row_group_size=EVENT_CHUNK)
                rows += b.num_rows
            if rows == 0:
                w.write_table(pa.Table.from_arrays([pa.array([], pa.string())] * 9, schema=schema))
    return rows


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------
def _validate(customers, events, seed, messiness, fmt, start_date, days) -> dt.date:
    """Check arguments; return the parsed start date. Raises ValueError with a clear message."""
    for name, v in (("customers", customers), ("events", events), ("seed", seed), ("days", days)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must be an integer, got {v!r}")
    if customers < 1:
        raise ValueError("customers must be >= 1")
    n_reg = customers - int(round(0.4 * customers))
    if REGISTERED_BASE + n_reg > REGISTERED_LIMIT:
        raise ValueError(f"customers must be <= {int((REGISTERED_LIMIT - REGISTERED_BASE) / 0.6)} "
                         "(registered ids CUST-<n> must stay below 100000)")
    if events < 0:
        raise ValueError("events must be >= 0")
    if seed < 0:
        raise ValueError("seed must be >= 0")
    if messiness not in MESSINESS_LEVELS:
        raise ValueError(f"messiness must be one of {', '.join(MESSINESS_LEVELS)}")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    try:
        start = start_date if isinstance(start_date, dt.date) else dt.date.fromisoformat(str(start_date))
    except ValueError:
        raise ValueError(f"start date must be YYYY-MM-DD, got {start_date!r}") from None
    if not dt.date(1990, 1, 1) <= start <= dt.date(2100, 1, 1):
        raise ValueError("start date must be between 1990-01-01 and 2100-01-01")
    return start


def generate(out_dir: str, customers: int, events: int, seed: int, messiness: str = "light",
             fmt: str = "csv", start_date: str = "2024-01-01", days: int = 365) -> dict[str, int]:
    """Generate the nine raw tables into ``out_dir``.

    Parameters
    ----------
    out_dir: directory to write (created if missing); files ``<table>.csv`` or ``.parquet``.
    customers: number of customers (about 40 % guests).
    events: exact number of clickstream rows.
    seed: seed of ``numpy.random.default_rng``; same arguments give byte-identical files.
    messiness: ``none`` | ``light`` | ``heavy`` (see the module docstring).
    fmt: ``csv`` | ``parquet``.
    start_date: first day of the window (``YYYY-MM-DD``); the window lasts ``days`` days.

    Returns the number of data rows written per table.
    """
    start = _validate(customers, events, seed, messiness, fmt, start_date, days)
    mess = MESS[messiness]
    cal = _Calendar(start, days)
    r_prod, r_cus, r_cart, r_c, r_o, r_r, r_ev = np.random.default_rng(seed).spawn(7)
    prod = _make_products(r_prod, max(50, int(round(1.3 * customers))))
    cus = _make_customers(r_cus, customers, cal, mess)
    carts = _make_carts(r_cart, cus, prod, cal, mess)
    tables, extras = _build_commerce((r_c, r_o, r_r), cus, prod, carts, cal, mess)

    os.makedirs(out_dir, exist_ok=True)
    counts: dict[str, int] = {}
    for name in TABLE_COLUMNS:
        if name == "events":
            continue
        table = _to_table(name, tables[name])
        _write_table(table, os.path.join(out_dir, f"{name}.{fmt}"), fmt)
        counts[name] = table.num_rows
    del tables
    ev = _make_events(r_ev, events, cus, prod, carts, extras, cal, mess)
    counts["events"] = _write_events(_event_batches(ev, prod, cal),
                                     os.path.join(out_dir, f"events.{fmt}"), fmt)
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see module docstring)."""
    p = argparse.ArgumentParser(
        description="Generate the raw e-commerce tables (ecom_retailer_v3 + REES46 events).")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--customers", required=True, type=int, help="number of customers")
    p.add_argument("--events", required=True, type=int, help="exact number of event rows")
    p.add_argument("--seed", required=True, type=int, help="random seed (>= 0)")
    p.add_argument("--messiness", required=True, choices=MESSINESS_LEVELS)
    p.add_argument("--format", dest="fmt", default="csv", choices=FORMATS)
    p.add_argument("--start-date", default="2024-01-01", help="YYYY-MM-DD (default 2024-01-01)")
    p.add_argument("--days", type=int, default=365, help="window length in days (default 365)")
    a = p.parse_args(argv)
    try:
        _validate(a.customers, a.events, a.seed, a.messiness, a.fmt, a.start_date, a.days)
    except ValueError as e:
        p.error(str(e))
    if os.path.exists(a.out) and not os.path.isdir(a.out):
        p.error(f"--out {a.out!r} exists and is not a directory")
    try:
        counts = generate(a.out, a.customers, a.events, a.seed, a.messiness, a.fmt,
                          a.start_date, a.days)
    except OSError as e:
        p.error(f"cannot write to {a.out!r}: {e}")
    for name, n in counts.items():
        print(f"{name}: {n} rows -> {os.path.join(a.out, name + '.' + a.fmt)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
