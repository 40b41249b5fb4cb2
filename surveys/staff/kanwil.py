"""Kanwil pages: the period overview of all its units' targets and access points, and region-wide extra items."""
from collections import defaultdict

from django.db.models import Count, Q
from django.shortcuts import render

from ..access import kanwil_in_scope, selected_period, staff_required
from ..models import Target, Unit
from .units import _extra_items_page


def unit_overview_rows(units, period) -> list[dict]:
    """Per unit: services, services with a population, population, target and enabled access points."""
    units = units.annotate(
        n_services=Count("services", filter=Q(services__active=True), distinct=True),
        n_points=Count("access_points", filter=Q(access_points__enabled=True), distinct=True),
    )
    sums = defaultdict(lambda: {"entered": 0, "population": 0, "target": 0})
    if period is not None:
        targets = Target.objects.filter(period=period, service__unit__in=units, service__active=True)
        for unit_id, population, sample, adjusted in targets.values_list(
            "service__unit_id", "population", "sample_target", "adjusted_target"
        ):
            row = sums[unit_id]
            row["entered"] += 1
            row["population"] += population
            row["target"] += sample if adjusted is None else adjusted
    return [{"unit": u, **sums[u.pk], "complete": sums[u.pk]["entered"] >= u.n_services} for u in units]


@staff_required
def kanwil_detail(request, code):
    kanwil = kanwil_in_scope(request.user, code)
    period = selected_period(request)
    units = Unit.objects.visible_to(request.user).filter(kanwil=kanwil)
    rows = unit_overview_rows(units, period)
    return render(request, "surveys/kanwil_detail.html", {
        "kanwil": kanwil, "units": units, "period": period, "rows": rows,
        "totals": {k: sum(r[k] for r in rows) for k in ("population", "target")},
        "incomplete": sum(1 for r in rows if not r["complete"]),
    })


@staff_required
def kanwil_extra_items(request, code):
    kanwil = kanwil_in_scope(request.user, code)
    period = selected_period(request)
    return _extra_items_page(request, owner_kwargs={"kanwil": kanwil}, period=period, back=request.get_full_path(),
                             template_context={"kanwil": kanwil, "owner_name": kanwil.name, "inherited": []})
