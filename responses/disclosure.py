"""The disclosure policy: what each reader may see of response-level data. One module, applied by every reader.

The people being rated (UPT officers) never see a response-level row: their unit's results are aggregates in
which a cell built from fewer than `min_cell()` responses is shown as "< k"; respondents' own words reach
them in batches (`released`), dated to the day, without service, channel or demographics; the "steered or
watched" answers only as counts per period. Kanwil reviewers and Pusat see response-level evidence in the
review queue; their raw export has times coarsened to the hour and no free text unless they ask for it with
an audited reason. Thresholds come from settings (spakspkp/settings/disclosure.py); docs/privacy.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Role, membership_of, sees_everything


def min_cell() -> int:
    return settings.DISCLOSURE_MIN_CELL


def text_delay() -> timedelta:
    return timedelta(hours=settings.DISCLOSURE_TEXT_DELAY_HOURS)


def sees_rows(user) -> bool:
    """Kanwil reviewers and Pusat may read response-level rows; UPT officers (and anyone else) may not."""
    if sees_everything(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.role == Role.KANWIL


@dataclass(frozen=True)
class Suppressed:
    """A count withheld because fewer than k responses make it; renders as "< k"."""

    k: int

    def __str__(self) -> str:
        return f"< {self.k}"

    def __bool__(self) -> bool:  # a suppressed cell is still a non-empty one (not "no responses")
        return True


def cell(n: int | None, *, restricted: bool = True) -> int | Suppressed | None:
    """`n`, or Suppressed when a restricted reader would see a count of 1 to k-1 (0 and None stay as they are:
    that nobody answered identifies nobody)."""
    if restricted and n and 0 < n < min_cell():
        return Suppressed(min_cell())
    return n


def is_small(n: int | None) -> bool:
    return bool(n) and 0 < n < min_cell()  # type: ignore[operator]


def to_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def to_day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def released(responses: QuerySet, *, now: datetime | None = None) -> QuerySet:
    """The responses among `responses` (one unit's free text of one kind) whose text has been released to
    the unit: of those submitted at least the delay before `now`, oldest first, the largest multiple of k.

    So each release adds at least k texts at once and never one submitted within the delay; being computed
    from the submission times alone, a release is the same on every page and never taken back.
    """
    now = now or timezone.now()
    k = min_cell()
    eligible = list(responses.filter(created_at__lte=now - text_delay())
                    .order_by("created_at", "pk").values_list("pk", flat=True))
    return responses.filter(pk__in=eligible[: len(eligible) // k * k])


def rules_applied(*, suppressed: bool = False, rows: bool = False, text: bool = False, reason: str = "") -> list[str]:
    """The statements an export carries (cover sheet or header) of the disclosure rules applied to it:
    `suppressed` small cells (a UPT reader), response-level `rows` (Kanwil/Pusat), free `text` included."""
    k = min_cell()
    lines = [_("Aturan keterbukaan data (anonimitas responden): tanpa nama, telepon, alamat IP atau nomor "
               "perangkat.")]
    if suppressed:
        lines.append(_("Untuk UPT hanya agregat: sel dari kurang dari %(k)d jawaban ditampilkan \"< %(k)d\"; tanpa "
                       "data per jawaban dan tanpa teks bebas.") % {"k": k})
    if rows:
        lines.append(_("Data per jawaban (hanya Kanwil/Pusat): waktu dibulatkan ke jam."))
        if text:
            lines.append(_("Teks bebas responden disertakan atas permintaan yang tercatat di jejak audit. "
                           "Alasan: %(reason)s") % {"reason": reason})
        else:
            lines.append(_("Teks bebas responden (saran, jawaban teks) tidak disertakan."))
    return lines
