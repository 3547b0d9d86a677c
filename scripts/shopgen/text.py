"""How raw values are spelled: numpy arrays -> text columns, and padding / case noise.

Every generated column is text (object arrays of ``str``; ``None`` means an empty field).
The helpers here fix the raw formats listed under *Formats* in ``scripts/generate_data.py``:
money ``25.83`` / ``0.0``, timestamps ``YYYY-MM-DDTHH:MM:SS.ffffff``, dates ``YYYY-MM-DD``,
booleans ``True`` / ``False``.
"""

import numpy as np

# padding / case variants: (case, left spaces, right spaces); index 0 is the plain lower form
NOISE_VARIANTS = ([(case, n, n) for case in ("lower", "upper", "title") for n in (0, 1, 2)]
                  + [("lower", 1, 2), ("lower", 2, 1)])


def money_text(cents: np.ndarray) -> np.ndarray:
    """Integer cents -> ``'25.83'`` / ``'364.0'`` / ``'0.0'`` (at most 2 decimals)."""
    return np.array([repr(x) for x in (np.asarray(cents, dtype=np.float64) / 100.0).tolist()],
                    dtype=object)


def money_text_2dp(cents: np.ndarray) -> list[str]:
    """Integer cents -> text with exactly two decimals (``'-3.05'``, ``'0.00'``)."""
    return [("-" if c < 0 else "") + f"{abs(c) // 100}.{abs(c) % 100:02d}"
            for c in np.asarray(cents).tolist()]


def timestamp_text(us: np.ndarray) -> np.ndarray:
    """Microseconds since epoch -> ``YYYY-MM-DDTHH:MM:SS.ffffff``."""
    return np.datetime_as_string(np.asarray(us, dtype=np.int64).astype("datetime64[us]"),
                                 unit="us").astype(object)


def date_text(day: np.ndarray) -> np.ndarray:
    """Days since epoch -> ``YYYY-MM-DD``."""
    return np.datetime_as_string(np.asarray(day, dtype=np.int64).astype("datetime64[D]"),
                                 unit="D").astype(object)


def id_text(prefix: str, nums: np.ndarray, width: int = 0) -> np.ndarray:
    """Ids such as ``CART-00012345``: ``prefix`` + number, zero-padded to ``width`` digits."""
    s = np.asarray(nums, dtype=np.int64).astype(str)
    if s.size == 0:
        return np.empty(0, dtype=object)
    if width:
        s = np.char.zfill(s, width)
    return np.char.add(prefix, s).astype(object)


def bool_text(x: np.ndarray) -> np.ndarray:
    """Booleans -> ``'True'`` / ``'False'``."""
    return np.where(np.asarray(x, dtype=bool), "True", "False").astype(object)


def int_text(x: np.ndarray) -> np.ndarray:
    """Integers -> decimal text."""
    return np.asarray(x, dtype=np.int64).astype(str).astype(object)


def blank_where(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Copy of an object array with ``None`` (= empty field) where ``mask``."""
    out = np.asarray(values, dtype=object).copy()
    out[np.asarray(mask, dtype=bool)] = None
    return out


def concat_text(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays / scalars (object result)."""
    out = np.asarray(parts[0]).astype(str)
    for p in parts[1:]:
        out = np.char.add(out, np.asarray(p).astype(str))
    return out.astype(object)


def add_case_noise(rng: np.random.Generator, values: np.ndarray, rate: float,
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
        out[idx] = concat_text(" " * left, s, " " * right) if (left or right) else s.astype(object)
    return out
