"""The product catalog: categories, names, prices, brands, REES46 category codes and a
Zipf-like popularity used to pick products for cart lines and events."""

from dataclasses import dataclass

import numpy as np

from .common import segment_starts, unique_ints
from .text import concat_text
from .vocab import CATEGORIES


@dataclass
class Products:
    """Catalog arrays (one row per product) and the popularity lookup used by ``pick``."""

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
        k = np.where(anyc, np.clip(k, 0, self.n - 1),
                     np.clip(k, self.cat_first[c], self.cat_last[c]))
        return self.sorted_idx[k]

    def pick_category(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` categories drawn by their share of the total popularity."""
        mass = self.cat_hi - self.cat_lo
        return rng.choice(len(mass), size=n, p=mass / mass.sum())


def _category_codes() -> tuple[list, list]:
    """All category_codes (one per product type, category by category) and the index of
    each category's first code."""
    code_names, first_sub = [], []
    for c in CATEGORIES:
        first_sub.append(len(code_names))
        code_names.extend(code for _, code in c[4])
    return code_names, first_sub


def _popularity_lookup(category: np.ndarray, pop: np.ndarray) -> dict:
    """Products sorted by category with their cumulative popularity, and each category's
    position range and cumulative-mass interval in that order."""
    sorted_idx = np.argsort(category, kind="stable")
    cum = np.cumsum(pop[sorted_idx])
    cum /= cum[-1]
    counts = np.bincount(category, minlength=len(CATEGORIES))
    cat_first = segment_starts(counts)
    cat_last = cat_first + counts - 1
    cat_hi = cum[cat_last]
    cat_lo = np.where(cat_first > 0, cum[np.maximum(cat_first - 1, 0)], 0.0)
    return dict(sorted_idx=sorted_idx, cum=cum, cat_lo=cat_lo, cat_hi=cat_hi,
                cat_first=cat_first, cat_last=cat_last)


def make_products(rng: np.random.Generator, n: int) -> Products:
    """``n`` products; every category has at least one."""
    ncat = len(CATEGORIES)
    cat_w = np.array([c[1] for c in CATEGORIES])
    category = np.concatenate([np.arange(ncat),
                               rng.choice(ncat, size=n - ncat, p=cat_w / cat_w.sum())])
    code_names, first_sub = _category_codes()
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
    name = concat_text(adj, " ", nouns[subtype])
    price_c = np.maximum(np.round(price * 100).astype(np.int64), 100)
    cost_c = np.round(price_c * rng.uniform(0.35, 0.75, n)).astype(np.int64)
    inventory = rng.integers(0, 251, n)
    ranks = rng.permutation(n)
    pop = (ranks + 1.0) ** -0.8
    pop /= pop.sum()
    code_ids = unique_ints(rng, len(code_names), 2_000_000_000_000_000_000,
                           2_300_000_000_000_000_000)
    return Products(n, category, subtype, name, price_c, cost_c, inventory, brand, pop,
                    code_names, code_ids, **_popularity_lookup(category, pop))
