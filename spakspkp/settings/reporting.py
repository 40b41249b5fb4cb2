"""Periods, indices, exports, follow-up and the audit trail: thresholds and defaults of the staff side."""
from django.core.exceptions import ImproperlyConfigured

from .env import env_int, env_list, env_str

# Who may open and close survey periods: "pusat" always; add "kanwil" to let Kanwil staff do it too
# (periods are national per programme).
PERIOD_MANAGERS = env_list("PERIOD_MANAGERS", ["pusat"])
if set(PERIOD_MANAGERS) - {"pusat", "kanwil"}:
    raise ImproperlyConfigured(f"PERIOD_MANAGERS={PERIOD_MANAGERS!r}: use pusat and/or kanwil.")

# Seconds a burst of responses at one unit waits before its single recompute.
RECOMPUTE_DEBOUNCE_SECONDS = env_int("RECOMPUTE_DEBOUNCE_SECONDS", 10, minimum=1)

# Public results (reporting.publication): a figure from fewer counted responses than PUBLIC_MIN_RESPONSES is
# not published ("belum cukup data"); one from fewer than PUBLIC_SMALL_SAMPLE_RESPONSES is published, marked.
PUBLIC_MIN_RESPONSES = env_int("PUBLIC_MIN_RESPONSES", 10, minimum=1)
PUBLIC_SMALL_SAMPLE_RESPONSES = env_int("PUBLIC_SMALL_SAMPLE_RESPONSES", 30, minimum=1)
if PUBLIC_SMALL_SAMPLE_RESPONSES < PUBLIC_MIN_RESPONSES:
    raise ImproperlyConfigured(
        f"PUBLIC_SMALL_SAMPLE_RESPONSES={PUBLIC_SMALL_SAMPLE_RESPONSES} is below "
        f"PUBLIC_MIN_RESPONSES={PUBLIC_MIN_RESPONSES}."
    )

# Exports (reporting.exports): background Excel/CSV builds, kept for a while then deleted by a periodic job.
EXPORT_FILE_TTL_HOURS = env_int("EXPORT_FILE_TTL_HOURS", 24, minimum=1)

# Follow-up (Monitoring dan Inventarisasi Masalah, reporting.followups). Evidence is stored under MEDIA_ROOT
# (outside the web root) and checked by content signature, not by name.
FOLLOWUP_EVIDENCE_MAX_BYTES = env_int("FOLLOWUP_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024, minimum=1)
FOLLOWUP_EVIDENCE_TYPES = ("pdf", "jpg", "png")
# Zona Integritas target NRR on a 1–4 scale when no FollowUpTarget row is set (mapped onto other scales).
FOLLOWUP_DEFAULT_TARGET_NRR = env_str("FOLLOWUP_DEFAULT_TARGET_NRR", "3.60")
try:
    if not 1 <= float(FOLLOWUP_DEFAULT_TARGET_NRR) <= 4:
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(
        f"FOLLOWUP_DEFAULT_TARGET_NRR={FOLLOWUP_DEFAULT_TARGET_NRR!r} is not an NRR on the 1–4 scale."
    ) from None
FOLLOWUP_WEAKEST_COUNT = env_int("FOLLOWUP_WEAKEST_COUNT", 3, minimum=0)

# Audit trail rows name related records ("Lapas Kelas I Semarang") rather than their ids.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
