"""Customers: registered (``CUST-<n>``) and guest (``GUEST-<n>``) accounts with names,
unique e-mails, phones, addresses, signup dates and loyalty tiers.

Registered customers signed up before or inside the window; their activity starts at signup.
Guests have no name, phone, signup or loyalty data.
"""

from dataclasses import dataclass

import numpy as np

from .calendar import Calendar
from .common import DAY_US, GUEST_BASE, REGISTERED_BASE, draw_labels
from .options import Mess, guest_count
from .text import add_case_noise, blank_where, bool_text, concat_text, date_text, id_text
from .vocab import (
    CITIES,
    CUSTOMER_STATUSES,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    GENDERS,
    GUEST_DOMAINS,
    LAST_NAMES,
    SIGNUP_CHANNELS,
    STATES,
    STREET_NAMES,
    STREET_SUFFIXES,
    TIER_P,
    TIERS,
)


@dataclass
class Customers:
    """Customer arrays used by the later steps, plus the customers table's text columns."""

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


def random_addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` US-style postal addresses (``12 Oak Street Apt. 007, Salem, OR 01234``)."""
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
    return concat_text(num, " ", street, " ", suffix, unit, ", ", city, ", ", state, " ", zipc)


def random_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` phone numbers in five common US spellings."""
    a = rng.integers(201, 990, n).astype(str)
    b = np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)
    c = np.char.zfill(rng.integers(0, 10000, n).astype(str), 4)
    x = rng.integers(10, 99999, n).astype(str)
    fmt = rng.integers(0, 5, n)
    forms = [
        concat_text("001-", a, "-", b, "-", c),
        concat_text("(", a, ")", b, "-", c),
        concat_text(a, ".", b, ".", c),
        concat_text("+1-", a, "-", b, "-", c, "x", x),
        concat_text(a, "-", b, "-", c),
    ]
    return np.choose(fmt, forms).astype(object)


def dedupe_emails(email: np.ndarray) -> np.ndarray:
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


def _names_and_emails(rng: np.random.Generator, reg: np.ndarray):
    """First / last names and unique e-mails (registered: first.last@…, guests: other forms)."""
    n = reg.size
    first = FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), n)]
    last = LAST_NAMES[rng.integers(0, len(LAST_NAMES), n)]
    lf, ll = np.char.lower(first), np.char.lower(last)
    reg_email = concat_text(lf, ".", ll, "@", EMAIL_DOMAINS[rng.integers(0, len(EMAIL_DOMAINS), n)])
    two = rng.integers(10, 99, n).astype(str)
    gdom = GUEST_DOMAINS[rng.integers(0, len(GUEST_DOMAINS), n)]
    gform = rng.integers(0, 3, n)
    guest_email = np.choose(gform, [concat_text(lf, ll, "@", gdom), concat_text(ll, lf, "@", gdom),
                                    concat_text(lf, two, "@", gdom)])
    email = dedupe_emails(np.where(reg, reg_email, guest_email).astype(object))
    return first, last, email


def _signup_days(rng: np.random.Generator, reg: np.ndarray, cal: Calendar) -> np.ndarray:
    """Signup day (days since epoch): 45 % up to 3 years before the window, the rest inside
    it; -1 for guests."""
    n = reg.size
    before = rng.random(n) < 0.45
    signup_day = np.where(before, cal.start_day - rng.integers(1, 1096, n),
                          cal.start_day + rng.integers(0, cal.days, n))
    return np.where(reg, signup_day, -1)


def _loyalty(rng: np.random.Generator, reg: np.ndarray, signup_day: np.ndarray,
             cal: Calendar, mess: Mess):
    """Current and initial tier index, enrolment flag and enrolment day per customer."""
    n = reg.size
    tier_i = rng.choice(4, size=n, p=TIER_P)
    init_i = np.clip(tier_i - (rng.random(n) < 0.35) + (rng.random(n) < 0.10), 0, 3)
    enrolled = reg & (rng.random(n) >= mess.not_enrolled)
    last_day = cal.end_day - 1
    span = np.maximum(np.minimum(last_day - signup_day, 365), 0)
    enroll_day = signup_day + (rng.random(n) * (span + 1)).astype(np.int64)
    return tier_i, init_i, enrolled, enroll_day


def _profile(rng: np.random.Generator, reg: np.ndarray, mess: Mess):
    """Age text (``67.0``; guests blank or ``nan``), e-mail verified, opt-in and status."""
    n = reg.size
    age = rng.integers(18, 76, n)
    age_txt = np.char.add(age.astype(str), ".0").astype(object)
    guest_age = np.where(rng.random(n) < mess.guest_age_nan, "nan", None)
    age_txt = np.where(reg, age_txt, guest_age)
    verified = np.where(reg, rng.random(n) < 0.7, rng.random(n) < 0.1)
    opt_in = np.where(reg, rng.random(n) < 0.35, rng.random(n) < 0.15)
    status = np.where(reg, draw_labels(rng, CUSTOMER_STATUSES, n), "Guest").astype(object)
    return age_txt, verified, opt_in, status


def make_customers(rng: np.random.Generator, n: int, cal: Calendar, mess: Mess) -> Customers:
    """``n`` customers: the registered ones first, then the guests."""
    n_guest = guest_count(n)
    n_reg = n - n_guest
    is_guest = np.concatenate([np.zeros(n_reg, bool), np.ones(n_guest, bool)])
    num = np.concatenate([REGISTERED_BASE + np.arange(n_reg), GUEST_BASE + np.arange(n_guest)])
    cid = np.concatenate([id_text("CUST-", num[:n_reg]), id_text("GUEST-", num[n_reg:])])
    reg = ~is_guest
    g = is_guest

    first, last, email = _names_and_emails(rng, reg)
    signup_day = _signup_days(rng, reg, cal)
    lo_us = np.where(reg, np.maximum(signup_day * DAY_US, cal.start_us), cal.start_us)
    tier_i, init_i, enrolled, enroll_day = _loyalty(rng, reg, signup_day, cal, mess)
    age_txt, verified, opt_in, status = _profile(rng, reg, mess)
    mailing = random_addresses(rng, n)
    billing = np.where(rng.random(n) < 0.88, mailing, random_addresses(rng, n)).astype(object)
    tiers = np.array(TIERS, dtype=object)
    # the draws inside this dict happen in key order (phone, gender, status noise, ...)
    cols = {
        "customer_id": cid,
        "first_name": blank_where(first.astype(object), g),
        "last_name": blank_where(last.astype(object), g),
        "email": email,
        "phone_number": blank_where(random_phones(rng, n), g),
        "signup_date": blank_where(date_text(np.maximum(signup_day, 0)), g),
        "gender": blank_where(draw_labels(rng, GENDERS, n), g),
        "age": age_txt,
        "is_guest": bool_text(is_guest),
        "customer_status": add_case_noise(rng, status, mess.text_noise, keep_plain=True),
        "signup_channel": blank_where(draw_labels(rng, SIGNUP_CHANNELS, n), g),
        "loyalty_tier": blank_where(tiers[tier_i], g),
        "initial_loyalty_tier": blank_where(tiers[init_i], ~enrolled),
        "email_verified": blank_where(bool_text(verified), rng.random(n) < mess.blank_bool),
        "marketing_opt_in": blank_where(bool_text(opt_in), rng.random(n) < mess.blank_bool),
        "mailing_address": mailing,
        "billing_address": billing,
        "loyalty_enrollment_date": blank_where(date_text(np.maximum(enroll_day, 0)), ~enrolled),
    }
    return Customers(n, is_guest, num, cid, email, signup_day, lo_us,
                     np.where(reg, tiers[tier_i], None), mailing, billing, cols)
