"""Participation and results dashboards (UPT, Kanwil, Pusat) and the public methodology page."""
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from responses.disclosure import min_cell, sees_rows
from responses.review import services as review
from surveys.access import kanwil_in_scope, selected_period, staff_required, unit_in_scope
from surveys.models import Kanwil, Role, Unit, membership_of, sees_everything

from . import selectors
from .extra_items import unit_extra_results
from .free_text import text_answers
from .models import Level
from .precision import unit_precision_targets
from .publication import Thresholds
from .restricted import (
    restrict_access_points,
    restrict_extra,
    restrict_figures,
    restrict_flags,
    restrict_modes,
    restrict_participation,
    restrict_rates,
)
from .service_rates import scope_rates, unit_rates

SUGGESTIONS_PER_PAGE = 20


@staff_required
def dashboard_home(request):
    """Sends each user to the dashboard of their own scope."""
    if sees_everything(request.user):
        return redirect("dashboard_national")
    membership = membership_of(request.user)
    if membership.role == Role.KANWIL:
        return redirect("dashboard_kanwil", code=membership.kanwil.code)
    return redirect("dashboard_unit", code=membership.unit.code)


def _period_context(request):
    period = selected_period(request)
    return period, {"period": period, "periods": selectors.periods()}


@staff_required
def dashboard_unit(request, code):
    """A UPT's page. Read by its own officers under the disclosure policy (responses.disclosure): small cells
    "< k", free text in delayed batches with the date only, flags as period counts."""
    unit = unit_in_scope(request.user, code)
    restricted = not sees_rows(request.user)
    period, context = _period_context(request)
    context["unit"] = unit
    if period is None:
        return render(request, "reporting/dashboard_unit.html", context)
    participation = selectors.unit_participation(unit, period, today=timezone.localdate())
    snapshots = selectors.current_snapshots(period=period, level=Level.UNIT, unit=unit)
    extra = unit_extra_results(unit, period)
    q = request.GET.get("q", "").strip()[:100]
    # Which free text to list: the suggestions, or the answers to one of the unit's short-text items.
    text_item = next((i for i in extra.texts if request.GET.get("teks") == str(i.pk)), None)
    texts = text_answers([unit], period, item=text_item, q=q, batched=restricted)
    page = Paginator(texts, SUGGESTIONS_PER_PAGE).get_page(request.GET.get("hal"))
    figures = selectors.index_figures(period, snapshots, below_target=participation["below_target"])
    access_points = selectors.access_points_ranked(unit, period)
    flags = selectors.flag_counts(unit, period)
    modes = selectors.mode_shares(unit, period)
    rates = unit_rates(unit, period)
    if restricted:
        modes, rates = restrict_modes(modes), restrict_rates(rates)
        participation, extra = restrict_participation(participation), restrict_extra(extra)
        figures = restrict_figures(figures)
        access_points, flags = restrict_access_points(access_points), restrict_flags(flags)
    context.update(
        restricted=restricted,
        disclosure_k=min_cell(),
        disclosure_delay=settings.DISCLOSURE_TEXT_DELAY_HOURS,
        participation=participation,
        precision=unit_precision_targets(unit, period, restricted=restricted),
        figures=figures,
        access_points=access_points,
        flags=flags,
        modes=modes,
        service_rates=rates,
        suggestions=page,
        q=q,
        extra=extra,
        text_item=text_item,
        trend=selectors.trend(level=Level.UNIT, unit=unit, until=period, min_n=min_cell() if restricted else 0),
        page_query=urlencode({"periode": period.pk, "q": q, "teks": text_item.pk if text_item else ""}),
    )
    return render(request, "reporting/dashboard_unit.html", context)


def _sort_headers(period, versions, sort, descending, *, sortable=True):
    columns = [("nama", _("Nama")), ("partisipasi", _("Partisipasi"))]
    columns += [(f"indeks-{i}", v.instrument.index_code) for i, v in enumerate(versions)]
    columns += [("bendera", _("Ditandai")), ("terakhir", _("Jawaban terakhir"))]
    headers = {}
    for key, label in columns:
        active = key == sort
        direction = "naik" if active and descending else "turun"
        if key == "nama" and not active:
            direction = "naik"
        headers[key] = {
            "label": label,
            "url": "?" + urlencode({"periode": period.pk, "urut": key, "arah": direction}) if sortable else "",
            "active": active,
            "descending": descending,
        }
    return headers


def _sorting(request):
    sort = request.GET.get("urut", "nama")
    descending = request.GET.get("arah", "naik" if sort == "nama" else "turun") == "turun"
    return sort, descending


@staff_required(Role.KANWIL)
def dashboard_kanwil(request, code):
    kanwil = kanwil_in_scope(request.user, code)
    period, context = _period_context(request)
    context["kanwil"] = kanwil
    if period is None:
        return render(request, "reporting/dashboard_kanwil.html", context)
    data = selectors.kanwil_dashboard(kanwil, period, Unit.objects.visible_to(request.user).filter(kanwil=kanwil))
    sort, descending = _sorting(request)
    data["rows"] = selectors.sort_rows(data["rows"], sort, descending)
    context.update(data, headers=_sort_headers(period, data["versions"], sort, descending),
                   service_rates=scope_rates([row.obj for row in data["rows"]], period))
    return render(request, "reporting/dashboard_kanwil.html", context)


@staff_required(Role.PUSAT)
def dashboard_national(request):
    period, context = _period_context(request)
    if period is None:
        return render(request, "reporting/dashboard_national.html", context)
    data = selectors.national_dashboard(period, Kanwil.objects.visible_to(request.user),
                                        Unit.objects.visible_to(request.user))
    sort, descending = _sorting(request)
    data["rows"] = selectors.sort_rows(data["rows"], sort, descending)
    context.update(
        data,
        headers=_sort_headers(period, data["versions"], sort, descending),
        unit_headers=_sort_headers(period, data["versions"], "", False, sortable=False),
    )
    return render(request, "reporting/dashboard_national.html", context)


def methodology(request):
    """How every figure is computed (public: the figures are public accountability)."""
    rules = validity_rules() if review.can_review(request.user) else []
    return render(request, "reporting/methodology.html", {"thresholds": Thresholds.from_settings(),
                                                          "validity_rules": rules})


def validity_rules() -> list[tuple[str, str]]:
    """The flag rules with their thresholds, for Kanwil and Pusat only (officers must not learn to stay under
    them)."""
    s = settings
    return [
        (_("Terlalu cepat"), _("di bawah waktu minimum versi instrumen (bawaan 2 detik per butir)")),
        (_("Jawaban seragam dan sangat cepat"),
         _("satu nilai di semua butir dan waktu di bawah %(f)s × waktu minimum") % {
             "f": s.VALIDITY_STRAIGHT_LINING_TIME_FACTOR}),
        (_("Perangkat berulang"), _("mulai jawaban ke-%(n)s dari satu perangkat di UPT yang sama dalam %(h)s jam") % {
            "n": s.VALIDITY_REPEAT_DEVICE_FROM, "h": s.VALIDITY_REPEAT_DEVICE_HOURS}),
        (_("Rentetan jawaban identik"),
         _("lebih dari %(n)s jawaban identik dalam %(m)s menit di satu titik akses; jawaban nilai tertinggi semua "
           "hanya bila setidaknya %(p)s dari volume titik akses itu") % {
             "n": s.VALIDITY_BURST_MAX_IDENTICAL, "m": s.VALIDITY_BURST_WINDOW_MINUTES,
             "p": f"{s.VALIDITY_TOP_BURST_MIN_SHARE:.0%}"}),
        (_("Banjir kiriman di titik akses"),
         _("di atas batas titik akses %(l)s (kiriman/detik), tetap disimpan") % {
             "l": s.FORM_RATE_LIMIT_ACCESS_POINT}),
        (_("Di luar jam layanan"), _("di luar jam layanan UPT ± %(m)s menit") % {
            "m": s.VALIDITY_SERVICE_HOURS_GRACE_MINUTES}),
        (_("Sebaran jawaban menyimpang (jendela)"),
         _("satu hari di satu titik akses dengan minimal %(n)s jawaban: bagian jawaban yang memuat nilai di paruh "
           "bawah skala jauh lebih kecil daripada di titik akses lain UPT itu dan di UPT lain Kanwil itu (masing-"
           "masing minimal %(r)s jawaban dalam %(d)s hari), uji eksak Fisher satu sisi p < %(p)s; jawaban tiket "
           "tidak pernah dihitung sebagai rentetan") % {
             "n": s.VALIDITY_SHIFT_MIN_N, "r": s.VALIDITY_SHIFT_MIN_REFERENCE, "d": s.VALIDITY_WINDOW_BASELINE_DAYS,
             "p": s.VALIDITY_SHIFT_P}),
        (_("Jawaban melebihi jumlah layanan (jendela)"),
         _("satu layanan pada satu hari dengan lebih banyak jawaban daripada orang dilayani, atau jawaban pada hari "
           "tanpa layanan tercatat; di UPT yang mengisi jumlah layanan, sampai hari terakhir yang diisinya, "
           "%(d)s hari ke belakang") % {"d": s.VALIDITY_SERVICE_DAYS_BACK}),
    ]
