"""Evidence file checks: allowed kinds recognised by their first bytes, and a size limit from settings."""
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# kind -> (content type, accepted name suffixes, leading bytes)
KINDS = {
    "pdf": ("application/pdf", {".pdf"}, b"%PDF-"),
    "png": ("image/png", {".png"}, b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", {".jpg", ".jpeg"}, b"\xff\xd8\xff"),
}


def sniff(head: bytes) -> str | None:
    """The kind whose signature starts `head`, or None."""
    for kind, (_type, _suffixes, signature) in KINDS.items():
        if head.startswith(signature):
            return kind
    return None


def check_upload(upload) -> tuple[str, str]:
    """(kind, content type) of an acceptable upload; ValidationError with a translated message otherwise.

    The name's suffix and the content must agree, so a renamed executable or HTML page is refused.
    """
    allowed = set(settings.FOLLOWUP_EVIDENCE_TYPES)
    limit = settings.FOLLOWUP_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Berkas terlalu besar (%(size)s). Batas ukuran bukti adalah %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("Berkas kosong."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    suffix = PurePath(upload.name or "").suffix.lower()
    if kind is None or kind not in allowed or suffix not in KINDS[kind][1]:
        raise ValidationError(
            _("Jenis berkas tidak diizinkan. Unggah PDF, JPG atau PNG (isi berkas diperiksa, bukan hanya namanya)."),
            code="type",
        )
    return kind, KINDS[kind][0]
