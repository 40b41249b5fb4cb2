"""Enrolled kiosk tablets: a one-time enrolment code becomes a tablet's credential, revocable by staff."""
import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from .access_points import AccessPoint


def secret_digest(secret: str) -> str:
    """What is stored of an enrolment code or a credential: its SHA-256 (both are long random strings)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class KioskDevice(models.Model):
    """One tablet at a kiosk access point. Created with an enrolment code (shown once to staff, valid for a
    short time, used once); enrolling turns it into a credential kept in the tablet's cookie. An enrolled
    tablet may send answers completed offline later; a revoked one is refused and its refusals recorded."""

    access_point = models.ForeignKey(AccessPoint, on_delete=models.CASCADE, related_name="kiosk_devices")
    code_digest = models.CharField(max_length=64, blank=True, db_index=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    credential_digest = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField()
    enrolled_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tablet kios")
        verbose_name_plural = _("tablet kios")

    def __str__(self):
        return f"{self.access_point} / #{self.pk}"

    @property
    def active(self) -> bool:
        return self.enrolled_at is not None and self.revoked_at is None


class KioskRefusal(models.Model):
    """One queued answer a revoked tablet sent and the server refused, once per idempotency key however
    often the tablet retries: what the access point page counts for staff. Holds no answers."""

    device = models.ForeignKey(KioskDevice, on_delete=models.CASCADE, related_name="refusals")
    idempotency_key = models.UUIDField(unique=True)
    refused_at = models.DateTimeField()

    class Meta:
        verbose_name = _("jawaban tablet yang ditolak")
        verbose_name_plural = _("jawaban tablet yang ditolak")
