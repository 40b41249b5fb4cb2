"""IPAK/IPKP maths (docs/methodology.md §5): integer sums in, exact fractions and rounded figures out.

Pure: no Django, no ORM. Terms, defined once:
- NRR_i (nilai rata-rata per indikator): the mean score given to indicator i by the counted responses.
- NRR (composite): Σ NRR_i × 1/n over the n indicators, with the exact weight 1/n. The index on the
  instrument's own scale (IPAK or IPKP) is this NRR.
- IK (indeks konversi): the NRR mapped linearly onto 1–4 and multiplied by 25 (range 25–100).
- Category (mutu pelayanan): the band of the instrument version holding the IK *as rounded for display*.

Everything is computed exactly with `Fraction` and rounded once, half-up to 2 decimals, for display.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, overload

TWO_PLACES = Decimal("0.01")


@overload
def round_half_up(value: Fraction) -> Decimal: ...
@overload
def round_half_up(value: None) -> None: ...
@overload
def round_half_up(value: Fraction | None) -> Decimal | None: ...
def round_half_up(value: Fraction | None) -> Decimal | None:
    """The exact value rounded half-up to 2 decimals (3.14500 -> 3.15), None stays None."""
    if value is None:
        return None
    # Decimal division is inexact for e.g. 1/3, so round on the integer numerator first.
    hundredths, remainder = divmod(value.numerator * 100, value.denominator)
    if remainder * 2 >= value.denominator:
        hundredths += 1
    return Decimal(hundredths).scaleb(-2)


@dataclass(frozen=True)
class Band:
    """A category of mutu pelayanan on the IK: min and max inclusive, on 2-decimal figures."""

    code: str
    min: Decimal
    max: Decimal
    label: str = ""

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> Band:
        return cls(code=row["code"], min=Decimal(str(row["min"])), max=Decimal(str(row["max"])),
                   label=row.get("label", ""))


@dataclass(frozen=True)
class Scale:
    minimum: int
    maximum: int

    def __post_init__(self) -> None:
        if self.maximum <= self.minimum:
            raise ValueError("scale maximum must exceed its minimum")


@dataclass(frozen=True)
class IndicatorTotal:
    """Integer sum and count of the scores given to one indicator in one scope."""

    code: str
    sum: int
    count: int

    def __add__(self, other: IndicatorTotal) -> IndicatorTotal:
        if other.code != self.code:
            raise ValueError(f"cannot add {other.code} to {self.code}")
        return IndicatorTotal(self.code, self.sum + other.sum, self.count + other.count)


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    sum: int
    count: int
    nrr_exact: Fraction | None

    @cached_property
    def nrr(self) -> Decimal | None:
        return round_half_up(self.nrr_exact)


@dataclass(frozen=True)
class IndexResult:
    """The index of one scope: None everywhere (never zero) when nothing was counted."""

    indicators: tuple[IndicatorResult, ...]
    nrr_exact: Fraction | None
    ik_exact: Fraction | None
    category: str

    @cached_property
    def nrr(self) -> Decimal | None:
        return round_half_up(self.nrr_exact)

    @cached_property
    def ik(self) -> Decimal | None:
        return round_half_up(self.ik_exact)

    @property
    def is_empty(self) -> bool:
        return self.nrr_exact is None

    def weakest(self) -> IndicatorResult | None:
        """The indicator with the lowest NRR (first in order on a tie)."""
        scored = [(i.nrr_exact, position, i) for position, i in enumerate(self.indicators) if i.nrr_exact is not None]
        return min(scored, key=lambda row: (row[0], row[1]))[2] if scored else None


def indicator_nrr(total: int, count: int) -> Fraction | None:
    """Mean score of one indicator; None when nobody answered it (unanswered is not zero)."""
    if count < 0 or total < 0:
        raise ValueError("sums and counts cannot be negative")
    return Fraction(total, count) if count else None


def composite_nrr(nrrs: Sequence[Fraction | None]) -> Fraction | None:
    """Σ NRR_i × 1/n with the exact weight 1/n over the indicators that have answers."""
    values = [v for v in nrrs if v is not None]
    if not values:
        return None
    # One exact sum over a common denominator (much faster than adding Fractions one by one).
    common = math.lcm(*(v.denominator for v in values))
    return Fraction(sum(v.numerator * (common // v.denominator) for v in values), common * len(values))


@overload
def converted_index(nrr: Fraction, scale: Scale) -> Fraction: ...
@overload
def converted_index(nrr: Fraction | None, scale: Scale) -> Fraction | None: ...
def converted_index(nrr: Fraction | None, scale: Scale) -> Fraction | None:
    """IK: map the NRR linearly onto 1–4 (x4 = 1 + 3·(x − min)/(max − min)), then × 25."""
    if nrr is None:
        return None
    on_four = 1 + Fraction(3) * (nrr - scale.minimum) / (scale.maximum - scale.minimum)
    return on_four * 25


def category_for(ik: Fraction | Decimal | None, bands: Iterable[Band]) -> str:
    """The band code holding the IK rounded half-up to 2 decimals ('' when none or no index)."""
    if ik is None:
        return ""
    shown = ik if isinstance(ik, Decimal) else round_half_up(ik)
    shown = shown.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    for band in bands:
        if band.min <= shown <= band.max:
            return band.code
    return ""


def compute_index(totals: Sequence[IndicatorTotal], *, scale: Scale, bands: Sequence[Band]) -> IndexResult:
    """NRR_i per indicator, composite NRR, IK and category for one scope (one instrument version)."""
    indicators = tuple(IndicatorResult(t.code, t.sum, t.count, indicator_nrr(t.sum, t.count)) for t in totals)
    nrr = composite_nrr([i.nrr_exact for i in indicators])
    ik = converted_index(nrr, scale)
    return IndexResult(indicators=indicators, nrr_exact=nrr, ik_exact=ik, category=category_for(ik, bands))


def pool(scopes: Iterable[Sequence[IndicatorTotal]]) -> list[IndicatorTotal]:
    """Pooled totals of several scopes (respondent-weighted Kanwil and national figures)."""
    pooled: dict[str, IndicatorTotal] = {}
    for totals in scopes:
        for t in totals:
            pooled[t.code] = pooled[t.code] + t if t.code in pooled else t
    return list(pooled.values())


@dataclass(frozen=True)
class UnitAverage:
    """The unweighted mean of unit indices, over the units that have an index."""

    nrr_exact: Fraction | None
    ik_exact: Fraction | None
    units: int

    @property
    def nrr(self) -> Decimal | None:
        return round_half_up(self.nrr_exact)

    @property
    def ik(self) -> Decimal | None:
        return round_half_up(self.ik_exact)


def unit_average(results: Iterable[IndexResult]) -> UnitAverage:
    """Mean of the exact unit NRRs and IKs (each unit weighs the same), rounded once for display."""
    scored = [(r.nrr_exact, r.ik_exact) for r in results if r.nrr_exact is not None and r.ik_exact is not None]
    if not scored:
        return UnitAverage(None, None, 0)
    n = len(scored)
    return UnitAverage(
        nrr_exact=sum((nrr for nrr, _ in scored), Fraction(0)) / n,
        ik_exact=sum((ik for _, ik in scored), Fraction(0)) / n,
        units=n,
    )
