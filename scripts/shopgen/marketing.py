"""Marketing: the campaigns, their daily ad-platform spend (``campaign_spend``) and the
campaign tags of orders (``orders.campaign_id``, ``orders.utm_campaign``).

``max(12, customers // 40)`` campaigns run inside the window (ids ``CMP-0001`` ... in start
order; a few still running, with a blank end_date): at least twelve, so that at heavy mess
each broken row of campaigns is a small share of the file (one in fifteen at most). An
order placed while campaigns run carries a tag with probability ``TAG_SHARE``: mostly the
campaign_id (sometimes with the utm value too), else only the utm value, the campaign name
in lower case with ``_`` or ``-`` between words. A campaign's spend is its attributed
revenue divided by a return on ad spend drawn per campaign, so ROI varies by campaign (some
positive, some negative); the spend is spread over the days of its run (some days absent,
some rows of zeros), with impressions and clicks from per-channel CPM and click-through
rates.

The broken campaigns of heavy mess are extra rows, not campaigns: two more rows after the
real campaigns (their own ids, no spend rows, no tagged orders), one with its end_date before
its start_date and one with an unreadable budget, and a second row of one real campaign with
other values and a blank budget (so that the real row, with fewer blanks, is the kept one and
the campaign keeps its spend and its orders). The id after the written rows is a campaign
missing from the export: a few orders' campaign_id tags and 2-4 orphan spend rows name it.

Everything draws from the marketing stream only (the eighth child of the seed), so the
other tables do not depend on it. The quirks of each messiness level (``Mess`` fields
``utm_*``, ``clicks_over_impressions``, ``dup_spend_rows``, ``spend_currency``,
``blank_spend_campaign``, ``negative_spend``, ``unknown_order_campaign``,
``broken_campaigns``) are listed in ``scripts/generate_data.py``.
"""

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from .calendar import Calendar, day_weights
from .common import (
    DAY_US,
    EPOCH,
    draw_categorical,
    labels_of,
    position_in_segment,
    rare_count,
    rows_with_duplicates,
    segment_sum,
)
from .options import Mess
from .orders import Orders
from .text import (
    add_case_noise,
    blank_where,
    date_text,
    id_text,
    int_text,
    money_text,
    money_text_2dp,
)

CHANNELS = (["email", "paid_search", "social", "affiliate", "display"],
            [0.28, 0.24, 0.22, 0.12, 0.14])
CPM_CENTS = np.array([150, 2500, 800, 400, 300])        # cost of 1000 impressions, per channel
CTR = np.array([0.030, 0.045, 0.012, 0.015, 0.004])     # click-through rate, per channel

CUSTOMERS_PER_CAMPAIGN = 40     # max(12, customers // 40) campaigns
MIN_CAMPAIGNS = 12              # enough that one broken row stays a small share of the file
RUN_DAYS = (7, 75)              # campaign length in days (cut to the window)
RUNNING_SHARE = 0.15            # campaigns still running at the window end (at least one)
BUDGET_SHARE = 0.85             # campaigns with a budget
TAG_SHARE = 0.30                # orders placed while campaigns run that carry a tag
ID_TAG_SHARE = 0.70             # tagged orders with a campaign_id (else only a utm value)
UTM_WITH_ID_SHARE = 0.40        # campaign_id tags that also carry the utm value
UNDERSCORE_SHARE = 0.60         # campaigns whose utm value joins words with _ (else -)
ABSENT_DAY = 0.05               # days of a run without a spend row
ZERO_DAY = 0.04                 # spend rows of zeros (a paused day)
ROAS = (1.2, 0.6)               # median and lognormal sigma of a campaign's revenue / spend

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
SEASONS = ["Winter", "Winter", "Spring", "Spring", "Spring", "Summer", "Summer", "Summer",
           "Autumn", "Autumn", "Autumn", "Winter"]
# campaign names per channel; {month}, {season}, {quarter} and {year} of the start date
NAME_TEMPLATES = {
    "email": ["Email Newsletter {month}", "Welcome Series {year}", "VIP Early Access {month}",
              "Win-Back Email {quarter} {year}"],
    "paid_search": ["Brand Search {quarter} {year}", "Google Shopping {season}",
                    "Generic Keywords {month}"],
    "social": ["Instagram {season} Drop", "TikTok Creators {month}",
               "Facebook Lookalikes {quarter} {year}"],
    "affiliate": ["Affiliate Partners {quarter} {year}", "Coupon Sites {month}",
                  "Influencer Codes {season}"],
    "display": ["Retargeting {month}", "Display Prospecting {quarter} {year}",
                "Homepage Takeover {month}"],
}
SEASONAL_NAMES = {
    3: ["Spring Sale {year}"], 4: ["Spring Sale {year}", "Easter Deals {year}"],
    5: ["Mother's Day {year}", "Spring Sale {year}"], 6: ["Summer Sale {year}"],
    7: ["Summer Sale {year}"], 8: ["Back to School {year}"], 9: ["Back to School {year}"],
    11: ["Black Friday {year}", "Cyber Week {year}"], 12: ["Holiday Gift Guide {year}"],
    1: ["New Year Clearance {year}"],
}
# utm values of no campaign: a test link, a generic tag, an analytics placeholder
UNKNOWN_UTMS = ["(not set)", "test", "newsletter", "fb_ads_test", "partner-link", "ig_story"]
SWAP_SEPARATOR = str.maketrans("_-", "-_")


def utm_key(value: str) -> str:
    """The attribution rule's normal form of a utm value or campaign name: lower case, every
    run of characters other than a-z / 0-9 one ``_``, no leading or trailing ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")


@dataclass
class Campaigns:
    """The campaigns, in id (= start) order; days are days since the epoch."""

    cid: np.ndarray             # text CMP-0001 ...
    name: np.ndarray            # campaign_name
    utm: np.ndarray             # clean utm value (name, lower case, _ or - between words)
    channel: np.ndarray         # index into CHANNELS
    start: np.ndarray           # first day
    last: np.ndarray            # last day (running campaigns: the window's last day)
    running: np.ndarray         # still running: end_date blank
    weight: np.ndarray          # relative share of the orders of the days it runs
    has_budget: np.ndarray
    # the id of a campaign missing from the export, the first id after the written rows
    # (heavy: tagged orders and orphan spend rows name it)
    deleted_id: str = ""
    twice: int = -1             # broken_campaigns (heavy): the campaign written twice

    @property
    def n(self) -> int:
        """Number of campaigns."""
        return self.cid.size


def campaign_count(customers: int) -> int:
    """Number of campaigns for ``customers`` customers."""
    return max(MIN_CAMPAIGNS, customers // CUSTOMERS_PER_CAMPAIGN)


def _campaign_names(rng: np.random.Generator, channel: np.ndarray, start: np.ndarray,
                    taken: frozenset = frozenset()) -> list[str]:
    """A name per campaign from its channel's and start month's templates, distinct in
    their ``utm_key`` from each other and from ``taken`` (a repeat gets the year, then
    `` (2)``, `` (3)``...)."""
    names, seen = [], set(taken)
    for ch, day in zip(channel.tolist(), start.tolist(), strict=True):
        date = EPOCH + dt.timedelta(days=day)
        options = NAME_TEMPLATES[CHANNELS[0][ch]] + SEASONAL_NAMES.get(date.month, [])
        template = options[int(rng.integers(0, len(options)))]
        name = template.format(month=MONTHS[date.month - 1], season=SEASONS[date.month - 1],
                               quarter=f"Q{(date.month - 1) // 3 + 1}", year=date.year)
        if utm_key(name) in seen and str(date.year) not in name:
            name = f"{name} {date.year}"
        base, k = name, 2
        while utm_key(name) in seen:
            name, k = f"{base} ({k})", k + 1
        seen.add(utm_key(name))
        names.append(name)
    return names


def _runs(rng: np.random.Generator, n: int, cal: Calendar) -> tuple[np.ndarray, np.ndarray]:
    """Length (days) and first day of ``n`` campaign runs inside the window."""
    length = np.minimum(rng.integers(RUN_DAYS[0], RUN_DAYS[1] + 1, n), cal.days)
    start = cal.start_day + (rng.random(n) * (cal.days - length + 1)).astype(np.int64)
    return length, start


def make_campaigns(rng: np.random.Generator, n: int, cal: Calendar) -> Campaigns:
    """``n`` campaigns inside the window: channel, run, name, utm value, weight, budget."""
    channel = draw_categorical(rng, CHANNELS, n)
    length, start = _runs(rng, n, cal)
    running = np.zeros(n, dtype=bool)
    running[rng.choice(n, max(1, int(round(RUNNING_SHARE * n))), replace=False)] = True
    start = np.where(running, cal.end_day - length, start)      # running up to the end
    weight = rng.lognormal(0.0, 0.5, n)
    has_budget = rng.random(n) < BUDGET_SHARE
    underscore = rng.random(n) < UNDERSCORE_SHARE
    order = np.lexsort((np.arange(n), start))
    channel, length, start, running, weight, has_budget, underscore = (
        a[order] for a in (channel, length, start, running, weight, has_budget, underscore))
    names = _campaign_names(rng, channel, start)
    utm = [re.sub(r"[^a-z0-9]+", sep, name.lower()).strip(sep)
           for name, sep in zip(names, np.where(underscore, "_", "-").tolist(), strict=True)]
    return Campaigns(cid=id_text("CMP-", np.arange(1, n + 1), 4),
                     name=np.array(names, dtype=object), utm=np.array(utm, dtype=object),
                     channel=channel, start=start, last=start + length - 1, running=running,
                     weight=weight, has_budget=has_budget)


def _pick_twice(rng: np.random.Generator, camps: Campaigns, revenue: np.ndarray) -> None:
    """Choose the campaign written twice (``broken_campaigns``): one that has ended (there
    are many: about one in seven campaigns is running) and, when there is one, that has
    tagged orders, so that its kept row visibly keeps its spend and its orders."""
    ended = np.flatnonzero(~camps.running)
    earning = ended[revenue[ended] > 0]
    camps.twice = int(rng.choice(earning if earning.size else ended))


def _pick_campaigns(rng: np.random.Generator, camps: Campaigns, orders: Orders):
    """The campaign behind each order (-1: none) and how it is tagged.

    Among the campaigns running on the order's day one is picked by weight; the order is
    tagged with probability ``TAG_SHARE``. Returns the campaign index, the orders tagged by
    campaign_id and the orders carrying the utm value.
    """
    n = orders.time_us.size
    day = orders.time_us // DAY_US
    u_tag, u_pick, u_how, u_both = rng.random((4, n))
    camp = np.full(n, -1, dtype=np.int64)
    days, first = np.unique(day, return_index=True)           # orders are sorted by time
    bounds = np.append(first, n)
    for j, d in enumerate(days.tolist()):
        active = np.flatnonzero((camps.start <= d) & (camps.last >= d))
        if active.size == 0:
            continue
        cw = np.cumsum(camps.weight[active])
        lo, hi = bounds[j], bounds[j + 1]
        pick = np.searchsorted(cw, u_pick[lo:hi] * cw[-1], side="right")
        camp[lo:hi] = active[np.minimum(pick, active.size - 1)]
    camp = np.where((camp >= 0) & (u_tag < TAG_SHARE), camp, -1)
    tagged = camp >= 0
    by_id = tagged & (u_how < ID_TAG_SHARE)
    with_utm = tagged & (~by_id | (u_both < UTM_WITH_ID_SHARE))
    return camp, by_id, with_utm


def _some_rows(rng: np.random.Generator, rows: np.ndarray, rate: float,
               messy: bool) -> np.ndarray:
    """A random share ``rate`` of ``rows`` (a binomial count; at least one when the level
    is messy and there are rows)."""
    k = min(rare_count(rng, rows.size, rate, messy), rows.size)
    return rng.choice(rows, k, replace=False)


def _tag_columns(rng: np.random.Generator, camps: Campaigns, camp: np.ndarray,
                 by_id: np.ndarray, with_utm: np.ndarray, mess: Mess):
    """Text columns campaign_id and utm_campaign of the orders, with the level's quirks:
    utm values with the other separator or case / padding variants, utm values of no
    campaign on untagged orders, campaign_id tags of a campaign missing from the export.
    Returns the two columns and the orders whose campaign_id names no campaign."""
    n = camp.size
    cid = np.full(n, None, dtype=object)
    cid[by_id] = camps.cid[camp[by_id]]
    utm = np.full(n, None, dtype=object)
    utm[with_utm] = camps.utm[camp[with_utm]]
    present = np.flatnonzero(with_utm)
    swap = _some_rows(rng, present, mess.utm_separator_noise, mess.messy)
    utm[swap] = [v.translate(SWAP_SEPARATOR) for v in utm[swap].tolist()]
    noisy = _some_rows(rng, present, mess.utm_case_noise, mess.messy)
    utm[noisy] = add_case_noise(rng, utm[noisy], 1.0)
    untagged = np.flatnonzero(~by_id & ~with_utm)
    k = min(rare_count(rng, n, mess.utm_unknown, mess.messy), untagged.size)
    if k:
        where = rng.choice(untagged, k, replace=False)
        utm[where] = np.array(UNKNOWN_UTMS, dtype=object)[rng.integers(0, len(UNKNOWN_UTMS), k)]
    lost = np.zeros(n, dtype=bool)
    lost[_some_rows(rng, np.flatnonzero(by_id), mess.unknown_order_campaign, mess.messy)] = True
    cid[lost] = camps.deleted_id
    return {"campaign_id": cid, "utm_campaign": utm}, lost


def _campaign_spend_totals(rng: np.random.Generator, camps: Campaigns, revenue: np.ndarray,
                           days_run: np.ndarray) -> np.ndarray:
    """Spend of each campaign over its run (cents): its revenue / a drawn return on ad spend
    (one campaign with revenue well above its spend, one well below); a campaign
    without revenue spends like a typical one per day."""
    n = camps.n
    roas = np.exp(rng.normal(np.log(ROAS[0]), ROAS[1], n))
    earning = np.flatnonzero(revenue > 0)
    if earning.size >= 2:
        high, low = rng.choice(earning, 2, replace=False)
        roas[high] = rng.uniform(1.6, 4.0)
        roas[low] = rng.uniform(0.35, 0.7)
    spend = revenue / roas
    per_day = spend[earning] / days_run[earning]
    typical = float(np.median(per_day)) if earning.size else 5000.0
    idle = typical * days_run * rng.uniform(0.5, 1.5, n)
    return np.where(revenue > 0, spend, idle)


def _spend_rows(rng: np.random.Generator, camps: Campaigns, revenue: np.ndarray,
                cal: Calendar):
    """Clean daily spend rows: campaign index, day, spend (cents), impressions, clicks, and
    each campaign's budget (cents, about its spend, in whole hundreds)."""
    days_run = camps.last - camps.start + 1
    c = np.repeat(np.arange(camps.n), days_run)
    day = camps.start[c] + position_in_segment(days_run)
    keep = rng.random(c.size) >= ABSENT_DAY
    c, day = c[keep], day[keep]
    zero = rng.random(c.size) < ZERO_DAY
    w = day_weights(cal.start_day, cal.days)[day - cal.start_day] * rng.lognormal(0, 0.35, c.size)
    w = np.where(zero, 0.0, w)
    w_sum = np.bincount(c, weights=w, minlength=camps.n)
    total = _campaign_spend_totals(rng, camps, revenue, days_run)
    spend = np.round(total[c] * w / np.where(w_sum[c] > 0, w_sum[c], 1.0)).astype(np.int64)
    ch = camps.channel[c]
    impressions = rng.poisson(spend / CPM_CENTS[ch] * 1000)
    ctr = np.minimum(CTR[ch] * rng.lognormal(0, 0.25, c.size), 0.5)
    clicks = rng.binomial(impressions, ctr)
    budget = np.maximum(np.round(total * rng.uniform(0.9, 1.4, camps.n) / 10000), 1) * 10000
    return c, day, spend, impressions, clicks, budget.astype(np.int64)


def _orphan_rows(rng: np.random.Generator, camps: Campaigns, cal: Calendar):
    """2-4 consecutive days of spend of the campaign missing from the export (heavy)."""
    k = int(rng.integers(2, 5))
    d0 = cal.start_day + int(rng.integers(0, max(cal.days - k, 0) + 1))
    day = np.unique(np.minimum(d0 + np.arange(k), cal.end_day - 1))
    spend = rng.integers(500, 20000, day.size)
    impressions = rng.poisson(spend / CPM_CENTS[-1] * 1000)
    clicks = rng.binomial(impressions, CTR[-1])
    return np.full(day.size, camps.n), day, spend, impressions, clicks


def _spend_table(rng: np.random.Generator, camps: Campaigns, revenue: np.ndarray,
                 cal: Calendar, mess: Mess) -> tuple[dict, np.ndarray]:
    """Text columns of ``campaign_spend`` (sorted by date, then campaign) and the budgets.

    Quirks, each on its own rows: clicks above impressions, a currency sign on the spend,
    a negative spend, a blank campaign_id; spend rows of a campaign missing from the export;
    exact duplicate rows."""
    c, day, spend, imp, clk, budget = _spend_rows(rng, camps, revenue, cal)
    if mess.broken_campaigns:
        parts = zip((c, day, spend, imp, clk), _orphan_rows(rng, camps, cal), strict=True)
        c, day, spend, imp, clk = (np.concatenate(p) for p in parts)
    order = np.lexsort((c, day))
    c, day, spend, imp, clk = (a[order] for a in (c, day, spend, imp, clk))
    n = c.size
    counts = [rare_count(rng, n, rate, mess.messy) for rate in (
        mess.clicks_over_impressions, mess.spend_currency, mess.negative_spend,
        mess.blank_spend_campaign)]
    # the rows of the campaigns in the export (not the orphans), so that each quirk meets
    # its own check
    rows = rng.permutation(np.flatnonzero(c < camps.n))
    bounds = np.minimum(np.cumsum([0, *counts]), rows.size)
    over, currency, negative, blank = (rows[bounds[i]:bounds[i + 1]] for i in range(4))
    clk[over] = imp[over] + rng.integers(1, 25, over.size)
    spend[negative] = -rng.integers(50, 5000, negative.size)       # a credit
    spend_txt = money_text(spend)
    spend_txt[currency] = ["$" + v for v in money_text_2dp(spend[currency])]
    cid = np.append(camps.cid, camps.deleted_id)[c]
    table = {
        "date": date_text(day),
        "campaign_id": blank_where(cid, np.isin(np.arange(n), blank)),
        "spend": spend_txt,
        "impressions": int_text(imp),
        "clicks": int_text(clk),
    }
    dup = rows_with_duplicates(rng, n, mess.dup_spend_rows, mess.messy)
    return {k: v[dup] for k, v in table.items()}, budget


def _broken_rows(rng: np.random.Generator, camps: Campaigns, budget: np.ndarray,
                 cal: Calendar) -> dict:
    """Text columns of the two extra rows of ``broken_campaigns`` (heavy), ids right after
    the real campaigns': rows that fail staging, so no real campaign (no spend rows, no
    tagged order). Each looks like an ended campaign of its own (channel, name, run inside
    the window, a budget like the others'); the first has its end_date a year early, before
    its start_date (the year mistyped), the second an unreadable budget (``TBD``)."""
    channel = draw_categorical(rng, CHANNELS, 2)
    length, start = _runs(rng, 2, cal)
    names = _campaign_names(rng, channel, start, frozenset(utm_key(v) for v in camps.name))
    typical = float(np.median(budget))
    amount = np.maximum(np.round(typical * rng.uniform(0.5, 1.5, 2) / 10000), 1) * 10000
    budget_txt = money_text(amount.astype(np.int64))
    budget_txt[1] = "TBD"
    last = start + length - 1
    last[0] -= 365                      # a run lasts at most 75 days: now before the start
    return {
        "campaign_id": id_text("CMP-", camps.n + np.arange(1, 3), 4),
        "campaign_name": np.array(names, dtype=object),
        "channel": labels_of(CHANNELS, channel),
        "start_date": date_text(start),
        "end_date": date_text(last),
        "budget": budget_txt,
    }


def _campaigns_table(camps: Campaigns, budget: np.ndarray, broken: dict | None) -> dict:
    """Text columns of ``campaigns``: the campaigns in id order; with ``broken_campaigns``
    the campaign ``twice`` written a second time right after its row (a re-export: end_date
    14 days later, budget blank, so that its own row, which has a budget and so fewer blank
    values, is the kept one), and the ``broken`` rows at the end."""
    has_budget = camps.has_budget.copy()
    if camps.twice >= 0:
        has_budget[camps.twice] = True
    table = {
        "campaign_id": camps.cid,
        "campaign_name": camps.name,
        "channel": labels_of(CHANNELS, camps.channel),
        "start_date": date_text(camps.start),
        "end_date": blank_where(date_text(camps.last), camps.running),
        "budget": blank_where(money_text(budget), ~has_budget),
    }
    if camps.twice >= 0:
        twice = camps.twice
        rows = np.insert(np.arange(camps.n), twice + 1, twice)
        table = {k: np.asarray(v, dtype=object)[rows] for k, v in table.items()}
        table["end_date"][twice + 1] = date_text(np.array([camps.last[twice] + 14]))[0]
        table["budget"][twice + 1] = None
    if broken:
        table = {k: np.concatenate([np.asarray(v, dtype=object), broken[k]])
                 for k, v in table.items()}
    return table


def make_marketing(rng: np.random.Generator, customers: int, orders: Orders, cal: Calendar,
                   mess: Mess) -> tuple[dict, dict, dict]:
    """The marketing family: text columns of ``campaigns`` and ``campaign_spend``, and the
    orders' tag columns ``campaign_id`` / ``utm_campaign`` (in the orders' row order)."""
    camps = make_campaigns(rng, campaign_count(customers), cal)
    written = camps.n + (2 if mess.broken_campaigns else 0)     # the broken extra rows
    camps.deleted_id = str(id_text("CMP-", np.array([written + 1]), 4)[0])
    camp, by_id, with_utm = _pick_campaigns(rng, camps, orders)
    tags, lost = _tag_columns(rng, camps, camp, by_id, with_utm, mess)
    ol = orders.lines
    net = segment_sum(ol.qty * ol.price_c - ol.discount_c, ol.per_order)
    won = (camp >= 0) & ~lost
    revenue = np.bincount(camp[won], weights=net[won], minlength=camps.n)
    spend, budget = _spend_table(rng, camps, revenue, cal, mess)
    broken = None
    if mess.broken_campaigns:
        _pick_twice(rng, camps, revenue)
        broken = _broken_rows(rng, camps, budget, cal)
    return _campaigns_table(camps, budget, broken), spend, tags
