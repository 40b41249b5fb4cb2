"""Issuing, revoking and checking API tokens. The secret is shown once, at creation; only its hash is kept."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from surveys.audit import audited
from surveys.models import Kanwil, Membership, Role, Unit

from .models import ApiToken

TOKEN_PREFIX = "spak_"  # noqa: S105 - a marker on every token, not a secret
LAST_USED_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most once a minute per token


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@audited
def create_token(*, name: str, role: str, kanwil: Kanwil | None = None, unit: Unit | None = None,
                 acting_user, now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token and its secret (to show once). Scope as a membership: pusat, kanwil (+kanwil), upt (+unit)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, prefix=raw[:12], key_hash=hash_key(raw), role=role,
        kanwil=kanwil if role == Role.KANWIL else None, unit=unit if role == Role.UPT else None,
        created_by=acting_user, created_at=now or timezone.now(),
    )
    return token, raw


@audited
def revoke_token(*, token: ApiToken, acting_user, now: datetime | None = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate(raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The active token with this secret (its last use recorded), or None."""
    token = (ApiToken.objects.select_related("kanwil", "unit")
             .filter(key_hash=hash_key(raw.strip()), revoked_at=None).first())
    if token is None:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@dataclass
class TokenPrincipal:
    """Stands in for a staff user in `visible_to(user)`: the token's scope as an unsaved membership."""

    token: ApiToken
    is_authenticated: bool = True
    is_superuser: bool = False

    @property
    def membership(self) -> Membership:
        return Membership(role=self.token.role, kanwil=self.token.kanwil, unit=self.token.unit)
