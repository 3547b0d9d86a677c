#!/usr/bin/env python3
"""Synthetic raw-data generator for the ``ecommerce_behavior`` dbt project.

It writes the raw tables described in ``docs/raw_data.md``: the eight commerce tables of
the ``ecom_retailer_v3`` schema (customers, product_catalog, shopping_carts, cart_items, orders,
order_items, returns, return_items), one REES46 / Open CDP clickstream table (events) and the
optional marketing family (campaigns, campaign_spend, and the campaign tags campaign_id /
utm_campaign at the end of orders; ``--no-marketing`` leaves all three out, as an older shop's
export).
Every column is written as text, exactly as the raw files look (see *Formats* below), as CSV
(header, comma separated, minimal RFC 4180 quoting, empty field = blank) or as Parquet (every
column a STRING, blanks are NULL, same text as the CSV).

Usage::

    python scripts/generate_data.py --out DIR --customers N --events N --seed S \
        --messiness none|light|heavy [--format csv|parquet] [--start-date YYYY-MM-DD] [--days D] \
        [--daily-files] [--no-marketing]

or ``generate(out_dir, customers, events, seed, messiness, fmt, start_date, days, daily_files,
marketing)`` from Python. With ``--daily-files`` the events are written as one file per day,
``DIR/events/<YYYY-MM-DD>.csv`` (or ``.parquet``), the way trackers and exports deliver them
(a table delivered as a folder of files, ``docs/raw_data.md``); the rows are the same.

This file is the command-line entry point; the generator itself is the package
``scripts/shopgen/`` (its ``__init__.py`` lists the modules, one per step of a run).

Determinism
-----------
Only ``numpy.random.default_rng(seed)`` is used (spawned into eight independent child streams:
products, customers, carts, cart tables, orders, returns, events and marketing, so the commerce
tables do not depend on ``--events``, and no file but the marketing ones and orders' two tag
columns depends on ``--no-marketing``: without marketing the files are byte-identical to the
same files with it, and orders lacks the two columns). No wall clock, no hash-order or
set-order dependence: the same arguments give byte-identical files.

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
* Marketing (``scripts/shopgen/marketing.py``): ``max(12, customers // 40)`` campaigns
  (``CMP-0001`` ... in start order; at least 12, so that at heavy mess each broken row below is
  at most one in fifteen of the campaigns file) with names such as ``Spring Sale 2024`` or
  ``Email Newsletter March``, a channel (email, paid_search, social, affiliate, display), 7-75
  days inside the window; ~15 % (at least one) still running at the window end (blank end_date);
  ~85 % with a budget (about their spend, in whole hundreds). campaign_spend has one row per
  campaign per day of its run (sorted by date, then campaign): ~5 % of the days have no row,
  ~4 % are rows of zeros; impressions follow the spend at a per-channel CPM and clicks are a
  binomial share of the impressions (so clicks <= impressions). 30 % of the orders placed while
  campaigns run are tagged with one of them (picked by a per-campaign weight): 70 % with its
  campaign_id (40 % of those with the utm value too), the rest with only the utm value, the name
  in lower case with ``_`` or ``-`` between words (one per campaign). A campaign's spend is its
  tagged orders' net revenue divided by a return on ad spend drawn per campaign (median 1.2; one
  campaign above 1.6, one below 0.75), so ROI varies by campaign, positive and negative; a
  campaign without tagged orders spends like a typical one.

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
utm: case / padding variants               0        10 %         25 %
utm: the other separator (_ <-> -)         0        5 %          10 %
utm value naming no campaign (of orders)   0        0.5 %        1.5 %
spend rows with clicks > impressions       0        0.5 %        1.5 %
exact duplicate spend rows                 0        0.3 %        1 %
spend with a currency sign (``$12.50``)    0        2 %          5 %
spend rows with a blank campaign_id        0        0            1 %
negative spend (a credit, ``-12.34``)      0        0            0.5 %
order campaign_id naming no campaign (**)  0        0            2 % of ids
spend rows of that missing campaign        no       no           2-4 days
end_date before start_date (****)          no       no           one row
campaign_id twice, other values (***)      no       no           one row
unreadable budget (``TBD``) (****)         no       no           one row
=========================================  =======  ===========  ===========

(*) product_name (catalog and item tables), customer_status, payment_method, shipping_speed,
orders.clv_bucket, returns reason / return_channel / return_type.
Padding / case variants are: lower, UPPER, Title with no padding or 1 / 2 spaces on both sides,
plus lower with 1+2 and 2+1 spaces: 11 spellings per value, i.e. at most 44 raw spellings of the
4 cart statuses; utm values get the same variants (but never the plain form). In light/heavy
the rare quirks (duplicates, bad prices, empty or shared sessions, and every marketing quirk
whose rate is not 0) occur at least once whenever the table is non-empty (the utm variants:
whenever an order carries a utm value; a utm value of no campaign: whenever an order is
untagged; an unknown campaign_id: whenever an order is tagged by campaign_id).
(**) the id after the written campaigns rows (``CMP-<campaigns + 3>`` at heavy, after the two
rows of (****)), a campaign missing from the export; its spend rows are orphans. (***) a real
campaign (one that has ended, with tagged orders when one has) written a second time right
after its row, a re-export: end_date 14 days later and a blank budget; its own row has a
budget, so it is the kept one and the campaign keeps its spend rows and tagged orders.
(****) extra rows, not campaigns: the two rows after the real campaigns (``CMP-<campaigns +
1>``, ``CMP-<campaigns + 2>``), each an ended campaign of its own with no spend rows and no
tagged orders. Each of the three broken rows is one row of the campaigns file (1 in 15 at
most: 12 campaigns or more), and the spend-row quirks are small shares of campaign_spend, so
at heavy mess no staging check of the marketing family removes more than 10 % of its table's
rows (the publish gate ``max_quarantine_share``; in a window of a few days, with few spend
rows, a rare quirk that occurs at least once can be a larger share). Each marketing quirk
meets one staging check or rule of the marketing family: exact_duplicate,
missing_campaign_id, negative_spend, orphan_spend_row, end_date_before_start_date,
duplicate_campaign_id, invalid_budget, the flag is_clicks_above_impressions, the money reader
(currency sign), and attribution (utm variants normalise to their campaign; unknown utm
values and ids are unknown_campaign).

Formats
-------
commerce timestamps ``YYYY-MM-DDTHH:MM:SS.ffffff``; dates ``YYYY-MM-DD``; money as plain
decimals with at most 2 decimals (``25.83``, ``0.0``); booleans ``True``/``False``; registered
age ``67.0``; event_time ``YYYY-MM-DD HH:MM:SS UTC``; event price with exactly 2 decimals;
campaign dates ``YYYY-MM-DD``, budget and spend as the other money, impressions and clicks
whole numbers.
"""

import os
import sys

_SCRIPTS_DIR = os.path.dirname(os.path.abspath(__file__))
if _SCRIPTS_DIR not in sys.path:            # also importable from elsewhere (e.g. the tests)
    sys.path.insert(0, _SCRIPTS_DIR)

from shopgen import MESSINESS_LEVELS, TABLE_COLUMNS, generate, main  # noqa: E402

__all__ = ["generate", "main", "TABLE_COLUMNS", "MESSINESS_LEVELS"]


if __name__ == "__main__":
    sys.exit(main())
