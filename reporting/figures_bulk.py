"""reporting.figures for many scopes at once: the same stored figures, computed column-wise with numpy.

A national recompute computes ~10,000 scopes (every UPT's services, the UPTs, Kanwil and nation), each with
three figures (official, without flagged responses, ticket-verified) and an interval. Done one scope at a
time in Python that is most of the recompute's time, so the common case is computed here over whole columns:

- a figure whose every indicator was answered by every counted response (one count for all indicators: the
  public form requires every indicator) has the exact composite NRR Σsum / (count · k), so its NRR, IK and
  category are integer arithmetic on int64 columns, exactly as `figures.figure` computes them;
- the interval uses the same floating-point operations as `figures.spread` in the same order (IEEE division
  and square root are correctly rounded, and every integer is converted exactly, below 2⁵³), so it gives the
  same floats;
- a stored bound rounded half-up from a float is taken from the float only when it is not within 10⁻⁶ of a
  half (where `Decimal(repr(x)).quantize` and the float could disagree).

A scope outside that case (an indicator left unanswered by someone, integers too large for exact floats, a
bound next to a half) is marked in `Bulk.exact_only`; the caller computes it with `figures.figure` and
`figures.spread`, the reference, so every stored figure is the reference's. Pure: no Django, no ORM.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from . import uncertainty
from .figures import DECIMALS, TEXTS, Layout

# Sums layout of one scope (reporting.snapshot_sums): 7 counts and moments, then six blocks of `width` sums.
N_COUNTED, N_FLAGGED, N_REJECTED, N_TICKETED, LAST_ID, T_SUM, T_SQUARES = range(7)
HEAD = 7
EXACT_FLOAT = 2**52  # integers below this convert to float exactly, with room for one product
HALF_MARGIN = 1e-6  # a stored bound this close to a half (scaled) is rounded by the reference instead
SHOWN_MARGIN = 1e-3  # figures._shown's window: an interval bound this close to a half decides categories exactly

_QUOTED = np.array([f'"{t}"' for t in TEXTS] + ["null"], dtype=object)  # by hundredths; -1: unanswered
_DECIMALS_OR_NONE = [*DECIMALS, None]  # by hundredths; -1: no figure


@dataclass
class Variant:
    """One figure (official, without flagged, or ticket-verified) of every scope, column-wise."""

    hundredths: np.ndarray  # NRR_i in hundredths (n × k), -1 where the figure is empty
    nrr: list  # Decimal | None
    ik: list
    category: list  # str
    exact: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # NRR num, den and IK num, den (int64)
    empty: np.ndarray  # bool: nobody answered


@dataclass
class Bulk:
    """Stored figures of n scopes of one instrument version, in FIGURE_FIELDS order, and their exact NRR and IK;
    rows with `exact_only` set are to be computed by the scalar reference instead."""

    values: list[tuple]
    exact_columns: list[list[int]]  # NRR num, den and IK num, den
    empty: list[bool]
    exact_only: np.ndarray

    def exact(self, row: int) -> tuple:
        """((NRR num, den), (IK num, den)) of one scope, (None, None) where nobody answered."""
        if self.empty[row]:
            return None, None
        num, den, ik_num, ik_den = self.exact_columns
        return (num[row], den[row]), (ik_num[row], ik_den[row])


def _variant(sums: np.ndarray, counts: np.ndarray, layout: Layout, exact_only: np.ndarray) -> Variant:
    width = layout.width
    first = counts[:, 0]
    empty = ~counts.any(axis=1)
    single = (counts == first[:, None]).all(axis=1) & (first > 0)
    exact_only |= ~(single | empty) | (counts >= 2**31).any(axis=1) | (sums >= 2**31).any(axis=1)
    safe = np.where(single, first, 1)
    texts = (200 * sums + safe[:, None]) // (2 * safe[:, None])
    outside = (texts < 0) | (texts > 1000)  # beyond the lookup table (left to the reference)
    exact_only |= outside.any(axis=1) & ~empty
    texts[outside | empty[:, None]] = -1
    num, den = sums.sum(axis=1), safe * width
    span, minimum = layout.scale.maximum - layout.scale.minimum, layout.scale.minimum
    ik_num, ik_den = 25 * span * den + 75 * (num - minimum * den), span * den
    nrr_h = (200 * num + den) // (2 * den)
    ik_h = (200 * ik_num + ik_den) // (2 * ik_den)
    outside = (nrr_h < 0) | (nrr_h > 10000) | (ik_h < 0) | (ik_h > 10000)
    exact_only |= outside & ~empty
    category = np.full(len(first), "", dtype=object)
    assigned = empty.copy()
    for code, low, high in layout._bounds:  # type: ignore[attr-defined]  # first matching band, as Layout.category
        match = ~assigned & (ik_h >= float(low)) & (ik_h <= float(high))
        category[match] = code
        assigned |= match
    nrr_h, ik_h = np.where(empty | outside, -1, nrr_h), np.where(empty | outside, -1, ik_h)
    lookup = _DECIMALS_OR_NONE
    return Variant(texts, [lookup[h] for h in nrr_h.tolist()], [lookup[h] for h in ik_h.tolist()],
                   category.tolist(), (num, den, ik_num, ik_den), empty)


def _half_up(values: np.ndarray, scale: float, exact_only: np.ndarray, rows: np.ndarray,
             margin: float = HALF_MARGIN) -> np.ndarray:
    """values·scale rounded half-up to integers, as Decimal(repr(v)).quantize(1/scale, ROUND_HALF_UP) rounds
    them; `rows` whose scaled value is next to a half are left to the reference."""
    scaled = values * scale
    whole = np.floor(scaled)
    rest = scaled - whole
    exact_only |= rows & (np.abs(rest - 0.5) < margin)
    return (whole + (rest > 0.5)).astype(np.int64)


def _decimal(h: int, places: int) -> Decimal:
    if places == 2 and 0 <= h <= 10000:
        return DECIMALS[h]
    return Decimal(h).scaleb(-places)


def _intervals(matrix: np.ndarray, full: Variant, layout: Layout, populations: list, exact_only: np.ndarray):
    """ik_se, ik_margin_95, ik_low_95, ik_high_95 and ik_categories_95 columns, as figures.spread computes them."""
    n = matrix[:, N_COUNTED]
    total, squares = matrix[:, T_SUM], matrix[:, T_SQUARES]
    rows = (n >= 2) & ~full.empty
    slope_den = layout.width * (layout.scale.maximum - layout.scale.minimum)
    nf = n.astype(np.float64)
    _num, _den, ik_num, ik_den = full.exact
    # Every integer of the variance must convert to float exactly (the reference divides Python integers).
    exact_only |= rows & ((squares.astype(np.float64) * nf * 5625 >= EXACT_FLOAT)
                          | (nf * nf * slope_den * slope_den >= EXACT_FLOAT)
                          | (ik_num.astype(np.float64) >= EXACT_FLOAT) | (ik_den.astype(np.float64) >= EXACT_FLOAT))
    rows &= ~exact_only
    safe_n = np.where(rows, n, 2)
    var_num = 5625 * np.maximum(np.where(rows, squares, 0) * safe_n - np.where(rows, total, 0) ** 2, 0)
    var_den = slope_den * slope_den * safe_n * (safe_n - 1)
    variance = var_num.astype(np.float64) / var_den.astype(np.float64)
    population = np.array([p if p else 0 for p in populations], dtype=np.float64)
    known = population > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        fpc = np.where(known & (nf < population), np.sqrt(1 - nf / np.where(known, population, 1.0)),
                       np.where(known, 0.0, 1.0))
    se = np.sqrt(variance) / np.sqrt(safe_n.astype(np.float64)) * fpc
    df = safe_n - 1
    unique, inverse = np.unique(df, return_inverse=True)
    quantile = np.array([uncertainty.t_quantile_975(int(d)) for d in unique.tolist()])[inverse]
    margin = quantile * se
    centre = np.where(rows, ik_num, 0).astype(np.float64) / np.where(rows, ik_den, 1).astype(np.float64)
    low, high = centre - margin, centre + margin
    # figures._shown: the bounds in hundredths; next to a half only the exact path decides.
    low_h, high_h = (_half_up(v, 100, exact_only, rows, SHOWN_MARGIN) for v in (low, high))
    rows &= ~exact_only
    own = full.category
    own_array = np.array(own, dtype=object)
    touched = []
    for k, (band, (code, b_min, b_max)) in enumerate(zip(layout.bands, layout._bounds,  # type: ignore[attr-defined]
                                                         strict=True)):
        hit = rows & (float(b_max) >= low_h) & (float(b_min) <= high_h) & (own_array != code)
        distance = np.minimum(np.abs(float(band.min) - centre), np.abs(float(band.max) - centre))
        touched.append((k, code, hit, distance))
    se_h = _half_up(se, 10000, exact_only, rows)
    margin_h, low_2, high_2 = (_half_up(v, 100, exact_only, rows) for v in (margin, low, high))
    rows &= ~exact_only
    any_hit = np.zeros(len(n), dtype=bool)
    for _k, _code, hit, _distance in touched:
        any_hit |= hit
    columns = {name: [None] * len(n) for name in ("se", "margin", "low", "high")}
    categories = [""] * len(n)
    chosen = np.flatnonzero(rows).tolist()
    se_l, margin_l, low_l, high_l = se_h.tolist(), margin_h.tolist(), low_2.tolist(), high_2.tolist()
    hits = np.flatnonzero(any_hit).tolist()
    for i in chosen:
        columns["se"][i] = _decimal(se_l[i], 4)
        columns["margin"][i] = _decimal(margin_l[i], 2)
        columns["low"][i] = _decimal(low_l[i], 2)
        columns["high"][i] = _decimal(high_l[i], 2)
        categories[i] = own[i]
    for i in hits:
        others = sorted((float(distance[i]), k, code) for k, code, hit, distance in touched if hit[i])
        categories[i] = ",".join(([own[i]] if own[i] else []) + [code for _d, _k, code in others])
    return columns["se"], columns["margin"], columns["low"], columns["high"], categories


def bulk_values(matrix: np.ndarray, period_width: int, layout: Layout, template: str, order: tuple[str, ...],
                last_at: list, populations: list) -> Bulk:
    """The stored figures (FIGURE_FIELDS order, unit sums left empty) of the scopes whose sums are the rows of
    `matrix` (reporting.snapshot_sums layout, blocks `period_width` wide), all of one instrument version."""
    count = len(matrix)
    width = layout.width
    exact_only = np.zeros(count, dtype=bool)

    def block(k: int) -> np.ndarray:
        start = HEAD + k * period_width
        return matrix[:, start:start + width]

    variants = [_variant(block(2 * v), block(2 * v + 1), layout, exact_only) for v in range(3)]
    full, unflagged, ticketed = variants
    se, margin, low, high, categories = _intervals(matrix, full, layout, populations, exact_only)
    columns = {"nrr": _QUOTED[full.hundredths], "sum": block(0), "count": block(1),
               "nrr_unflagged": _QUOTED[unflagged.hundredths], "sum_unflagged": block(2),
               "count_unflagged": block(3), "nrr_ticketed": _QUOTED[ticketed.hundredths],
               "sum_ticketed": block(4), "count_ticketed": block(5)}
    arguments = np.stack([columns[k].astype(object) for k in order], axis=2).reshape(count, -1).tolist()
    indicators = [template % tuple(row) for row in arguments]
    head = matrix[:, :HEAD].tolist()
    none, blank = [None] * count, [""] * count
    values = list(zip(
        [h[N_COUNTED] for h in head], [h[N_FLAGGED] for h in head], [h[N_REJECTED] for h in head], indicators,
        last_at, full.nrr, full.ik, full.category, unflagged.nrr, unflagged.ik, unflagged.category,
        [h[N_TICKETED] for h in head], ticketed.nrr, ticketed.ik, ticketed.category, none, none, blank, blank,
        [0] * count, [h[T_SUM] for h in head], [h[T_SQUARES] for h in head], populations, se, margin, low, high,
        categories, strict=True))
    return Bulk(values, [a.tolist() for a in full.exact], full.empty.tolist(), exact_only)

