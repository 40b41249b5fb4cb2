"""Staff pages for validity: the Kanwil review queue, one response's evidence, and a unit's flag counts."""
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from responses.disclosure import cell, sees_rows
from surveys.access import selected_period, staff_required, unit_in_scope
from surveys.models import Period, Role, Unit

from ..models import Flag, Response, ReviewDecision, ReviewWindow
from ..validity import answer_vector
from . import services as review

PAGE_SIZE = 100


class IdListField(forms.Field):
    """Ids of the checked responses (repeated `response` inputs)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return sorted({int(v) for v in value or []})
        except (TypeError, ValueError):
            raise ValidationError(_("Pilihan jawaban tidak valid.")) from None

    def validate(self, value):
        if not value:
            raise ValidationError(_("Pilih minimal satu jawaban."))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Keputusan"), choices=ReviewDecision.Decision.choices,
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=gettext_lazy("Alasan (wajib)"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": gettext_lazy("Alasan wajib diisi.")})


class BulkDecisionForm(DecisionForm):
    response = IdListField()


class QueueFilterForm(forms.Form):
    periode = forms.ModelChoiceField(label=gettext_lazy("Periode"), queryset=Period.objects.all(), required=False,
                                     empty_label=gettext_lazy("Periode berjalan"))
    upt = forms.ModelChoiceField(label=gettext_lazy("UPT"), queryset=Unit.objects.none(), required=False,
                                 to_field_name="code", empty_label=gettext_lazy("Semua UPT"))
    aturan = forms.ChoiceField(label=gettext_lazy("Aturan"), required=False,
                               choices=[("", gettext_lazy("Semua aturan")), *Flag.Rule.choices])
    status = forms.ChoiceField(label=gettext_lazy("Status tinjauan"), required=False)

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["upt"].queryset = Unit.objects.visible_to(user)
        self.fields["status"].choices = review.QueueState.choices()
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


# --------------------------------------------------------------------------- the queue
@staff_required(Role.KANWIL)
def queue(request):
    """Flagged responses of the reviewer's region grouped by unit and rule, with bulk decisions."""
    filters = QueueFilterForm(request.GET, user=request.user)
    if not filters.is_valid():
        if "upt" in filters.errors:  # a unit outside the reviewer's region: do not reveal it exists
            raise Http404
        return render(request, "review/queue.html", {"filters": filters, "rows": [], "summary": []}, status=400)
    period = filters.cleaned_data["periode"] or Period.objects.current()
    unit = filters.cleaned_data["upt"]
    rule = filters.cleaned_data["aturan"]
    state = filters.cleaned_data["status"] or review.QueueState.PENDING
    scoped = review.reviewable(request.user)
    if period is not None:
        scoped = scoped.filter(period=period)

    form = BulkDecisionForm()
    status = 200
    if request.method == "POST":
        form = BulkDecisionForm(request.POST)
        if form.is_valid():
            done = _decide(request, form.cleaned_data["response"], form.cleaned_data)
            messages.success(request, done)
            return redirect(request.get_full_path())
        status = 400

    page = Paginator(review.queue(scoped, unit=unit, rule=rule, state=state), PAGE_SIZE).get_page(
        request.GET.get("halaman"))
    return render(request, "review/queue.html", {
        "filters": filters, "form": form, "period": period, "unit": unit, "rule": rule, "state": state,
        "summary": review.summary_by_unit_and_rule(scoped),
        "windows": _windows(request.user, unit),
        "page": page, "rows": [describe(r) for r in page.object_list],
        "query": _query_without_page(request),
    }, status=status)


def _decide(request, response_ids, data) -> str:
    try:
        result = review.decide(response_ids=response_ids, decision=data["decision"], reason=data["reason"],
                               acting_user=request.user, now=timezone.now())
    except Response.DoesNotExist:
        raise Http404 from None
    if data["decision"] == ReviewDecision.Decision.REJECT:
        return _("%(n)d jawaban ditolak; indeks dihitung ulang di latar belakang.") % {"n": result.decided}
    return _("%(n)d jawaban dipulihkan atau dikonfirmasi tetap dihitung; indeks dihitung ulang di latar belakang."
             ) % {"n": result.decided}


def _windows(user, unit) -> list:
    """Open review windows in the reviewer's region (of one unit when filtered), newest first."""
    windows = review.reviewable_windows(user).filter(status=ReviewWindow.Status.OPEN).select_related("service")
    if unit is not None:
        windows = windows.filter(unit=unit)
    rows = list(windows[:50])
    for window in rows:
        window.evidence_text = explain_window(window)
    return rows


def _share(part, whole) -> str:
    return formats.number_format(round(100 * part / whole), 0) + " %" if whole else "—"


def _p_value(p) -> str:
    return "< " + formats.number_format(0.0001, 4) if p < 0.0001 else formats.number_format(round(p, 4), 4)


def explain_window(window: ReviewWindow) -> str:
    """A window's evidence in words, for Kanwil and Pusat reviewers only (it names what was compared)."""
    ev = window.evidence or {}
    kind = ReviewWindow.Kind
    if window.kind == kind.VOLUME:
        text = _("%(n)s jawaban dalam satu jam; laju wajar tempat ini %(r)s per jam (peluang %(p)s).") % {
            "n": ev.get("count"), "r": formats.number_format(round(ev.get("baseline_rate", 0), 1), 1),
            "p": _p_value(ev.get("tail_probability", 1))}
    elif window.kind == kind.KIOSK_CADENCE:
        text = _("%(n)s formulir kios dibuka hanya %(s)s detik (tersingkat) setelah kiriman sebelumnya.") % {
            "n": ev.get("count"), "s": formats.number_format(round(ev.get("shortest_gap_seconds", 0)), 0)}
    elif window.kind == kind.REFUSALS:
        text = _("Satu perangkat ditolak %(r)s kali; %(n)s jawabannya tersimpan di UPT ini.") % {
            "r": ev.get("refused"), "n": ev.get("count")}
    elif window.kind == kind.ANSWER_SHIFT:
        n, low = ev.get("responses", 0), ev.get("low", 0)
        parts = [_("Di titik akses ini hari itu %(k)s dari %(n)s jawaban (%(s)s) memuat nilai di paruh bawah "
                   "skala.") % {"k": low, "n": n, "s": _share(low, n)}]
        labels = {"unit_rest": _("Titik akses lain UPT ini"), "kanwil_rest": _("UPT lain di Kanwil ini")}
        for key, label in labels.items():
            ref = ev.get(key)
            if ref:
                parts.append(_("%(where)s (%(d)s hari terakhir): %(k)s dari %(n)s (%(s)s); uji eksak Fisher satu "
                               "sisi p = %(p)s.") % {
                    "where": label, "d": ev.get("reference_days"), "k": ref["low"], "n": ref["responses"],
                    "s": _share(ref["low"], ref["responses"]), "p": _p_value(ref["p_value"])})
        text = " ".join(parts)
    elif window.kind == kind.SERVICE_DAY:
        if ev.get("served"):
            text = _("%(n)s jawaban untuk layanan %(l)s, padahal tercatat %(s)s orang dilayani hari itu.") % {
                "n": ev.get("responses"), "l": window.service or "—", "s": ev.get("served")}
        else:
            text = _("%(n)s jawaban untuk layanan %(l)s pada hari tanpa layanan tercatat.") % {
                "n": ev.get("responses"), "l": window.service or "—"}
    else:
        text = "; ".join(f"{key}: {value}" for key, value in ev.items())
    if window.kind in (kind.VOLUME, kind.KIOSK_CADENCE) and ev.get("refused"):
        text += " " + _("Kiriman ditolak di tempat ini pada jam itu: %(r)s.") % {"r": ev["refused"]}
    return text


@staff_required(Role.KANWIL)
@require_POST
def decide_window(request, pk):
    """A decision on a whole review window: rejects or reinstates its responses, with a reason."""
    decision, reason = request.POST.get("decision", ""), request.POST.get("reason", "")
    try:
        result = review.decide_window(window_id=pk, decision=decision, reason=reason, acting_user=request.user,
                                      now=timezone.now())
    except (ReviewWindow.DoesNotExist, Response.DoesNotExist):
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("review_queue")
    messages.success(request, _("Keputusan jendela disimpan untuk %(n)d jawaban; indeks dihitung ulang di latar "
                                "belakang.") % {"n": result.decided})
    return redirect("review_queue")


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("halaman", None)
    return query.urlencode()


# --------------------------------------------------------------------------- one response's evidence
@staff_required(Role.KANWIL)
def detail(request, pk):
    """A flagged response's answers, every flag's evidence (identical vectors side by side) and its history."""
    response = get_object_or_404(review.reviewable(request.user).select_related("unit", "access_point", "service"),
                                 pk=pk)
    form = DecisionForm()
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            messages.success(request, _decide(request, [response.pk], form.cleaned_data))
            return redirect("review_detail", pk=response.pk)
        status = 400
    return render(request, "review/detail.html", {
        "row": describe(response),
        "evidence": [explain(flag, request.user) for flag in response.flags.order_by("rule")],
        "decisions": response.decisions.select_related("decided_by"),
        "form": form,
    }, status=status)


def describe(response: Response) -> dict:
    """A response as the queue shows it: where, when, how fast, which flags, and its answer vectors."""
    sheets = sorted(response.scoresheets.all(), key=lambda s: (s.version.instrument.position, s.version_id))
    return {
        "response": response,
        "local_time": timezone.localtime(response.created_at),
        "vectors": [(s.version.instrument.code, [v for v in s.scores(20) if v is not None]) for s in sheets],
        "vector_key": answer_vector(sheets),
        "rules": [f.get_rule_display() for f in sorted(response.flags.all(), key=lambda f: f.rule)],
        "device": response.device_hash[:8],
    }


def explain(flag: Flag, user) -> dict:
    """A flag's evidence in words, plus the related responses the reviewer may see."""
    ev = flag.evidence or {}
    related = []
    if flag.rule == Flag.Rule.TOO_FAST:
        text = _("Selesai dalam %(s)s detik; waktu minimum wajar %(m)s detik untuk %(n)s butir.") % {
            "s": ev.get("completion_seconds"), "m": ev.get("minimum_seconds"), "n": ev.get("items")}
    elif flag.rule == Flag.Rule.STRAIGHT_LINING:
        text = _("Semua %(n)s butir dijawab %(v)s dalam %(s)s detik (cepat: di bawah %(f)s detik).") % {
            "n": ev.get("items"), "v": ev.get("value"), "s": ev.get("completion_seconds"),
            "f": ev.get("fast_below_seconds")}
    elif flag.rule == Flag.Rule.REPEAT_DEVICE:
        text = _("Perangkat yang sama mengisi instrumen yang sama di UPT ini dalam %(h)s jam.") % {
            "h": ev.get("window_hours")}
        related = _related([o["id"] for o in ev.get("other_responses", [])] + [flag.response_id], user)
    elif flag.rule == Flag.Rule.BURST:
        text = _("%(n)s jawaban identik di satu titik akses dalam %(w)s menit.") % {
            "n": ev.get("count"), "w": ev.get("window_minutes")}
        related = _related(ev.get("responses", []), user)
    elif flag.rule == Flag.Rule.STEERED:
        text = _("Responden menyatakan petugas mengarahkan jawaban atau mengawasi pengisian.")
    else:
        text = _("Diterima %(t)s; jam layanan %(o)s–%(c)s (toleransi %(g)s menit).") % {
            "t": ev.get("local_time"), "o": ev.get("opens_at"), "c": ev.get("closes_at"),
            "g": ev.get("grace_minutes")}
    return {"flag": flag, "text": text, "related": related}


def _related(ids, user) -> list[dict]:
    rows = (review.with_reviewed(Response.objects.visible_to(user)).filter(pk__in=ids)
            .select_related("unit", "access_point", "service")
            .prefetch_related("flags", "scoresheets__version__instrument").order_by("created_at", "pk"))
    return [describe(r) for r in rows]


# --------------------------------------------------------------------------- what officers see
@staff_required
def unit_flags(request, code):
    """Flag counts of one unit in a period: officers see their own unit's, but cannot review them."""
    unit = unit_in_scope(request.user, code)
    period = selected_period(request)
    counts = review.flag_counts(unit, period) if period else None
    can_review = review.can_review(request.user)
    if counts and not can_review:
        del counts["rules"]  # officers see how many are flagged, not which rule: no recipe for evasion
    if counts and not sees_rows(request.user):  # the unit's own officers: small counts "< k" (disclosure)
        counts = {key: cell(value) for key, value in counts.items()}
    return render(request, "review/unit_flags.html", {
        "unit": unit, "period": period, "periods": Period.objects.all(), "counts": counts,
        "can_review": can_review,
        "queue_url": f"{reverse('review_queue')}?upt={unit.code}" + (f"&periode={period.pk}" if period else ""),
    })
