"""The signed form token: which access point, which idempotency key, and when the form was opened.

Every rendered form carries one. It is signed with django.core.signing (so it cannot be altered) and holds
two timestamps: `opened` (when the respondent first saw the form, for the completion time) and `signed`
(when this token was issued, for expiry). A form re-shown after an expired token keeps its key and its
opening time, so the respondent's retry is the same submission and its completion time stays honest.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.utils import timezone

SALT = "responses.form-token"


class TokenInvalid(Exception):
    """The token was altered, belongs to another access point or cannot be read."""


class TokenExpired(Exception):
    """The token is genuine but older than FORM_TOKEN_MAX_AGE; `.token` is the decoded content."""

    def __init__(self, token: "FormToken"):
        super().__init__("form token expired")
        self.token = token


@dataclass(frozen=True)
class FormToken:
    access_point_id: int
    key: uuid.UUID
    opened: int  # epoch seconds
    signed: int  # epoch seconds

    def completion_seconds(self, now: datetime) -> int:
        return max(0, int(now.timestamp()) - self.opened)


def issue(*, access_point_id: int, now: datetime | None = None, key: uuid.UUID | None = None,
          opened: int | None = None) -> str:
    """A new signed token; pass `key` and `opened` to renew an expired one for the same form."""
    stamp = int((now or timezone.now()).timestamp())
    payload = {
        "ap": access_point_id,
        "k": (key or uuid.uuid4()).hex,
        "o": stamp if opened is None else opened,
        "s": stamp,
    }
    return signing.dumps(payload, salt=SALT, compress=False)


def read(value: str, *, access_point_id: int, now: datetime | None = None) -> FormToken:
    """The token's content; raises TokenInvalid (tampered, foreign) or TokenExpired."""
    try:
        payload = signing.loads(value or "", salt=SALT)
        token = FormToken(
            access_point_id=int(payload["ap"]), key=uuid.UUID(hex=payload["k"]),
            opened=int(payload["o"]), signed=int(payload["s"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid from exc
    if token.access_point_id != access_point_id:
        raise TokenInvalid
    age = int((now or timezone.now()).timestamp()) - token.signed
    if age > settings.FORM_TOKEN_MAX_AGE or age < -60:  # a little clock skew between workers is fine
        raise TokenExpired(token)
    return token
