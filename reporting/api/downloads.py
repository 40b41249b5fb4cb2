"""Open data files of /hasil/: the published figures of one closed period as CSV (UTF-8) and JSON, and the
Frictionless table schema that describes every CSV column. Licence: CC BY 4.0.

The rows are `figures.published_rows`, the same as the API's and, through `publish`, the public pages'.
"""
import csv
import io
import json

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from surveys.models import Kanwil, Period

from . import figures

LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}

# (name, Frictionless type, description); the CSV has exactly these columns, in this order.
FIELDS = [
    ("period_id", "integer", "Period id (as in /api/v1/periods)."),
    ("period_name", "string", "Period name, e.g. 'Triwulan IV 2026'."),
    ("level", "string", "Scope of the figure: unit (one UPT), kanwil (a region's pooled respondents) or nation."),
    ("kanwil_code", "string", "Code of the Kanwil (empty for the nation)."),
    ("kanwil_name", "string", "Name of the Kanwil."),
    ("unit_code", "string", "Code of the UPT (empty for Kanwil and nation rows)."),
    ("unit_name", "string", "Name of the UPT."),
    ("unit_kind", "string", "Kind of UPT: lapas, rutan, lpka, bapas, rupbasan, lpp, kanim, rudenim."),
    ("instrument", "string", "Survey instrument: SPAK (anti-corruption) or SPKP (service quality)."),
    ("index", "string", "Index: IPAK or IPKP."),
    ("version", "integer", "Instrument version number."),
    ("scale_min", "integer", "Lowest answer on the version's scale."),
    ("scale_max", "integer", "Highest answer on the version's scale."),
    ("state", "string", "published; small_sample (published, fewer than 30 counted responses); suppressed "
                        "(fewer than 10: NRR, IK, category and indicator means left empty)."),
    ("nrr", "number", "Nilai rata-rata: mean of the indicator means on the version's scale, 2 decimals."),
    ("ik", "number", "Index on 25-100 (NRR rescaled to 1-4, times 25), 2 decimals."),
    ("category", "string", "Category band of the IK: A, B, C or D."),
    ("margin_of_error", "number", "Margin of error of the IK, when computed for the figure (else empty)."),
    ("indicator_nrr", "string", "Mean per indicator, 'CODE=value' pairs separated by ';' (empty if suppressed)."),
    ("n_counted", "integer", "Counted responses (accepted, after review)."),
    ("n_flagged", "integer", "Counted responses carrying a validity flag."),
    ("n_rejected", "integer", "Responses excluded by a reviewer."),
    ("target", "integer", "Target sample of the scope (sum of its UPTs' targets; empty when not set)."),
    ("below_target", "boolean", "true when fewer responses were counted than the target."),
    ("participation_percent", "number", "n_counted / target x 100, 2 decimals."),
    ("unit_average_nrr", "number", "Kanwil and nation: unweighted mean NRR of the UPTs whose figure is published."),
    ("unit_average_ik", "number", "Kanwil and nation: unweighted mean IK of the UPTs whose figure is published."),
    ("unit_average_units", "integer", "Number of UPTs in that mean."),
    ("revision", "integer", "Revision of the final figure (a correction after closing adds one)."),
    ("computed_at", "datetime", "When the figure was computed (ISO 8601 with offset)."),
]


def table_schema() -> dict:
    return {
        "fields": [{"name": n, "type": t, "description": d, **({"format": "any"} if t == "datetime" else {})}
                   for n, t, d in FIELDS],
        "missingValues": [""],
        "primaryKey": ["period_id", "level", "kanwil_code", "unit_code", "instrument"],
    }


def _csv_value(row: dict, name: str) -> str:
    if name == "indicator_nrr":
        return ";".join(f"{i['code']}={i['nrr']}" for i in row["indicators"] if i["nrr"] is not None)
    value = row[name]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if name == "computed_at":
        return value.isoformat()
    return str(value)


def csv_text(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([n for n, _, _ in FIELDS])
    for row in rows:
        writer.writerow([_csv_value(row, n) for n, _, _ in FIELDS])
    return out.getvalue()


def _rows(request, pk: int) -> tuple[Period, list[dict]]:
    period = get_object_or_404(Period, pk=pk, status=Period.Status.CLOSED)
    code = request.GET.get("kanwil", "")
    if code and not Kanwil.objects.filter(code=code).exists():
        raise Http404
    return period, figures.published_rows(figures.Filters(period_id=period.pk, kanwil_code=code))


def _name(period: Period, request, ext: str) -> str:
    code = request.GET.get("kanwil", "")
    return f"spak-spkp-{period.pk}{'-' + code if code else ''}.{ext}"


@require_GET
def figures_csv(request, pk):
    period, rows = _rows(request, pk)
    response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_name(period, request, "csv")}"'
    response["Link"] = f'<{reverse("open_data_table_schema")}>; rel="describedby"'
    return response


@require_GET
def figures_json(request, pk):
    period, rows = _rows(request, pk)
    body = {
        "licence": LICENCE, "schema": reverse("open_data_schema"),
        "period": {"id": period.pk, "name": period.name, "starts_on": period.starts_on.isoformat(),
                   "ends_on": period.ends_on.isoformat()},
        "figures": [{**r, "computed_at": r["computed_at"].isoformat()} for r in rows],
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_name(period, request, "json")}"'
    return response


@require_GET
def schema(request):
    """A Frictionless data package describing the CSV files (one resource per closed period)."""
    periods = Period.objects.filter(status=Period.Status.CLOSED, snapshots__is_final=True).distinct()
    package = {
        "profile": "tabular-data-package", "name": "spak-spkp-published-figures",
        "title": "SPAK/SPKP published figures (IPAK, IPKP)", "licenses": [LICENCE],
        "resources": [{"name": f"figures-{p.pk}", "path": reverse("open_data_csv", args=[p.pk]),
                       "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                       "encoding": "utf-8", "schema": reverse("open_data_table_schema")}
                      for p in periods.order_by("-starts_on")],
    }
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 1})


@require_GET
def table_schema_view(request):
    """The Frictionless table schema of the CSV files: every column, its type and meaning."""
    return JsonResponse(table_schema(), json_dumps_params={"ensure_ascii": False, "indent": 1})


def download_periods():
    """Closed periods with a final figure, newest first (the public index lists their files)."""
    return Period.objects.filter(status=Period.Status.CLOSED, snapshots__is_final=True).distinct().order_by(
        "-starts_on")
