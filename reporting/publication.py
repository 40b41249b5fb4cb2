"""The publication rule: which final figures the public may read, and how each is marked.

One final snapshot (with its target) in, one `PublishedFigure` out. The public results pages use it, and a
future open-data API should too, so a figure is never published by one channel and withheld by another:

- fewer than `PUBLIC_MIN_RESPONSES` counted responses (10): SUPPRESSED, shown as "belum cukup data", with no
  NRR, IK or category;
- fewer than `PUBLIC_SMALL_SAMPLE_RESPONSES` (30): SMALL_SAMPLE, published and marked as a small sample;
- otherwise PUBLISHED.

Below its target sample a figure is published with the "sampel belum memenuhi" warning (methodology
section 5, item 9); that is independent of the state above.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from django.conf import settings

from surveys.models import localized

from .figures import Layout, figure
from .indices import Band, Scale, UnitAverage, unit_average
from .models import Snapshot
from .selectors import band_label


class State(StrEnum):
    PUBLISHED = "published"
    SMALL_SAMPLE = "small_sample"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True)
class Thresholds:
    minimum: int  # below this many counted responses a figure is not published
    small_sample: int  # below this many it is published and marked

    @classmethod
    def from_settings(cls) -> Thresholds:
        return cls(settings.PUBLIC_MIN_RESPONSES, settings.PUBLIC_SMALL_SAMPLE_RESPONSES)


def publication_state(n_counted: int, thresholds: Thresholds) -> State:
    if n_counted < thresholds.minimum:
        return State.SUPPRESSED
    if n_counted < thresholds.small_sample:
        return State.SMALL_SAMPLE
    return State.PUBLISHED


@dataclass(frozen=True)
class PublishedFigure:
    """One public figure (IPAK or IPKP of one scope and period) with everything a reader needs to judge it.

    `nrr`, `ik`, `category` and `category_label` are None/"" when the figure is suppressed. Numbers stay
    Decimal/int so that templates format them for the reader's language.
    """

    state: State
    instrument_code: str
    index_code: str
    index_name: str
    version_number: int
    scale_min: int
    scale_max: int
    n_counted: int
    n_flagged: int
    n_rejected: int
    computed_at: datetime
    revision: int
    target: int | None
    below_target: bool
    nrr: Decimal | None
    ik: Decimal | None
    category: str
    category_label: str
    # Kanwil and national figures: the unweighted mean over the units whose own figure is published.
    unit_average_nrr: Decimal | None = None
    unit_average_ik: Decimal | None = None
    unit_average_units: int = 0
    # How sure the IK is (reporting/uncertainty.py): 95 % margin, bounds, categories the interval touches.
    ik_margin_95: Decimal | None = None
    ik_low_95: Decimal | None = None
    ik_high_95: Decimal | None = None
    ik_categories_95: str = ""

    @property
    def published(self) -> bool:
        return self.state != State.SUPPRESSED

    @property
    def small_sample(self) -> bool:
        return self.state == State.SMALL_SAMPLE

    def as_dict(self) -> dict:
        """Plain JSON-ready values (decimals as strings), e.g. for an open-data API."""
        return {
            "state": str(self.state), "instrument": self.instrument_code, "index": self.index_code,
            "index_name": self.index_name, "version": self.version_number,
            "scale": [self.scale_min, self.scale_max], "n_counted": self.n_counted, "n_flagged": self.n_flagged,
            "n_rejected": self.n_rejected, "computed_at": self.computed_at.isoformat(), "revision": self.revision,
            "target": self.target, "below_target": self.below_target,
            "nrr": _text(self.nrr), "ik": _text(self.ik), "category": self.category or None,
            "ik_margin_95": _text(self.ik_margin_95),
            "ik_interval_95": None if self.ik_margin_95 is None else [_text(self.ik_low_95), _text(self.ik_high_95)],
            "ik_categories_95": [c for c in self.ik_categories_95.split(",") if c],
            "unit_average": None if self.unit_average_nrr is None else {
                "nrr": _text(self.unit_average_nrr), "ik": _text(self.unit_average_ik),
                "units": self.unit_average_units,
            },
        }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def publish(snapshot: Snapshot, *, target: int | None = None, unit_average: UnitAverage | None = None,
            thresholds: Thresholds | None = None) -> PublishedFigure:
    """The public record of one (final) snapshot; `target` is the scope's target sample (None: not set)."""
    thresholds = thresholds or Thresholds.from_settings()
    state = publication_state(snapshot.n_counted, thresholds)
    version = snapshot.version
    instrument = version.instrument
    shown = state != State.SUPPRESSED
    average = unit_average if shown and unit_average is not None and unit_average.units else None
    return PublishedFigure(
        state=state,
        instrument_code=instrument.code,
        index_code=instrument.index_code,
        index_name=localized(instrument, "index_name"),
        version_number=version.number,
        scale_min=version.scale_min,
        scale_max=version.scale_max,
        n_counted=snapshot.n_counted,
        n_flagged=snapshot.n_flagged,
        n_rejected=snapshot.n_rejected,
        computed_at=snapshot.computed_at,
        revision=snapshot.revision,
        target=target or None,
        below_target=bool(target) and snapshot.n_counted < target,
        nrr=snapshot.nrr if shown else None,
        ik=snapshot.ik if shown else None,
        category=snapshot.category if shown else "",
        category_label=band_label(version, snapshot.category) if shown else "",
        unit_average_nrr=average.nrr if average else None,
        unit_average_ik=average.ik if average else None,
        unit_average_units=average.units if average else 0,
        ik_margin_95=snapshot.ik_margin_95 if shown else None,
        ik_low_95=snapshot.ik_low_95 if shown else None,
        ik_high_95=snapshot.ik_high_95 if shown else None,
        ik_categories_95=snapshot.ik_categories_95 if shown else "",
    )


def published_unit_average(unit_snapshots: Iterable[Snapshot], *,
                           thresholds: Thresholds | None = None) -> UnitAverage:
    """The unweighted mean of the units' indices over the units whose own figure is published, computed
    exactly from their stored integer sums, so a reader can check it against the per-UPT table."""
    thresholds = thresholds or Thresholds.from_settings()
    results = []
    for snapshot in unit_snapshots:
        if publication_state(snapshot.n_counted, thresholds) == State.SUPPRESSED:
            continue
        results.append(_exact_index(snapshot))
    return unit_average(results)


def _exact_index(snapshot: Snapshot) -> _Exact:
    """A unit snapshot's exact NRR and IK from its stored sums (reporting.figures, integers only), kept on the
    snapshot: the open-data API averages each UPT into its Kanwil's and the nation's figure."""
    cached = snapshot.__dict__.get("_exact_index")
    if cached is None:
        version = snapshot.version
        rows = snapshot.indicators
        result = figure([int(row.get("sum") or 0) for row in rows], [int(row.get("count") or 0) for row in rows],
                        Layout(len(rows), Scale(version.scale_min, version.scale_max),
                               tuple(Band.from_dict(b) for b in version.bands)))
        cached = snapshot.__dict__["_exact_index"] = _Exact(
            None if result.nrr_exact is None else Fraction(*result.nrr_exact),
            None if result.ik_exact is None else Fraction(*result.ik_exact))
    return cached


@dataclass(frozen=True)
class _Exact:
    nrr_exact: Fraction | None
    ik_exact: Fraction | None
