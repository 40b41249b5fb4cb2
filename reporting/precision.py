"""Targets by precision beside the Krejcie–Morgan target: the responses needed for a 95 % margin of
± PRECISION_TARGET_MARGIN IK points given the unit's observed spread (reporting/uncertainty.py)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from responses.disclosure import is_small, min_cell, sees_rows
from surveys.models import InstrumentVersion, Period, Unit

from . import uncertainty
from .indices import Scale
from .models import Level, Snapshot

NEEDED = "needed"
NO_SPREAD = "no_spread"  # fewer than two counted responses: no spread observed yet
ZERO_SPREAD = "zero_spread"  # every response gave the same total: the spread is nil so far
HIDDEN = "hidden"  # a UPT reader and fewer than k responses (responses.disclosure)


@dataclass(frozen=True)
class PrecisionTarget:
    """One index's target by precision: `needed` responses for ± `margin` (None unless kind is NEEDED)."""

    index_code: str
    margin: float
    kind: str
    needed: int | None = None
    counted: int = 0
    spread_period: Period | None = None  # the period whose spread was used, when not the one shown

    @property
    def hidden_label(self) -> str:
        return f"< {min_cell()}"


def precision_of(snapshot: Snapshot | None, version: InstrumentVersion, *, restricted: bool = False,
                 margin: float | None = None, spread_period: Period | None = None) -> PrecisionTarget:
    """The target by precision from one scope's snapshot (n, Σt, Σt² and the population it keeps)."""
    margin = settings.PRECISION_TARGET_MARGIN if margin is None else margin
    code = version.instrument.index_code
    n = snapshot.n_counted if snapshot is not None else 0
    if restricted and is_small(n):
        return PrecisionTarget(code, margin, HIDDEN, counted=n)
    if snapshot is None or n < 2:
        return PrecisionTarget(code, margin, NO_SPREAD, counted=n)
    variance = uncertainty.ik_variance(
        uncertainty.Moments(n, snapshot.score_total, snapshot.score_squares),
        indicators=len(snapshot.indicators) or version.indicators.count(),
        scale=Scale(version.scale_min, version.scale_max))
    if not variance:
        return PrecisionTarget(code, margin, ZERO_SPREAD, counted=n)
    needed = uncertainty.precision_target(float(variance) ** 0.5, margin, snapshot.ik_population)
    return PrecisionTarget(code, margin, NEEDED, needed, n, spread_period)


def precision_targets(snapshots: Sequence[Snapshot | None], versions: Iterable[InstrumentVersion], *,
                      restricted: bool = False) -> list[PrecisionTarget]:
    """One target by precision per instrument version (snapshots in the same order, None where missing)."""
    return [precision_of(s, v, restricted=restricted) for s, v in zip(snapshots, versions, strict=True)]


def unit_precision_targets(unit: Unit, period: Period, *, restricted: bool = False) -> list[PrecisionTarget]:
    """The unit's targets by precision for `period`; an instrument without responses yet in it uses the spread
    of the unit's latest earlier period of the same instrument (said beside the figure)."""
    result = []
    for version in period.versions_in_order():
        current = (Snapshot.objects.current().filter(level=Level.UNIT, unit=unit, service=None, period=period,
                                                     version__instrument=version.instrument_id)
                   .select_related("version").first())
        if current is not None and current.n_counted >= 2:
            result.append(precision_of(current, current.version, restricted=restricted))
            continue
        earlier = (Snapshot.objects.current()
                   .filter(level=Level.UNIT, unit=unit, service=None, version__instrument=version.instrument_id,
                           period__programme=period.programme, period__starts_on__lt=period.starts_on,
                           n_counted__gte=2)
                   .select_related("version", "period").order_by("-period__starts_on").first())
        if earlier is None:
            result.append(precision_of(current, version, restricted=restricted))
        else:
            result.append(precision_of(earlier, earlier.version, restricted=restricted,
                                       spread_period=earlier.period))
    return result


def unit_precision_panel(*, unit: Unit, period: Period, request) -> SafeString:
    """settings.TARGET_PRECISION_HOOK: the targets by precision for the targets page (surveys may not import
    reporting), under the disclosure policy for the unit's own officers."""
    targets = unit_precision_targets(unit, period, restricted=not sees_rows(request.user))
    return render_to_string("reporting/includes/precision_targets.html", {"precision": targets}, request=request)
