"""Enrolling kiosk tablets and revoking them (docs/kiosk.md): codes, credentials, refusals."""
import secrets
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .audit import audited
from .models import TOKEN_ALPHABET, AccessPoint, KioskDevice, KioskRefusal, secret_digest

CODE_LENGTH = 10  # about 50 bits, typed once on the tablet within ENROLMENT_CODE_MINUTES
ENROLMENT_CODE_MINUTES = 30


def _new_code() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What a person typed, without spaces or dashes and in lower case."""
    return "".join(code.split()).replace("-", "").lower()


@audited
@transaction.atomic
def start_kiosk_enrolment(*, access_point: AccessPoint, acting_user, now: datetime | None = None
                          ) -> tuple[KioskDevice, str]:
    """A new tablet slot and its one-time enrolment code (returned once, stored only as a digest)."""
    now = now or timezone.now()
    code = _new_code()
    device = KioskDevice.objects.create(access_point=access_point, code_digest=secret_digest(code),
                                        code_expires_at=now + timedelta(minutes=ENROLMENT_CODE_MINUTES),
                                        created_at=now)
    return device, code


@transaction.atomic
def enrol_kiosk(*, access_point: AccessPoint, code: str, now: datetime | None = None) -> tuple[KioskDevice, str] | None:
    """Trades a valid, unused enrolment code for the tablet's credential (returned once); None if the code
    is wrong, used, expired or revoked. The tablet is anonymous: the trail names the staff who made the code."""
    now = now or timezone.now()
    code = normalise_code(code)
    if not code:
        return None
    device = (KioskDevice.objects.select_for_update()
              .filter(access_point=access_point, code_digest=secret_digest(code), enrolled_at__isnull=True,
                      revoked_at__isnull=True, code_expires_at__gte=now).first())
    if device is None:
        return None
    credential = secrets.token_urlsafe(32)
    device.code_digest, device.credential_digest, device.enrolled_at = "", secret_digest(credential), now
    device.save(update_fields=["code_digest", "credential_digest", "enrolled_at"])
    return device, credential


def kiosk_for(*, access_point: AccessPoint, credential: str) -> KioskDevice | None:
    """The tablet holding this credential at this access point, revoked or not; None for an unknown one."""
    if not credential:
        return None
    return KioskDevice.objects.filter(access_point=access_point, credential_digest=secret_digest(credential),
                                      enrolled_at__isnull=False).first()


@audited
@transaction.atomic
def revoke_kiosk(*, device: KioskDevice, acting_user, now: datetime | None = None) -> KioskDevice:
    """The tablet's credential stops working: its queued answers are refused (and counted for staff)."""
    if device.revoked_at is None:
        device.revoked_at = now or timezone.now()
        device.code_digest = ""
        device.save(update_fields=["revoked_at", "code_digest"])
    return device


def record_refusal(*, device: KioskDevice, key: uuid.UUID, now: datetime | None = None) -> None:
    """A revoked tablet sent a queued answer: recorded once per answer so the access point page tells staff."""
    KioskRefusal.objects.get_or_create(idempotency_key=key,
                                       defaults={"device": device, "refused_at": now or timezone.now()})


def record_sync(*, device: KioskDevice, now: datetime | None = None) -> None:
    KioskDevice.objects.filter(pk=device.pk).update(last_sync_at=now or timezone.now())


